import { type IsoDate, workingDaysBetween } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import { type Rectification, rectificationRecord } from '../domain/rectification.js';
import type { Department } from '../domain/reference.js';
import { message } from '../mail/compose.js';
import { type DeliveryLogger, type DeliveryReport, deliver, type OutgoingMail } from '../mail/delivery.js';
import { toReportNotice } from '../mail/model.js';
import { renderDueSoonReminder, renderOverdueNotice } from '../mail/reminders.js';
import type { Mailer } from '../mail/ses.js';
import { currentConfig } from './config.js';
import type { Db } from './db.js';
import { keys } from './keys.js';
import { DynamoMailLog } from './mail-log.js';
import { departments } from './reference.js';

/**
 * The daily reminders: a department whose open rectification notice is due within the configured working
 * days (`monitoring.reminderWorkingDays`, 3 by default, with the configured calendar) gets a reminder; the
 * bureau (`bureauEmails`) hears of each notice that is past its due date unanswered. Once per notice per kind:
 * records `MAIL#REMINDER#<noticeId>` / `due-soon` | `overdue`, with the protocol of shared/mail/delivery.ts.
 */
export const reminderScope = (noticeId: string) => `REMINDER#${noticeId}`;

export type ReminderDecision =
  | { kind: 'due-soon'; workingDaysLeft: number }
  | { kind: 'overdue' }
  | undefined;

/** What a notice calls for on `today` (pure). */
export function reminderFor(
  r: Pick<Rectification, 'status' | 'dueOn'>,
  today: IsoDate,
  config: Pick<RuleConfig, 'calendar'> & {
    monitoring: Pick<RuleConfig['monitoring'], 'reminderWorkingDays'>;
  },
): ReminderDecision {
  if (r.status === 'overdue' || (r.status === 'open' && r.dueOn < today)) return { kind: 'overdue' };
  if (r.status !== 'open') return undefined;
  const left = workingDaysBetween(today, r.dueOn, config.calendar);
  return left <= config.monitoring.reminderWorkingDays
    ? { kind: 'due-soon', workingDaysLeft: left }
    : undefined;
}

export interface RemindersResult extends DeliveryReport {
  today: IsoDate;
  skipped: { noticeId: string; kind: 'due-soon' | 'overdue'; reason: string }[];
}

export async function sendReminders(
  db: Db,
  mailer: Mailer,
  opts: { today: IsoDate; now: Date; from: string; logger?: DeliveryLogger },
): Promise<RemindersResult> {
  const notices: Rectification[] = [];
  for (const status of ['open', 'overdue']) {
    notices.push(
      ...(await db.all(
        { index: 'gsi2', pk: keys.allNotices, skBeginsWith: `${status}#`, limit: 100 },
        rectificationRecord,
      )),
    );
  }
  const configs = new Map<number, Promise<RuleConfig>>();
  const configOf = (year: number) => {
    if (!configs.has(year)) configs.set(year, currentConfig(db, year));
    return configs.get(year)!;
  };
  const depts = new Map<string, Promise<Department | undefined>>();
  const departmentOf = (id: string) => {
    if (!depts.has(id)) depts.set(id, departments.get(db, id));
    return depts.get(id)!;
  };

  const mails: OutgoingMail[] = [];
  const skipped: RemindersResult['skipped'] = [];
  for (const r of notices.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id))) {
    const config = await configOf(r.fiscalYear);
    const decision = reminderFor(r, opts.today, config);
    if (!decision) continue;
    const dept = await departmentOf(r.departmentId);
    const input = {
      notice: toReportNotice(r, decision.kind === 'overdue' ? 'overdue' : 'open'),
      departmentName: dept?.name ?? r.departmentId,
      generatedAt: opts.now,
    };
    const context = { noticeId: r.id, dueOn: r.dueOn, today: opts.today };
    if (decision.kind === 'due-soon') {
      if (!dept?.contactEmails.length) {
        skipped.push({ noticeId: r.id, kind: 'due-soon', reason: 'the department has no contact addresses' });
        continue;
      }
      const mail = renderDueSoonReminder(input, dept.locale, decision.workingDaysLeft);
      const to = [...dept.contactEmails];
      mails.push({
        draft: {
          scope: reminderScope(r.id),
          key: 'due-soon',
          kind: 'due-soon',
          to,
          subject: mail.subject,
          departmentId: r.departmentId,
          context,
        },
        build: async () => message(mail, to, opts.from, opts.now),
      });
    } else {
      if (!config.bureauEmails.length) {
        skipped.push({
          noticeId: r.id,
          kind: 'overdue',
          reason: `the configuration of ${r.fiscalYear} names no bureauEmails`,
        });
        continue;
      }
      const mail = renderOverdueNotice(input);
      const to = [...config.bureauEmails];
      mails.push({
        draft: {
          scope: reminderScope(r.id),
          key: 'overdue',
          kind: 'overdue',
          to,
          subject: mail.subject,
          departmentId: r.departmentId,
          context,
        },
        build: async () => message(mail, to, opts.from, opts.now),
      });
    }
  }
  const delivered = await deliver(mails, {
    log: new DynamoMailLog(db),
    mailer,
    from: opts.from,
    logger: opts.logger,
  });
  return { today: opts.today, ...delivered, skipped };
}
