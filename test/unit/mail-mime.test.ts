import ExcelJS from 'exceljs';
import type { ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { bureauSummaryMessage, departmentReportMessage } from '../../shared/mail/compose.js';
import { renderDepartmentReport } from '../../shared/mail/department-report.js';
import { buildMime, XLSX_TYPE } from '../../shared/mail/mime.js';
import {
  MONEY_FORMAT,
  monitoringWorkbook,
  PERCENT_FORMAT,
  SHEET_NAME,
  workbookColumns,
} from '../../shared/mail/workbook.js';
import { sampleBureauSummary, sampleDepartmentReport } from '../fixtures/sample-report.js';
import { partTypes, rawHeader, readMail } from '../support/mail.js';

// Unit tier: the raw MIME message (built by MailComposer, read back with mailparser) and the .xlsx workbook
// (opened with exceljs).
const FROM = 'performance@finance.example.gov.cn';
const TO = ['jiaoyu@example.gov.cn', 'office@jiaoyu.example.gov.cn'];

async function departmentMessage() {
  const raw = await departmentReportMessage(sampleDepartmentReport, TO, FROM);
  return { raw, mail: await readMail(raw) };
}

const addresses = (field: ParsedMail['to']) =>
  [field ?? []].flat().flatMap((a) => a.value.map((v) => v.address));

async function openWorkbook(content: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(content as unknown as ArrayBuffer);
  return wb;
}

const base = {
  from: { address: FROM },
  subject: 's',
  date: new Date(0),
  text: 't',
  html: 'h',
};

describe('the raw message', () => {
  it('is 7-bit ASCII with CRLF line endings and no line over 998 characters', async () => {
    const { raw } = await departmentMessage();
    const text = raw.toString('latin1');

    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('has From, To, the encoded subject, a Date and MIME-Version', async () => {
    const { raw, mail } = await departmentMessage();

    expect(mail.from?.value).toEqual([{ name: '区财政局预算绩效管理', address: FROM }]);
    expect(rawHeader(raw, 'to')).toBe(TO.join(', '));
    expect(addresses(mail.to)).toEqual(TO);
    expect(rawHeader(raw, 'subject')).toMatch(/^=\?UTF-8\?B\?/);
    expect(mail.subject).toBe(renderDepartmentReport(sampleDepartmentReport).subject);
    expect(rawHeader(raw, 'date')).toBe('Tue, 1 Sep 2026 09:00:00 +0800');
    expect(mail.date?.toISOString()).toBe('2026-09-01T01:00:00.000Z');
    expect(mail.headers.get('mime-version')).toBe('1.0');
    expect(mail.headers.get('x-report-key')).toBe('2026-08-31/D-EDU');
    expect(mail.messageId).toMatch(/^<[0-9a-f]{24}\.bp@finance\.example\.gov\.cn>$/);
  });

  it('is multipart/mixed: multipart/alternative (text, html) and the xlsx attachment', async () => {
    const { raw, mail } = await departmentMessage();

    expect(partTypes(raw)).toEqual([
      'multipart/mixed',
      'multipart/alternative',
      'text/plain',
      'text/html',
      XLSX_TYPE,
    ]);
    const boundaries = [...raw.toString('latin1').matchAll(/boundary="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(boundaries).size).toBe(2);
    expect(raw.toString('latin1')).toContain('Content-Type: text/plain; charset=utf-8');
    expect(raw.toString('latin1')).toContain('Content-Type: text/html; charset=utf-8');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({
      contentType: XLSX_TYPE,
      contentDisposition: 'attachment',
      filename: 'monitoring-D-EDU-2026-08-31.xlsx',
    });
  });

  it('carries the rendered text and HTML, base64 in lines of 76', async () => {
    const { raw, mail } = await departmentMessage();
    const rendered = renderDepartmentReport(sampleDepartmentReport);

    expect(mail.text).toBe(rendered.text);
    expect(mail.html).toBe(rendered.html);
    const bodies = raw
      .toString('latin1')
      .split('\r\n')
      .filter((l) => /^[A-Za-z0-9+/]{40,}={0,2}$/.test(l));
    expect(bodies.length).toBeGreaterThan(10);
    for (const line of bodies) expect(line.length).toBeLessThanOrEqual(76);
  });

  it('attaches a workbook that opens, with one row per project', async () => {
    const { mail } = await departmentMessage();
    const content = mail.attachments[0]!.content;

    expect(content.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, as every .xlsx
    const ws = (await openWorkbook(content)).getWorksheet(SHEET_NAME)!;
    expect(ws.rowCount).toBe(1 + sampleDepartmentReport.projects.length);
    expect(ws.getRow(2).getCell(3).value).toBe('P2026-0001');
  });

  it('gives the bureau the whole table', async () => {
    const raw = await bureauSummaryMessage(sampleBureauSummary, ['bureau@czj.example.gov.cn'], FROM);
    const mail = await readMail(raw);
    const ws = (await openWorkbook(mail.attachments[0]!.content)).getWorksheet(SHEET_NAME)!;

    expect(mail.subject).toBe('【预算绩效监控】全区监控汇总（截至 2026-08-31）');
    expect(ws.rowCount).toBe(1 + sampleBureauSummary.projects.length);
    expect(mail.attachments[0]!.filename).toBe('monitoring-all-2026-08-31.xlsx');
  });

  it('without attachments is the multipart/alternative alone', async () => {
    const raw = await buildMime({
      from: { address: FROM },
      to: ['a@example.cn'],
      subject: 'Reminder',
      date: new Date('2026-09-10T00:00:00Z'),
      text: 'hello',
      html: '<p>hello</p>',
    });
    const mail = await readMail(raw);

    expect(partTypes(raw)).toEqual(['multipart/alternative', 'text/plain', 'text/html']);
    expect(rawHeader(raw, 'from')).toBe(FROM);
    expect([mail.text, mail.html]).toEqual(['hello', '<p>hello</p>']);
    expect(mail.attachments).toEqual([]);
  });

  it('names an attachment in Chinese so that a mail reader shows the name', async () => {
    const filename = '区教育局监控报告（截至 2026-08-31）.xlsx';
    const raw = await buildMime({
      ...base,
      to: ['a@example.cn'],
      attachments: [{ filename, contentType: XLSX_TYPE, content: Buffer.from('PK\x03\x04') }],
    });
    const mail = await readMail(raw);

    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.content.toString('latin1')])).toEqual([
      [filename, XLSX_TYPE, 'PK\x03\x04'],
    ]);
  });

  it('builds the same bytes from the same input', async () => {
    const again = await departmentReportMessage(sampleDepartmentReport, TO, FROM);
    const { raw } = await departmentMessage();

    expect(again.equals(raw)).toBe(true);
  });

  it('refuses an address, a header or an attachment name that would break the header block', async () => {
    await expect(buildMime({ ...base, to: ['a@example.cn\r\nBcc: x@evil.example'] })).rejects.toThrow(
      /address/,
    );
    await expect(buildMime({ ...base, to: ['a@example.cn, b@example.cn'] })).rejects.toThrow(/address/);
    await expect(buildMime({ ...base, to: [] })).rejects.toThrow(/recipient/);
    await expect(buildMime({ ...base, to: ['a@example.cn'], headers: { 'X-A': 'b\r\nc' } })).rejects.toThrow(
      /header/,
    );
    await expect(
      buildMime({
        ...base,
        to: ['a@example.cn'],
        attachments: [{ filename: 'a\r\nb.xlsx', contentType: XLSX_TYPE, content: Buffer.from('') }],
      }),
    ).rejects.toThrow(/attachment name/);
    await expect(
      buildMime({
        ...base,
        to: ['a@example.cn'],
        attachments: [{ filename: '../a.xlsx', contentType: XLSX_TYPE, content: Buffer.from('') }],
      }),
    ).rejects.toThrow(/attachment name/);
  });
});

describe('RFC 2047 words', () => {
  it('never split a character, keep each word within 75 characters, and decode to the subject', async () => {
    const subject = `【预算绩效监控】${'区卫生健康委员会'.repeat(4)}监控报告（截至 2026-08-31）😀`;
    const raw = await buildMime({ ...base, subject, to: ['a@example.cn'] });
    const header = raw.toString('latin1').match(/^Subject: (.*(?:\r\n .*)*)/m)![1]!;
    const words = header.split('\r\n ');

    expect(words.length).toBeGreaterThan(1);
    for (const w of words) {
      expect(w).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(w.length).toBeLessThanOrEqual(75);
      // each word is valid UTF-8 on its own
      const bytes = Buffer.from(w.slice(10, -2), 'base64');
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    }
    expect((await readMail(raw)).subject).toBe(subject);
  });
});

describe('the workbook', () => {
  const input = {
    asOf: sampleDepartmentReport.asOf,
    generatedAt: sampleDepartmentReport.generatedAt,
    projects: sampleDepartmentReport.projects,
    notices: sampleDepartmentReport.notices,
    clawbacks: sampleDepartmentReport.clawbacks,
  };

  it('has the Chinese column headers in the first row', async () => {
    const ws = (await openWorkbook(await monitoringWorkbook(input))).getWorksheet(SHEET_NAME)!;

    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual(workbookColumns.map((c) => c.header));
    expect(ws.getRow(1).getCell(5).value).toBe('批复预算（元）');
  });

  it('has one row per project with money in yuan to the fen, formatted #,##0.00', async () => {
    const ws = (await openWorkbook(await monitoringWorkbook(input))).getWorksheet(SHEET_NAME)!;
    const col = (key: string) => workbookColumns.findIndex((c) => c.key === key) + 1;
    const rows = [2, 3, 4].map((r) => ws.getRow(r));

    expect(rows.map((r) => r.getCell(col('projectId')).value)).toEqual([
      'P2026-0001',
      'P2026-0002',
      'P2026-0003',
    ]);
    expect(rows.map((r) => r.getCell(col('approved')).value)).toEqual([1_000_000, 2_000_000, 2_500_000]);
    expect(rows.map((r) => r.getCell(col('spent')).value)).toEqual([200_000, 1_000_000.5, 2_000_000]);
    for (const r of rows) {
      expect(r.getCell(col('approved')).numFmt).toBe(MONEY_FORMAT);
      expect(r.getCell(col('spent')).numFmt).toBe(MONEY_FORMAT);
      expect(r.getCell(col('executionRate')).numFmt).toBe(PERCENT_FORMAT);
    }
    expect(MONEY_FORMAT).toBe('#,##0.00');
    expect(rows.map((r) => r.getCell(col('executionLight')).value)).toEqual(['红灯', '黄灯', '绿灯']);
    expect(rows[0]!.getCell(col('executionRate')).value).toBe(0.2);
    expect(rows[0]!.getCell(col('executionIndex')).value).toBe(30);
  });

  it('names each project’s open notices, its nearest due date and the clawback awaiting a decision', async () => {
    const ws = (await openWorkbook(await monitoringWorkbook(input))).getWorksheet(SHEET_NAME)!;
    const col = (key: string) => workbookColumns.findIndex((c) => c.key === key) + 1;
    const first = ws.getRow(2);

    expect(first.getCell(col('openNotices')).value).toBe(
      'R-P2026-0001-goal-2026-06-30、R-P2026-0001-execution-2026-08-31',
    );
    expect(first.getCell(col('nearestDue')).value).toBe('2026-07-14');
    expect(first.getCell(col('clawback')).value).toBe(700_000);
    expect(first.getCell(col('clawback')).numFmt).toBe(MONEY_FORMAT);
    expect(ws.getRow(3).getCell(col('missingReports')).value).toBe('2026-06');
  });
});
