// Monitoring reports by email end to end (issue 5; api-contract.md `POST /v1/monitoring/report-emails`), over
// HTTP against the system global-setup.ts started, reading the sent mail back from the local SES server's
// `GET /store`: projects made red, yellow and green, a sweep as of the August checkpoint, the reports sent,
// their recipients, subjects, figures and workbooks, and a repeat that sends nothing.
//
// Every report run mails every department with executing projects of 2026 (other files' included) and other
// files sweep too: the assertions pick the mails by this file's own recipients, and the days this file sends
// reports for (2026-08-31, 2026-09-02) are used by no other file's report run.
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, expectProblem, financeToken, runtime, token, uniqueId } from './support.js';
import { dayAfter, SYSTEM_TODAY } from './today.js';

const YEAR = 2026;
const AS_OF = '2026-08-31';
const SES_FROM = 'performance@finance.example.gov.cn';

// biome-ignore lint/suspicious/noExplicitAny: bodies as the API answered them; the assertions check them
type Json = any;
interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { filename: string; contentType: string; content: string }[];
}

let finance: string;
let educationGoals: Json[];

function ok(res: ApiResponse, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.json;
}

interface Dept {
  id: string;
  name: string;
  email: string;
  bearer: string;
}

async function newDepartment(name: string, locale: 'zh-CN' | 'en'): Promise<Dept> {
  const id = uniqueId('DR');
  const email = `${id.toLowerCase()}@example.gov.cn`;
  ok(
    await api('/v1/departments', { token: finance, body: { id, name, contactEmails: [email], locale } }),
    201,
  );
  return { id, name, email, bearer: await token({ role: 'department', departmentId: id }) };
}

/** A 2026 project walked to `executing` (new, under 3,000,000: no ex-ante assessment), with its spend. */
async function executingProject(dept: Dept, name: string, budget: number, spend: [string, number][]) {
  const p = ok(
    await api('/v1/projects', {
      token: dept.bearer,
      body: {
        fiscalYear: YEAR,
        name,
        kind: 'project',
        isNew: true,
        requestedAmount: budget,
        category: 'education',
      },
    }),
    201,
  );
  const goals = { overallGoal: '新增学位1200个，改善办学条件', indicators: educationGoals };
  ok(await api(`/v1/projects/${p.id}/goals`, { method: 'PUT', token: dept.bearer, body: goals }));
  ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: dept.bearer }));
  ok(await api(`/v1/projects/${p.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
  expect(
    ok(await api(`/v1/projects/${p.id}/budget`, { token: finance, body: { approvedAmount: budget } })).status,
  ).toBe('executing');
  for (const [n, [date, amount]] of spend.entries()) {
    ok(
      await api(`/v1/projects/${p.id}/expenditures`, {
        token: dept.bearer,
        body: { voucherNo: `V-${n + 1}`, date, amount },
      }),
      201,
    );
  }
  return { id: p.id as string, name };
}

const reportEmails = (asOf: string, bearer = finance) =>
  api('/v1/monitoring/report-emails', { token: bearer, body: { asOf } });

async function store(): Promise<StoredMail[]> {
  const res = await fetch(`${runtime().mail}/store`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { emails: StoredMail[] }).emails;
}

/** The mails sent to `address` (the local SES server keeps the To header's text per message). */
const mailsTo = (mails: StoredMail[], address: string) =>
  mails.filter((m) => m.destination.to.some((t) => t.includes(address)));

async function workbookOf(mail: StoredMail) {
  expect(mail.attachments).toHaveLength(1);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(mail.attachments[0]!.content, 'base64') as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('监控明细')!;
  const headers = (ws.getRow(1).values as unknown[]).slice(1) as string[];
  const rows: Map<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n > 1) rows.push(new Map(headers.map((h, i) => [h, row.getCell(i + 1).value])));
  });
  return { headers, rows, ws };
}

let zh: Dept;
let en: Dept;
let bureauEmail: string;
let red: { id: string; name: string };
let yellow: { id: string; name: string };
let green: { id: string; name: string };
let enGreen: { id: string; name: string };
let first: Json;
let sentMails: StoredMail[];

beforeAll(async () => {
  finance = await financeToken();
  educationGoals = ok(await api('/v1/indicator-templates?category=education', { token: finance })).goalSet
    .indicators;

  zh = await newDepartment('报表测试教育局', 'zh-CN');
  en = await newDepartment('Report Test Civil Affairs Bureau', 'en');
  // Time progress on 2026-08-31: 8 ÷ 12 = 0.6667.
  red = await executingProject(zh, '义务教育学校改扩建', 1_000_000, [
    ['2026-03-15', 150_000],
    ['2026-06-20', 50_000],
  ]); // 0.2 → 30.00
  yellow = await executingProject(zh, '中小学智慧教室建设', 2_000_000, [['2026-05-15', 1_000_000.5]]); // 0.5 → 75.00
  green = await executingProject(zh, '学生营养改善计划', 2_500_000, [['2026-07-01', 2_000_000]]); // 0.8 → 120.00
  enGreen = await executingProject(en, 'Community elderly care', 800_000, [['2026-04-01', 500_000]]); // 0.625 → 93.75

  // The bureau's address joins 2026's configuration (the rules themselves stay as they are).
  bureauEmail = `${uniqueId('czj').toLowerCase()}@example.gov.cn`;
  const {
    fiscalYear: _y,
    version: _v,
    isDefault: _d,
    createdAt: _c,
    createdBy: _b,
    ...values
  } = ok(await api(`/v1/config/${YEAR}`, { token: finance }));
  values.bureauEmails = [...values.bureauEmails, bureauEmail].slice(-20);
  ok(await api(`/v1/config/${YEAR}`, { method: 'PUT', token: finance, body: values }));

  ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: AS_OF } }));
  first = ok(await reportEmails(AS_OF));
  sentMails = await store();
}, 120_000);

describe('POST /v1/monitoring/report-emails', () => {
  it('sends one report to each of the departments and the summary to the bureau, none failed', () => {
    expect(first).toMatchObject({ asOf: AS_OF, sweepAsOf: AS_OF, sweepId: expect.any(String) });
    expect(first.failed).toEqual([]);
    const mine = first.sent.filter((s: Json) => [zh.id, en.id].includes(s.departmentId));
    expect(mine).toEqual(
      [
        { kind: 'department-report', departmentId: zh.id, to: [zh.email], messageId: expect.any(String) },
        { kind: 'department-report', departmentId: en.id, to: [en.email], messageId: expect.any(String) },
      ].sort((a, b) => a.departmentId.localeCompare(b.departmentId)),
    );
    const bureau = first.sent.filter((s: Json) => s.kind === 'bureau-summary');
    expect(bureau).toHaveLength(1);
    expect(bureau[0].to).toContain(bureauEmail);
    expect(bureau[0]).not.toHaveProperty('departmentId');
  });

  it('the department’s mail reaches its contact address, once, from the configured sender', () => {
    const mails = mailsTo(sentMails, zh.email);

    expect(mails).toHaveLength(1);
    expect(mails[0]!.from).toContain(SES_FROM);
    expect(mails[0]!.messageId).toBe(first.sent.find((s: Json) => s.departmentId === zh.id).messageId);
  });

  it('has the department and the day in a Chinese subject', () => {
    const [mail] = mailsTo(sentMails, zh.email);

    expect(mail!.subject).toBe(`【预算绩效监控】${zh.name}监控报告（截至 ${AS_OF}）`);
  });

  it('shows the figures and lights of each of its projects, in the HTML and the text', () => {
    const [mail] = mailsTo(sentMails, zh.email);
    const expected = [
      [red, '¥1,000,000.00', '¥200,000.00', '20.00%', '30.00', '红灯'],
      [yellow, '¥2,000,000.00', '¥1,000,000.50', '50.00%', '75.00', '黄灯'],
      [green, '¥2,500,000.00', '¥2,000,000.00', '80.00%', '120.00', '绿灯'],
    ] as const;

    for (const part of [mail!.body.html!, mail!.body.text!]) {
      for (const [p, approved, spent, rate, index, light] of expected) {
        expect(part).toContain(p.name);
        expect(part).toContain(p.id);
        expect(part).toContain(approved);
        expect(part).toContain(spent);
        expect(part).toContain(rate);
        expect(part).toContain(index);
        expect(part).toContain(light);
      }
      expect(part).toContain('66.67%'); // time progress
    }
    // the bars: 20 %, 50 %, 80 % of 240 pixels (projects red first)
    expect(
      [...mail!.body.html!.matchAll(/data-bar="execution" data-filled="(\d+)"/g)].map((m) => m[1]),
    ).toEqual(['48', '120', '192']);
    expect(mail!.body.html).not.toMatch(/<script|\bsrc=|https?:\/\//i);
  });

  it('names the red project’s rectification notice with its due date and the clawback with its basis', () => {
    const [mail] = mailsTo(sentMails, zh.email);
    const text = mail!.body.text!;

    expect(text).toContain(`R-${red.id}-execution-${AS_OF}`);
    expect(text).toContain('2026-09-14'); // 10 working days after 2026-08-31
    expect(text).toContain('建议调减 ¥700,000.00'); // 1,000,000 − 200,000 × 12 ÷ 8
    expect(text).toContain('预计年末支出 ¥300,000.00');
    expect(text).toContain('下一步需要做的事');
  });

  it('attaches the department’s table as a workbook with one row per project', async () => {
    const [mail] = mailsTo(sentMails, zh.email);
    const { headers, rows, ws } = await workbookOf(mail!);

    expect(mail!.attachments[0]!.filename).toBe(`monitoring-${zh.id}-${AS_OF}.xlsx`);
    expect(headers.slice(0, 6)).toEqual([
      '部门编号',
      '部门名称',
      '项目编号',
      '项目名称',
      '批复预算（元）',
      '累计支出（元）',
    ]);
    expect(
      rows.map((r) => [r.get('项目编号'), r.get('批复预算（元）'), r.get('累计支出（元）'), r.get('执行灯')]),
    ).toEqual([
      [red.id, 1_000_000, 200_000, '红灯'],
      [yellow.id, 2_000_000, 1_000_000.5, '黄灯'],
      [green.id, 2_500_000, 2_000_000, '绿灯'],
    ]);
    expect(ws.getRow(2).getCell(5).numFmt).toBe('#,##0.00');
    expect(rows[0]!.get('待决定调减建议（元）')).toBe(700_000);
  });

  it('writes to an English-speaking department in English', async () => {
    const [mail] = mailsTo(sentMails, en.email);

    expect(mail!.subject).toBe(`Budget performance monitoring report: ${en.name} (as of ${AS_OF})`);
    expect(mail!.body.text).toContain('CNY 800,000.00');
    expect(mail!.body.text).toContain('CNY 500,000.00');
    expect(mail!.body.text).toContain('62.50%');
    expect(mail!.body.text).toContain('93.75');
    expect(mail!.body.text).toContain('Green');
    expect((await workbookOf(mail!)).rows.map((r) => r.get('项目编号'))).toEqual([enGreen.id]);
  });

  it('sends the bureau the summary with the full table', async () => {
    const mails = mailsTo(sentMails, bureauEmail);
    expect(mails).toHaveLength(1);
    const [mail] = mails;

    expect(mail!.subject).toBe(`【预算绩效监控】全区监控汇总（截至 ${AS_OF}）`);
    for (const heading of [
      '灯色统计',
      '执行进度最滞后的项目',
      '部门执行指数排名',
      '逾期未答复的整改通知',
      '待决定的调减建议',
    ])
      expect(mail!.body.text).toContain(heading);
    expect(mail!.body.text).toContain(`${zh.name}（${zh.id}）`);
    const { rows } = await workbookOf(mail!);
    const mine = rows.filter((r) => [zh.id, en.id].includes(r.get('部门编号') as string));
    expect(mine.map((r) => r.get('项目编号')).sort()).toEqual(
      [red.id, yellow.id, green.id, enGreen.id].sort(),
    );
  });

  it('run again for the same day sends nothing: every report is listed under alreadySent', async () => {
    const again = ok(await reportEmails(AS_OF));
    const after = await store();

    expect(again.sent).toEqual([]);
    expect(again.failed).toEqual([]);
    expect(again.alreadySent.map((s: Json) => s.messageId).sort()).toEqual(
      first.sent.map((s: Json) => s.messageId).sort(),
    );
    expect(mailsTo(after, zh.email)).toHaveLength(1);
    expect(mailsTo(after, en.email)).toHaveLength(1);
    expect(mailsTo(after, bureauEmail)).toHaveLength(1);
  });

  it('keeps a record of each report: GET /v1/monitoring/report-emails?asOf=', async () => {
    const records = ok(await api(`/v1/monitoring/report-emails?asOf=${AS_OF}`, { token: finance })).items;
    const zhRecord = records.find((r: Json) => r.key === `DEPT#${zh.id}`);

    expect(zhRecord).toMatchObject({
      status: 'sent',
      attempts: 1,
      to: [zh.email],
      messageId: first.sent.find((s: Json) => s.departmentId === zh.id).messageId,
      context: { asOf: AS_OF, sweepId: first.sweepId },
    });
    expect(records.find((r: Json) => r.key === 'BUREAU')).toMatchObject({
      status: 'sent',
      kind: 'bureau-summary',
    });
  });

  it('reports what the sweep of its day found even after a later sweep of another day replaced the lights', async () => {
    // A sweep of a day no other file sweeps, then one of a later day (time progress 9 ÷ 12): the stored
    // snapshots are the later day's; the report of the first day computes its day's figures again.
    const day = '2026-09-02';
    ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: day } }));
    ok(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: '2026-10-15' } }));
    expect(ok(await api(`/v1/projects/${red.id}/monitoring`, { token: finance }))).toMatchObject({
      asOf: '2026-10-15',
      executionIndex: 26.67,
    });

    const out = ok(await reportEmails(day));
    const messageId = out.sent.find((s: Json) => s.departmentId === zh.id)?.messageId;
    const [mail] = mailsTo(await store(), zh.email).filter((m) => m.messageId === messageId);

    expect(out).toMatchObject({ asOf: day, sweepAsOf: day, failed: [] });
    expect(mail!.subject).toBe(`【预算绩效监控】${zh.name}监控报告（截至 ${day}）`);
    expect(mail!.body.text).toContain('预算执行率 [####----------------] 20.00%');
    expect(mail!.body.text).toContain('序时进度 [#############-------] 66.67%');
    expect(mail!.body.text).toContain('执行指数：30.00');
    expect(mail!.body.text).not.toContain('26.67');
  });
});

describe('what the route refuses', () => {
  it('a department may not send reports → 403', async () => {
    expectProblem(await reportEmails(AS_OF, zh.bearer), 403);
  });

  it('no sweep on or before asOf in its year → 409 saying to run a sweep first', async () => {
    const problem = expectProblem(await reportEmails('2001-06-30'), 409);

    expect(problem.detail).toMatch(/run POST \/v1\/monitoring\/sweeps/);
  });

  it('a day after today → 422 on asOf', async () => {
    const tomorrow = dayAfter(SYSTEM_TODAY);

    expect(expectProblem(await reportEmails(tomorrow), 422).errors?.map((e) => e.path)).toEqual(['asOf']);
  });

  it('a malformed asOf → 400', async () => {
    expectProblem(await reportEmails('2026-8-31'), 400);
  });

  it('an unknown report mails job → 404; a department may not follow one → 403', async () => {
    const path = '/v1/monitoring/report-email-jobs/M-2026-08-31-nothing0';

    expectProblem(await api(path, { token: finance }), 404);
    expectProblem(await api(path, { token: zh.bearer }), 403);
  });
});
