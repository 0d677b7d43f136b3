import * as z from 'zod';
import type { MailDeps } from '../../shared/app/deliver-mails.js';
import { sendReminders } from '../../shared/app/reminders.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { businessDate } from '../../shared/domain/calendar.js';
import { observed } from '../../shared/lambda.js';

/**
 * The daily rectification reminders (shared/app/reminders.ts): to a department whose notice is due within
 * the configured working days, to the bureau for each notice that became overdue; once per notice per kind.
 * Input `{ asOf }` runs them as of that day (default: today in Asia/Shanghai).
 */
const input = z.object({ asOf: z.iso.date().optional() }).loose();

export type RemindersDeps = MailDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export function createRemindersHandler(source: DepsSource<RemindersDeps>) {
  return observed(
    async (event: unknown = {}) => {
      const deps = resolveDeps(source);
      const { asOf } = input.parse(event ?? {});
      const now = deps.now();
      const today = asOf ?? businessDate(now);
      const result = await sendReminders(deps, { today, now });
      const summary = {
        today,
        sent: result.sent.map((s) => ({ kind: s.kind, noticeId: s.noticeId })),
        alreadySent: result.alreadySent.length,
        inProgress: result.inProgress.length,
        skipped: result.skipped,
        failed: result.failed.map((f) => ({ kind: f.kind, noticeId: f.noticeId, error: f.error })),
      };
      deps.logger.info('rectification reminders', summary);
      if (result.failed.length) throw new Error(`reminders of ${today}: ${result.failed.length} failed`);
      return summary;
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createRemindersHandler(defaultDeps);
