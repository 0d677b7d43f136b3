import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { bureauSummaryMessage, departmentReportMessage } from '../../shared/mail/compose.js';
import { renderDepartmentReport } from '../../shared/mail/department-report.js';
import { buildMime, encodeWords, XLSX_TYPE } from '../../shared/mail/mime.js';
import {
  MONEY_FORMAT,
  monitoringWorkbook,
  PERCENT_FORMAT,
  SHEET_NAME,
  workbookColumns,
} from '../../shared/mail/workbook.js';
import { sampleBureauSummary, sampleDepartmentReport } from '../fixtures/sample-report.js';
import { bodyText, decodeBody, decodeWords, type Part, parsePart } from './mime-parse.js';

// Unit tier: the raw MIME message (parsed back) and the .xlsx workbook (opened with exceljs).
const FROM = 'performance@finance.example.gov.cn';
const TO = ['jiaoyu@example.gov.cn', 'office@jiaoyu.example.gov.cn'];

async function departmentMessage() {
  const raw = await departmentReportMessage(sampleDepartmentReport, TO, FROM);
  return { raw, root: parsePart(raw.toString('utf8')) };
}

const typeOf = (p: Part) => (p.headers['content-type'] ?? '').split(';')[0];

async function openWorkbook(content: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(content as unknown as ArrayBuffer);
  return wb;
}

describe('the raw message', () => {
  it('is 7-bit ASCII with CRLF line endings and no line over 998 characters', async () => {
    const { raw } = await departmentMessage();
    const text = raw.toString('latin1');

    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of text.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
  });

  it('has From, To, the encoded subject, a Date and MIME-Version', async () => {
    const { root } = await departmentMessage();

    expect(decodeWords(root.headers.from!)).toBe(`区财政局预算绩效管理 <${FROM}>`);
    expect(root.headers.to).toBe(TO.join(', '));
    expect(root.headers.subject).toMatch(/^=\?UTF-8\?B\?/);
    expect(decodeWords(root.headers.subject!)).toBe(renderDepartmentReport(sampleDepartmentReport).subject);
    expect(root.headers.date).toBe('Tue, 1 Sep 2026 09:00:00 +0800');
    expect(root.headers['mime-version']).toBe('1.0');
    expect(root.headers['x-report-key']).toBe('2026-08-31/D-EDU');
  });

  it('is multipart/mixed: multipart/alternative (text, html) and the xlsx attachment', async () => {
    const { root } = await departmentMessage();

    expect(typeOf(root)).toBe('multipart/mixed');
    expect(root.parts.map(typeOf)).toEqual(['multipart/alternative', XLSX_TYPE]);
    const [alternative, attachment] = root.parts as [Part, Part];
    expect(alternative.parts.map((p) => p.headers['content-type'])).toEqual([
      'text/plain; charset=UTF-8',
      'text/html; charset=UTF-8',
    ]);
    expect(alternative.boundary).not.toBe(root.boundary);
    expect(attachment.headers['content-disposition']).toBe(
      'attachment; filename="monitoring-D-EDU-2026-08-31.xlsx"',
    );
  });

  it('carries the rendered text and HTML, base64 in lines of 76, with CRLF line ends', async () => {
    const { root } = await departmentMessage();
    const rendered = renderDepartmentReport(sampleDepartmentReport);
    const [text, html] = root.parts[0]!.parts as [Part, Part];

    expect(bodyText(text)).toBe(rendered.text.replace(/\n/g, '\r\n'));
    expect(bodyText(html)).toBe(rendered.html.replace(/\n/g, '\r\n'));
  });

  it('attaches a workbook that opens, with one row per project', async () => {
    const { root } = await departmentMessage();
    const content = decodeBody(root.parts[1]!);

    expect(content.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, as every .xlsx
    const ws = (await openWorkbook(content)).getWorksheet(SHEET_NAME)!;
    expect(ws.rowCount).toBe(1 + sampleDepartmentReport.projects.length);
    expect(ws.getRow(2).getCell(3).value).toBe('P2026-0001');
  });

  it('gives the bureau the whole table', async () => {
    const raw = await bureauSummaryMessage(sampleBureauSummary, ['bureau@czj.example.gov.cn'], FROM);
    const root = parsePart(raw.toString('utf8'));
    const ws = (await openWorkbook(decodeBody(root.parts[1]!))).getWorksheet(SHEET_NAME)!;

    expect(decodeWords(root.headers.subject!)).toBe('【预算绩效监控】全区监控汇总（截至 2026-08-31）');
    expect(ws.rowCount).toBe(1 + sampleBureauSummary.projects.length);
    expect(root.parts[1]!.headers['content-disposition']).toContain('monitoring-all-2026-08-31.xlsx');
  });

  it('without attachments is the multipart/alternative alone', () => {
    const raw = buildMime({
      from: { address: FROM },
      to: ['a@example.cn'],
      subject: 'Reminder',
      date: new Date('2026-09-10T00:00:00Z'),
      text: 'hello',
      html: '<p>hello</p>',
    });
    const root = parsePart(raw.toString('utf8'));

    expect(typeOf(root)).toBe('multipart/alternative');
    expect(root.headers.from).toBe(FROM);
    expect(root.parts.map(bodyText)).toEqual(['hello', '<p>hello</p>']);
  });

  it('refuses an address or a header that would break the header block', () => {
    const base = {
      from: { address: FROM },
      subject: 's',
      date: new Date(0),
      text: 't',
      html: 'h',
    };

    expect(() => buildMime({ ...base, to: ['a@example.cn\r\nBcc: x@evil.example'] })).toThrow(/address/);
    expect(() => buildMime({ ...base, to: ['a@example.cn, b@example.cn'] })).toThrow(/address/);
    expect(() => buildMime({ ...base, to: [] })).toThrow(/recipient/);
    expect(() => buildMime({ ...base, to: ['a@example.cn'], headers: { 'X-A': 'b\r\nc' } })).toThrow(
      /header/,
    );
  });
});

describe('RFC 2047 words', () => {
  it('never split a character, keep each word within 75 characters, and decode to the subject', () => {
    const subject = `【预算绩效监控】${'区卫生健康委员会'.repeat(4)}监控报告（截至 2026-08-31）😀`;
    const encoded = encodeWords(subject);
    const words = encoded.split('\r\n ');

    expect(words.length).toBeGreaterThan(1);
    for (const w of words) {
      expect(w).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      expect(w.length).toBeLessThanOrEqual(75);
      // each word is valid UTF-8 on its own
      const bytes = Buffer.from(w.slice(10, -2), 'base64');
      expect(Buffer.from(bytes.toString('utf8'), 'utf8').equals(bytes)).toBe(true);
    }
    expect(decodeWords(encoded)).toBe(subject);
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
