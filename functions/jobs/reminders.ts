import { z } from 'zod';
import { now as clockNow } from '../../shared/clock.js';
import { businessDate } from '../../shared/domain/calendar.js';
import { defaultDeps } from '../../shared/http/deps.js';
import { logger } from '../../shared/logger.js';
import { senderAddress, sesMailer } from '../../shared/mail/ses.js';
import { sendReminders } from '../../shared/store/reminders.js';

/**
 * The daily rectification reminders (shared/store/reminders.ts): to a department whose notice is due within
 * the configured working days, to the bureau for each notice that became overdue; once per notice per kind.
 * Input `{ asOf }` runs them as of that day (default: today in Asia/Shanghai).
 */
const input = z.object({ asOf: z.iso.date().optional() }).loose();

export async function handler(event: unknown = {}) {
  const { asOf } = input.parse(event ?? {});
  const now = clockNow();
  const { db } = defaultDeps();
  const today = asOf ?? businessDate(now);
  const result = await sendReminders(db, sesMailer(), { today, now, from: senderAddress(), logger });
  const summary = {
    today,
    sent: result.sent.map((s) => ({ kind: s.kind, noticeId: s.noticeId })),
    alreadySent: result.alreadySent.length,
    inProgress: result.inProgress.length,
    skipped: result.skipped,
    failed: result.failed.map((f) => ({ kind: f.kind, noticeId: f.noticeId, error: f.error })),
  };
  logger.info('rectification reminders', summary);
  if (result.failed.length) throw new Error(`reminders of ${today}: ${result.failed.length} failed`);
  return summary;
}
