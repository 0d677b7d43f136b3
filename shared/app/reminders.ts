import type { IsoDate } from '../domain/calendar.js';
import type { RuleConfig } from '../domain/config.js';
import type { Rectification } from '../domain/rectification.js';
import type { Department } from '../domain/reference.js';
import { reminderFor } from '../domain/reminders.js';
import type { DeliveryReport, OutgoingMail } from '../mail/delivery.js';
import { toReportNotice } from '../mail/model.js';
import { currentConfig } from '../store/config.js';
import { keys } from '../store/keys.js';
import { noticesWithStatus } from '../store/monitoring.js';
import { departments } from '../store/reference.js';
import { deliverOnce, type MailDeps } from './deliver-mails.js';

/**
 * The daily reminders: a department whose open rectification notice is due within the configured working
 * days (`monitoring.reminderWorkingDays`, 3 by default, with the configured calendar) gets a reminder; the
 * bureau (`bureauEmails`) hears of each notice that is past its due date unanswered (the rule:
 * shared/domain/reminders.ts). Once per notice per kind: records keys.mailRecord(keys.reminderMailScope(id),
 * `due-soon` | `overdue`), with the protocol of shared/mail/delivery.ts.
 */
export const reminderScope = (noticeId: string) => keys.reminderMailScope(noticeId);
export { reminderFor };

export interface RemindersResult extends DeliveryReport {
  today: IsoDate;
  skipped: { noticeId: string; kind: 'due-soon' | 'overdue'; reason: string }[];
}

export async function sendReminders(
  deps: MailDeps,
  opts: { today: IsoDate; now: Date },
): Promise<RemindersResult> {
  const { db } = deps;
  const from = deps.mailFrom();
  const notices: Rectification[] = [];
  for (const status of ['open', 'overdue']) notices.push(...(await noticesWithStatus(db, status)));
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
  // The renderers are loaded by the first notice that is due a mail (most days none is).
  let renderers:
    | Promise<[typeof import('../mail/compose.js'), typeof import('../mail/reminders.js')]>
    | undefined;
  for (const r of notices.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.id.localeCompare(b.id))) {
    const config = await configOf(r.fiscalYear);
    const decision = reminderFor(r, opts.today, config);
    if (!decision) continue;
    renderers ??= Promise.all([import('../mail/compose.js'), import('../mail/reminders.js')]);
    const [{ message }, { renderDueSoonReminder, renderOverdueNotice }] = await renderers;
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
        build: async () => message(mail, to, from, opts.now),
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
        build: async () => message(mail, to, from, opts.now),
      });
    }
  }
  const delivered = await deliverOnce(deps, mails, from);
  return { today: opts.today, ...delivered, skipped };
}
