import { bureauSummaryFileName, renderBureauSummary } from './bureau-summary.js';
import { departmentReportFileName, type RenderedMail, renderDepartmentReport } from './department-report.js';
import { buildMime, XLSX_TYPE } from './mime.js';
import type { BureauSummary, DepartmentReport } from './model.js';
import { SENDER_NAME } from './sender.js';
import { monitoringWorkbook } from './workbook.js';

/** Whole messages (rendering + workbook + MIME), ready for SES. Pure: no clock (the report's time is used). */
export async function departmentReportMessage(
  r: DepartmentReport,
  to: string[],
  from: string,
): Promise<Buffer> {
  const mail = renderDepartmentReport(r);
  const xlsx = await monitoringWorkbook({
    asOf: r.asOf,
    generatedAt: r.generatedAt,
    projects: r.projects,
    notices: r.notices,
    clawbacks: r.clawbacks,
  });
  return message(
    mail,
    to,
    from,
    r.generatedAt,
    { filename: departmentReportFileName(r), content: xlsx },
    {
      'X-Report-Key': `${r.asOf}/${r.departmentId}`,
    },
  );
}

export async function bureauSummaryMessage(s: BureauSummary, to: string[], from: string): Promise<Buffer> {
  const mail = renderBureauSummary(s);
  const xlsx = await monitoringWorkbook({
    asOf: s.asOf,
    generatedAt: s.generatedAt,
    projects: s.projects,
    notices: s.notices,
    clawbacks: s.clawbacks,
  });
  return message(
    mail,
    to,
    from,
    s.generatedAt,
    { filename: bureauSummaryFileName(s), content: xlsx },
    {
      'X-Report-Key': `${s.asOf}/bureau`,
    },
  );
}

/** A rendered mail as a raw MIME message (MailComposer builds asynchronously: await it, or return it from `build`). */
export function message(
  mail: RenderedMail,
  to: string[],
  from: string,
  date: Date,
  attachment?: { filename: string; content: Buffer },
  headers?: Record<string, string>,
): Promise<Buffer> {
  return buildMime({
    from: { address: from, name: SENDER_NAME },
    to,
    subject: mail.subject,
    date,
    text: mail.text,
    html: mail.html,
    attachments: attachment ? [{ ...attachment, contentType: XLSX_TYPE }] : [],
    headers,
  });
}
