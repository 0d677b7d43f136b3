// Expenditure imports end to end (monitoring, item 2): a department asks for an upload link, POSTs the
// treasury's CSV export to the presigned URL as a browser would, the local S3's object-created event runs
// the upload-arrived handler, and the import's result is read over HTTP. Against the system global-setup.ts
// started; each test makes its own departments and projects.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signPageToken } from '../../shared/docs/page-token.js';
import { api, createDepartment, dataDir, expectProblem, financeToken, token, uniqueId } from './support.js';
import { dayAfter, SYSTEM_TODAY } from './today.js';

const TODAY = SYSTEM_TODAY;
const YEAR = Number(TODAY.slice(0, 4));
const TOMORROW = dayAfter(TODAY);

let finance: string;
let goalSet: unknown[];

beforeAll(async () => {
  finance = await financeToken();
  const res = await api('/v1/indicator-templates?category=education', { token: finance });
  expect(res.status, res.text).toBe(200);
  goalSet = res.json.goalSet.indicators;
});

async function newDepartment() {
  const dept = await createDepartment(uniqueId('DI'));
  return { id: dept.id, bearer: await token({ role: 'department', departmentId: dept.id }) };
}

function ok(res: { status: number; text: string; json: unknown }, status = 200) {
  expect(res.status, res.text).toBe(status);
  return res.json as Record<string, unknown> & { id: string; status: string };
}

/** A project of the department, walked to `executing` with a budget of `approvedAmount` yuan. */
async function executingProject(bearer: string, approvedAmount: number) {
  const p = ok(
    await api('/v1/projects', {
      token: bearer,
      body: {
        fiscalYear: YEAR,
        name: '教育信息化',
        kind: 'project',
        isNew: true,
        requestedAmount: 1_000_000,
        category: 'education',
      },
    }),
    201,
  );
  ok(
    await api(`/v1/projects/${p.id}/goals`, {
      method: 'PUT',
      token: bearer,
      body: { overallGoal: '完成智慧教室建设', indicators: goalSet },
    }),
  );
  ok(await api(`/v1/projects/${p.id}/submit`, { method: 'POST', token: bearer }));
  expect(
    ok(await api(`/v1/projects/${p.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }))
      .status,
  ).toBe('in_library');
  expect(
    ok(await api(`/v1/projects/${p.id}/budget`, { token: finance, body: { approvedAmount } })).status,
  ).toBe('executing');
  return p.id;
}

interface Link {
  importId: string;
  documentId: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  pageUrl: string;
  status: string;
}

async function requestImport(bearer: string, body: Buffer): Promise<Link> {
  const res = await api('/v1/expenditure-imports', {
    token: bearer,
    body: { fileName: '国库支付明细.csv', size: body.length },
  });
  return ok(res, 201) as unknown as Link;
}

/** A multipart form POST straight to the bucket, as a browser's form (or fetch + FormData) sends it. */
async function upload(link: { url: string; fields: Record<string, string> }, body: Buffer) {
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields)) form.append(k, v);
  form.append('file', new Blob([body], { type: 'text/csv' }), 'treasury.csv');
  const res = await fetch(link.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  return res;
}

interface Row {
  line: number;
  voucherNo?: string;
  projectId?: string;
  reason?: string;
}
interface ImportJson {
  status: string;
  progress: { rows: number; processed: number };
  counts: { rows: number; accepted: number; skipped: number; refused: number };
  accepted: Row[];
  skipped: Row[];
  refused: Row[];
  error?: string;
}

async function finished(bearer: string, importId: string): Promise<ImportJson> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await api<ImportJson>(`/v1/expenditure-imports/${importId}`, { token: bearer });
    expect(res.status, res.text).toBe(200);
    if (res.json.status === 'done' || res.json.status === 'failed') return res.json;
    if (Date.now() > deadline) throw new Error(`import ${importId} still ${res.json.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const byLine = (rows: Row[]) => Object.fromEntries(rows.map((r) => [r.line, r]));

describe('an expenditure import', () => {
  it('accepts, skips and refuses rows with their reasons; importing the same file again accepts nothing', async () => {
    const own = await newDepartment();
    const other = await newDepartment();
    const projectId = await executingProject(own.bearer, 100_000);
    const othersProject = await executingProject(other.bearer, 100_000);
    // A voucher recorded one at a time first: the import knows it.
    ok(
      await api(`/v1/projects/${projectId}/expenditures`, {
        token: own.bearer,
        body: { voucherNo: 'V-0', date: TODAY, amount: 500 },
      }),
      201,
    );
    const csv = [
      'voucherNo,projectId,date,amount,note',
      `V-1,${projectId},${TODAY},1000.50,"教材, 第一批"`, // 2 accepted
      `V-2,${projectId},${TODAY},20000,`, // 3 accepted
      `V-3,${projectId},${TOMORROW},10,`, // 4 refused: future date
      `V-4,${projectId},${TODAY},90000,`, // 5 refused: above the budget
      `V-5,P${YEAR}-NOSUCHPJ,${TODAY},10,`, // 6 refused: unknown project
      `V-6,${othersProject},${TODAY},10,`, // 7 refused: another department's project
      `V-0,${projectId},${TODAY},500,`, // 8 skipped: known, same facts
      `V-0,${projectId},${TODAY},501,`, // 9 refused: known, other facts
      `V-7,${projectId},${YEAR}-13-01,10,`, // 10 refused: no such date
    ].join('\r\n');
    const body = Buffer.from(`\ufeff${csv}\r\n`, 'utf8');

    const link = await requestImport(own.bearer, body);
    const posted = await upload(link, body);
    const result = await finished(own.bearer, link.importId);

    expect(link).toMatchObject({
      status: 'awaiting_upload',
      documentId: expect.stringMatching(/^DOC-/),
      fields: { 'Content-Type': 'text/csv' },
    });
    expect(posted.status).toBe(204);
    expect(result).toMatchObject({
      status: 'done',
      progress: { rows: 9, processed: 9 },
      counts: { rows: 9, accepted: 2, skipped: 1, refused: 6 },
    });
    expect(result.accepted.map((r) => r.voucherNo)).toEqual(['V-1', 'V-2']);
    expect(result.skipped).toEqual([expect.objectContaining({ line: 8, voucherNo: 'V-0' })]);
    const refused = byLine(result.refused);
    expect(refused[4]!.reason).toMatch(/^date: must (not be after today|be in the fiscal year)/);
    expect(refused[5]!.reason).toMatch(
      /^amount: would bring the spend to 111500.5, above the budget of 100000/,
    );
    expect(refused[6]!.reason).toBe(`project P${YEAR}-NOSUCHPJ not found`);
    expect(refused[7]).toEqual({
      line: 7,
      voucherNo: 'V-6',
      projectId: othersProject,
      reason: `project ${othersProject} not found`,
    });
    expect(refused[9]!.reason).toMatch(/other facts/);
    expect(refused[10]!.reason).toMatch(/^date:/);
    const spend = await api(`/v1/projects/${projectId}/expenditures?limit=100`, { token: own.bearer });
    expect(spend.json.cumulativeAmount).toBe(21_500.5);
    expect(spend.json.items.map((e: { voucherNo: string }) => e.voucherNo).sort()).toEqual([
      'V-0',
      'V-1',
      'V-2',
    ]);
    const theirs = await api(`/v1/projects/${othersProject}/expenditures`, { token: other.bearer });
    expect(theirs.json.cumulativeAmount).toBe(0);

    // The same file again: every row accepted before is skipped now, nothing is written.
    const again = await requestImport(own.bearer, body);
    await upload(again, body);
    const second = await finished(own.bearer, again.importId);

    expect(second.counts).toEqual({ rows: 9, accepted: 0, skipped: 3, refused: 6 });
    expect(second.skipped.map((r) => r.voucherNo).sort()).toEqual(['V-0', 'V-1', 'V-2']);
    expect(
      (await api(`/v1/projects/${projectId}/expenditures`, { token: own.bearer })).json.cumulativeAmount,
    ).toBe(21_500.5);

    // The uploaded file is a received document with its sha256, and downloads as it was sent.
    const doc = await api(`/v1/documents/${link.documentId}`, { token: own.bearer });
    expect(doc.status, doc.text).toBe(200);
    expect(doc.json).toMatchObject({
      status: 'received',
      size: body.length,
      contentType: 'text/csv',
      kind: 'expenditure-import',
      sha256: createHash('sha256').update(body).digest('hex'),
    });
    const download = await fetch(doc.json.downloadUrl);
    expect(Buffer.from(await download.arrayBuffer()).equals(body)).toBe(true);
  });

  it('is only the owner’s and the bureau’s to read; a document likewise', async () => {
    const own = await newDepartment();
    const other = await newDepartment();
    const body = Buffer.from('voucherNo,projectId,date,amount\r\n');
    const link = await requestImport(own.bearer, body);

    expect((await api(`/v1/expenditure-imports/${link.importId}`, { token: finance })).status).toBe(200);
    expectProblem(await api(`/v1/expenditure-imports/${link.importId}`, { token: other.bearer }), 404);
    expectProblem(await api(`/v1/documents/${link.documentId}`, { token: other.bearer }), 404);
    expectProblem(
      await api(`/v1/expenditure-imports/${link.importId}`, {
        token: await token({ role: 'evaluator', agencyId: 'A-1' }),
      }),
      403,
    );
    const doc = await api(`/v1/documents/${link.documentId}`, { token: own.bearer });
    expect(doc.json).toMatchObject({ status: 'pending', size: body.length });
    expect(doc.json.downloadUrl).toBeUndefined();
  });

  it('refuses a declared type other than CSV, or a size over 20 MiB, with 422', async () => {
    const own = await newDepartment();

    const pdf = await api('/v1/expenditure-imports', {
      token: own.bearer,
      body: { fileName: 'a.pdf', size: 10, contentType: 'application/pdf' },
    });
    const big = await api('/v1/expenditure-imports', {
      token: own.bearer,
      body: { fileName: 'a.csv', size: 20 * 1024 * 1024 + 1 },
    });

    expect(expectProblem(pdf, 422).errors).toEqual([expect.objectContaining({ path: 'contentType' })]);
    expect(expectProblem(big, 422).errors).toEqual([expect.objectContaining({ path: 'size' })]);
  });

  it('fails with its reason when the file is not the treasury’s columns', async () => {
    const own = await newDepartment();
    const body = Buffer.from('凭证号,项目,日期,金额\r\nV1,P1,2026-01-01,1\r\n', 'utf8');
    const link = await requestImport(own.bearer, body);

    await upload(link, body);
    const result = await finished(own.bearer, link.importId);

    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/header.*unknown column "凭证号"/);
  });
});

describe('the upload page', () => {
  it('serves a form a browser posts to the bucket; S3 sends it back to a page with the result', async () => {
    const own = await newDepartment();
    const body = Buffer.from('voucherNo,projectId,date,amount\r\n', 'utf8');
    const link = await requestImport(own.bearer, body);

    const page = await api(link.pageUrl);
    const html = page.text;
    const action = /<form id="upload" method="post" action="([^"]+)"/.exec(html)?.[1];
    const fields = Object.fromEntries(
      [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/&amp;/g, '&').replace(/&quot;/g, '"'),
      ]),
    );
    const posted = await upload({ url: action!, fields }, body);
    const back = posted.headers.get('location')!;
    await finished(own.bearer, link.importId);
    const after = await api(back);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // one small inline script (progress bar, checks); the form works without it, nothing comes from elsewhere
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toMatch(/<script[^>]+src=/i);
    expect(fields).toMatchObject({
      key: expect.stringContaining(link.documentId),
      'Content-Type': 'text/csv',
    });
    expect(posted.status).toBe(303);
    expect(back.startsWith(link.pageUrl)).toBe(true);
    expect(after.status).toBe(200);
    expect(after.text).toContain('上传成功');
    expect((await api(link.pageUrl)).status).toBe(410); // used
  });

  it('answers a tampered link 404 and an expired one 410, as pages', async () => {
    const own = await newDepartment();
    const link = await requestImport(own.bearer, Buffer.from('x'));
    const secret = (await readFile(path.join(dataDir(), 'upload-pages', 'secret'), 'utf8')).trim();
    const expired = signPageToken(secret, link.documentId, new Date(Date.now() - 1000));

    const tampered = await api(
      link.pageUrl.replace(/(.)(.{10})$/, (_m, c: string, rest: string) => `${c === 'A' ? 'B' : 'A'}${rest}`),
    );
    const old = await api(link.pageUrl.replace(/\/v1\/upload-pages\/.*$/, `/v1/upload-pages/${expired}`));

    expect(tampered.status).toBe(404);
    expect(tampered.text).toContain('No such link');
    expect(old.status).toBe(410);
    expect(old.text).toContain('链接已过期');
  });
});
