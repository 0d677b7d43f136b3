import type { RenderedMail } from './department-report.js';
import { fill, type Locale, shanghaiDateTime } from './format.js';
import { COLORS, esc, page, paragraph } from './html.js';
import type { ReportNotice } from './model.js';
import { texts } from './texts.js';

/**
 * Reminder mails (pure): to a department whose rectification notice is due within the configured working
 * days, and to the bureau when a notice became overdue. One notice per mail.
 */
export interface ReminderInput {
  notice: ReportNotice;
  departmentName: string;
  generatedAt: Date;
}

function render(
  locale: Locale,
  subject: string,
  title: string,
  body: string,
  reason: string,
  generatedAt: Date,
): RenderedMail {
  const t = texts[locale];
  const html = page({
    lang: locale,
    title: subject,
    kicker: t.bureau,
    heading: title,
    subheading: subject,
    body: [
      paragraph(esc(body), 'margin-top:14px;'),
      paragraph(esc(fill(t.noticeReason, { reason })), `color:${COLORS.muted};`),
    ].join('\n'),
    footer: [esc(fill(t.generated, { at: shanghaiDateTime(generatedAt) })), esc(t.reminderFooter)].join(
      '<br>',
    ),
  });
  const text = [
    t.bureau,
    title,
    '',
    body,
    '',
    fill(t.noticeReason, { reason }),
    '',
    fill(t.generated, { at: shanghaiDateTime(generatedAt) }),
    t.reminderFooter,
  ].join('\n');
  return { subject, html, text: `${text}\n` };
}

/** To the department, in its language: the notice is due in `workingDaysLeft` working days. */
export function renderDueSoonReminder(
  r: ReminderInput,
  locale: Locale,
  workingDaysLeft: number,
): RenderedMail {
  const t = texts[locale];
  const n = r.notice;
  const values = {
    department: r.departmentName,
    project: n.projectName,
    projectId: n.projectId,
    notice: n.id,
    due: n.dueOn,
    days: workingDaysLeft,
  };
  return render(
    locale,
    fill(t.dueSoonSubject, values),
    t.dueSoonTitle,
    fill(t.dueSoonBody, values),
    n.reasons[locale],
    r.generatedAt,
  );
}

/** To the bureau (zh-CN): the notice is past its due date and unanswered. */
export function renderOverdueNotice(r: ReminderInput): RenderedMail {
  const locale = 'zh-CN';
  const t = texts[locale];
  const n = r.notice;
  const values = {
    department: r.departmentName,
    departmentId: n.departmentId,
    project: n.projectName,
    projectId: n.projectId,
    notice: n.id,
    due: n.dueOn,
  };
  return render(
    locale,
    fill(t.overdueSubject, values),
    t.overdueTitle,
    fill(t.overdueBody, values),
    n.reasons[locale],
    r.generatedAt,
  );
}
