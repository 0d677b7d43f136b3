// Conflicting transitions (issue 11, item 7), over HTTP against the started system: twenty clerks fire the
// same state change at one record at once — the goal review, the budget approval, a clawback decision, a
// notice's verification, the review of a self-evaluation, the reviews of a third-party plan and report.
// Exactly one wins (one 2xx); the nineteen others, having decided again on a fresh read, get 409
// problem+json /problems/state-conflict (the state does not allow it any more; not /problems/concurrent-change,
// which is a retry's give-up), and exactly one audit record of the change is written. Fiscal year 2023: no
// other e2e file uses it.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  evaluation,
  evaluationDocument,
  type Json,
  listAll,
  must,
  newAgency,
  newDepartment,
  project,
  reportBody,
  selfEvaluated,
  spend,
  type Tenant,
} from './fixtures.js';
import { type ApiResponse, api, financeToken } from './support.js';

const YEAR = 2023;
const RACERS = 20;
/** Every loser decides again on a fresh read, so it hears what the state is now. */
const LOSER_TYPE = '/problems/state-conflict';

let finance: string;
let dept: Tenant;
let agency: Tenant;

beforeAll(async () => {
  finance = await financeToken();
  [dept, agency] = await Promise.all([newDepartment('DT'), newAgency('AT')]);
}, 60_000);

const auditOf = (entityId: string) => listAll(`/v1/audit?entityId=${encodeURIComponent(entityId)}`, finance);

/**
 * Fires `RACERS` copies of one request at once; asserts one 2xx and 19 × 409 of a documented type, and that
 * the entity's audit trail grew by exactly one record of `action`. Returns the winner's body.
 */
async function race(
  what: string,
  entityId: string,
  action: string,
  fire: (i: number) => Promise<ApiResponse>,
): Promise<Json> {
  const before = await auditOf(entityId);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: RACERS }, (_, i) => fire(i)));
  const ms = Date.now() - started;
  const after = await auditOf(entityId);

  const winners = results.filter((r) => r.status < 300);
  const losers = results.filter((r) => r.status >= 300);
  const types = new Map<string, number>();
  for (const r of losers)
    types.set(`${r.status} ${r.json?.type}`, (types.get(`${r.status} ${r.json?.type}`) ?? 0) + 1);
  console.log(
    `[transitions] ${what}: ${winners.length} × 2xx, ${[...types].map(([t, n]) => `${n} × ${t}`).join(', ')} in ${ms} ms`,
  );
  expect(
    winners.map((r) => r.status),
    results.map((r) => `${r.status} ${r.text.slice(0, 200)}`).join('\n'),
  ).toHaveLength(1);
  for (const r of losers) {
    expect(r.status, r.text).toBe(409);
    expect(r.headers.get('content-type'), r.text).toMatch(/^application\/problem\+json/);
    expect(r.json.type, r.text).toBe(LOSER_TYPE);
  }
  const added = after.slice(before.length);
  expect(after.slice(0, before.length)).toEqual(before);
  expect(added.map((a) => a.action)).toEqual([action]);
  return winners[0]?.json;
}

describe(`${RACERS} conflicting transitions at once: exactly one wins, with one audit record`, () => {
  it('the goal review (approve) of a submitted project', async () => {
    const id = await project(dept, { year: YEAR, to: 'submitted' });

    const won = await race('goal review', id, 'goal-review', (i) =>
      api(`/v1/projects/${id}/goal-review`, {
        token: finance,
        body: { grade: i % 2 ? 'excellent' : 'good', comments: `clerk ${i}` },
      }),
    );

    expect(won.status).toBe('in_library');
    const stored = must(await api(`/v1/projects/${id}`, { token: finance }), 'project');
    expect(stored.goalReviews).toHaveLength(1);
  }, 60_000);

  it('the budget approval of a project in the library', async () => {
    const id = await project(dept, { year: YEAR, to: 'library' });

    const won = await race('budget approval', id, 'approve-budget', (i) =>
      api(`/v1/projects/${id}/budget`, { token: finance, body: { approvedAmount: 900_000 + i } }),
    );

    const stored = must(await api(`/v1/projects/${id}`, { token: finance }), 'project');
    expect(stored.status).toBe('executing');
    expect(stored.budget.approvedAmount).toBe(won.budget.approvedAmount);
  }, 60_000);

  describe('after a sweep at the August checkpoint (a red project: a notice and a clawback)', () => {
    let red: string;
    let notice: Json;
    let clawback: Json;

    beforeAll(async () => {
      red = await project(dept, { year: YEAR, to: 'executing' });
      await spend(dept, red, 'V-1', `${YEAR}-03-15`, 100_000);
      must(await api('/v1/monitoring/sweeps', { token: finance, body: { asOf: `${YEAR}-08-31` } }), 'sweep');
      notice = (await listAll('/v1/rectifications', dept.bearer)).find((n) => n.projectId === red);
      clawback = (await listAll('/v1/clawbacks', dept.bearer)).find((c) => c.projectId === red);
      expect(notice?.status).toBe('open');
      expect(clawback?.status).toBe('recommended');
    }, 60_000);

    it('a clawback decision (accept): the budget is lowered once', async () => {
      const won = await race('clawback decision', clawback.id, 'accept', () =>
        api(`/v1/clawbacks/${clawback.id}/decision`, {
          token: finance,
          body: { decision: 'accept', amount: 1000, reason: '调减' },
        }),
      );

      expect(won.status).toBe('accepted');
      const stored = must(await api(`/v1/projects/${red}`, { token: finance }), 'project');
      expect(stored.budget.approvedAmount).toBe(999_000);
      const adjustments = (await auditOf(red)).filter((a) => a.action === 'budget-adjustment');
      expect(adjustments).toHaveLength(1);
    }, 60_000);

    it('the verification of a responded notice', async () => {
      must(
        await api(`/v1/rectifications/${notice.id}/response`, {
          token: dept.bearer,
          body: { causes: '招标延迟', measures: '加快支付' },
        }),
        'response',
      );

      const won = await race('notice verification', notice.id, 'verify', (i) =>
        api(`/v1/rectifications/${notice.id}/verification`, {
          token: finance,
          body: { result: i % 2 ? 'resolved' : 'not_resolved' },
        }),
      );

      expect(['resolved', 'not_resolved']).toContain(won.status);
    }, 60_000);
  });

  it('the review of a self-evaluation', async () => {
    const id = await project(dept, { year: YEAR, to: 'executing' });
    await selfEvaluated(dept, id);

    const won = await race('self-evaluation review', id, 'review-self-evaluation', (i) =>
      api(`/v1/projects/${id}/self-evaluation/review`, {
        token: finance,
        body: { adjustments: [{ name: 'execution', score: i % 10, reason: `clerk ${i}` }] },
      }),
    );

    expect(won.status).toBe('reviewed');
    // the second review is refused afterwards too, and the winner's score stands
    const again = await api(`/v1/projects/${id}/self-evaluation/review`, {
      token: finance,
      body: { adjustments: [] },
    });
    expect(again.status).toBe(409);
    expect(again.json.type).toBe('/problems/state-conflict');
    const stored = must(
      await api(`/v1/projects/${id}/self-evaluation`, { token: finance }),
      'self-evaluation',
    );
    expect(stored.executionScore).toBe(won.executionScore);
  }, 60_000);

  it('the review of a third-party plan (approve)', async () => {
    const id = await project(dept, { year: YEAR, to: 'executing' });
    const e = await evaluation(id, agency, 'plan_submitted');

    const won = await race('plan review', e, 'plan-approve', () =>
      api(`/v1/evaluations/${e}/plan-review`, { token: finance, body: { decision: 'approve' } }),
    );

    expect(won.status).toBe('plan_approved');
  }, 60_000);

  it('the submission of a third-party report by its agency', async () => {
    const id = await project(dept, { year: YEAR, to: 'executing' });
    const e = await evaluation(id, agency, 'plan_approved');
    const report = await evaluationDocument(e, agency, 'report');

    const won = await race('report submission', e, 'report-submit', (i) =>
      api(`/v1/evaluations/${e}/report`, {
        token: agency.bearer,
        body: { ...reportBody(report), score: 80 + (i % 10) },
      }),
    );

    expect(won.status).toBe('report_submitted');
    const stored = must(await api(`/v1/evaluations/${e}`, { token: finance }), 'evaluation');
    expect(stored.report.score).toBe(won.report.score);
  }, 60_000);

  it('the review of a third-party report (approve)', async () => {
    const id = await project(dept, { year: YEAR, to: 'executing' });
    const e = await evaluation(id, agency, 'report_submitted');

    const won = await race('report review', e, 'report-approve', () =>
      api(`/v1/evaluations/${e}/report-review`, { token: finance, body: { decision: 'approve' } }),
    );

    expect(won.status).toBe('report_approved');
  }, 60_000);
});
