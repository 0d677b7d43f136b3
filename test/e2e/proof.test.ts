// Proof under pressure (issue 11), over HTTP against the started system: concurrent vouchers on one
// project all land, an over-budget race fills the budget exactly, one Idempotency-Key on two paths records
// both, and hostile inputs (money at the largest amounts, crafted tokens, long headers, prototype keys,
// malformed escapes) get 4xx problem+json, never a 5xx.
import { beforeAll, describe, expect, it } from 'vitest';
import { api, createDepartment, expectProblem, financeToken, token, uniqueId } from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: bodies as the API answered them; the assertions check them
type Json = any;
let finance: string;
let goals: Json[];

beforeAll(async () => {
  finance = await financeToken();
  goals = (await api('/v1/indicator-templates?category=education', { token: finance })).json.goalSet
    .indicators;
});

async function executingProject(budget: number) {
  const dept = await createDepartment(uniqueId('DP'));
  const bearer = await token({ role: 'department', departmentId: dept.id });
  const ok = async (p: Promise<{ status: number; json: Json; text: string }>, status = 200) => {
    const res = await p;
    expect(res.status, res.text).toBe(status);
    return res.json;
  };
  const project = await ok(
    api('/v1/projects', {
      token: bearer,
      body: {
        fiscalYear: 2026,
        name: `并发 ${uniqueId('N')}`,
        kind: 'project',
        isNew: false,
        requestedAmount: budget,
        category: 'education',
      },
    }),
    201,
  );
  await ok(
    api(`/v1/projects/${project.id}/goals`, {
      method: 'PUT',
      token: bearer,
      body: { overallGoal: '目标', indicators: goals },
    }),
  );
  await ok(api(`/v1/projects/${project.id}/submit`, { method: 'POST', token: bearer }));
  await ok(api(`/v1/projects/${project.id}/goal-review`, { token: finance, body: { grade: 'excellent' } }));
  await ok(api(`/v1/projects/${project.id}/budget`, { token: finance, body: { approvedAmount: budget } }));
  return { id: project.id as string, bearer };
}

const voucher = (
  p: { id: string; bearer: string },
  voucherNo: string,
  amount: number,
  headers?: Record<string, string>,
) =>
  api(`/v1/projects/${p.id}/expenditures`, {
    token: p.bearer,
    body: { voucherNo, date: '2026-03-02', amount },
    headers,
  });

describe('concurrent vouchers on one project', () => {
  it('50 valid vouchers at once → 50 × 201 and the cumulative total exact', async () => {
    const p = await executingProject(10_000);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => voucher(p, `C-${i}`, 123.45)));

    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    const list = await api(`/v1/projects/${p.id}/expenditures?limit=100`, { token: p.bearer });
    expect(list.json.items).toHaveLength(50);
    expect(list.json.cumulativeAmount).toBe(6172.5);
  }, 60_000);

  it('an over-budget race fills exactly the budget: 10 of 15 go through, 5 are 422', async () => {
    const p = await executingProject(1000);
    const results = await Promise.all(Array.from({ length: 15 }, (_, i) => voucher(p, `R-${i}`, 100)));

    expect(results.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(expectProblem(r, 422).type).toBe('/problems/rule-violation');
    const list = await api(`/v1/projects/${p.id}/expenditures`, { token: p.bearer });
    expect(list.json.cumulativeAmount).toBe(1000);
  }, 60_000);

  it('the same voucher sent 10 times at once → one 201, nine 200, counted once', async () => {
    const p = await executingProject(1000);
    const results = await Promise.all(Array.from({ length: 10 }, () => voucher(p, 'SAME-1', 10)));

    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const list = await api(`/v1/projects/${p.id}/expenditures`, { token: p.bearer });
    expect(list.json.cumulativeAmount).toBe(10);
  }, 60_000);

  it('a voucher number with other facts → 409 duplicate; the largest amounts convert exactly', async () => {
    const p = await executingProject(134_234_470.64);
    expect((await voucher(p, 'BIG', 134_234_470.64)).status).toBe(201);

    expect(expectProblem(await voucher(p, 'BIG', 1), 409).type).toBe('/problems/duplicate');
    const list = await api(`/v1/projects/${p.id}/expenditures`, { token: p.bearer });
    expect(list.json.cumulativeAmount).toBe(134_234_470.64);
  }, 60_000);
});

describe('Idempotency-Key', () => {
  it('the same key and body on two projects records both', async () => {
    const a = await executingProject(1000);
    const b = await executingProject(1000);
    const key = { 'idempotency-key': uniqueId('K') };
    // one department user per project: use a finance user for both, so the caller is the same
    const post = (id: string) =>
      api(`/v1/projects/${id}/expenditures`, {
        token: finance,
        body: { voucherNo: 'I-1', date: '2026-03-02', amount: 5 },
        headers: key,
      });

    expect((await post(a.id)).status).toBe(201);
    const second = await post(b.id);
    expect(second.status, second.text).toBe(201);
    expect(second.json.projectId).toBe(b.id);
    const replay = await post(b.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  }, 60_000);

  it('a key of a few KB → 400 naming the header', async () => {
    const res = await api('/v1/departments', {
      token: finance,
      body: { id: uniqueId('D'), name: 'x', contactEmails: ['x@example.gov.cn'] },
      headers: { 'idempotency-key': 'k'.repeat(4000) },
    });

    expect(expectProblem(res, 400).errors?.[0]?.path).toBe('Idempotency-Key');
  });
});

describe('no 5xx from hostile input', () => {
  it('a nextToken whose sort key lies outside the list → 400', async () => {
    const p = await executingProject(100);
    const crafted = Buffer.from(JSON.stringify({ pk: `PROJECT#${p.id}`, sk: 'PROJECT' })).toString(
      'base64url',
    );

    const res = await api(`/v1/projects/${p.id}/expenditures?nextToken=${crafted}`, { token: p.bearer });

    expect(expectProblem(res, 400).errors?.[0]?.path).toBe('nextToken');
  }, 60_000);

  it('GET /docs/constructor and /docs/__proto__ → 404', async () => {
    for (const asset of ['constructor', '__proto__', 'hasOwnProperty']) {
      expectProblem(await api(`/docs/${asset}`), 404);
    }
  });

  it('a malformed % escape in a path → 400 problem+json', async () => {
    const res = await api('/v1/projects/%E0%A4%A/expenditures', { token: finance });

    expect(expectProblem(res, 400).type).toBe('/problems/validation');
  });

  it('a number above 2^53 or a tiny one in a body → 400, not 500', async () => {
    const p = await executingProject(100);
    for (const amount of [2 ** 60, 1e300, 5e-324]) {
      const res = await voucher(p, `H-${amount}`, amount);
      expectProblem(res, 400);
    }
  }, 60_000);
});
