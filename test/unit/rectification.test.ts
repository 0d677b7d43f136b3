// Rectification notices and clawback recommendations as pure transitions (domain.md §3): the department
// answers an open or overdue notice, the bureau verifies a responded one; the bureau accepts a recommendation
// (by default the recommended amount, never more, never below what is spent) or rejects it.
import { describe, expect, it } from 'vitest';
import { Conflict, RuleViolation } from '../../shared/domain/errors.js';
import type { Project, RectificationStatus } from '../../shared/domain/project.js';
import {
  type Clawback,
  clawbackView,
  decide,
  issueNotice,
  type Rectification,
  recommend,
  respond,
  verify,
  withNotice,
} from '../../shared/domain/rectification.js';
import { thrown } from '../support/errors.js';
import { yuan } from '../support/money.js';
import { executingProject, spentOn } from '../support/projects.js';

const ISSUED = new Date('2026-06-30T18:00:00.000Z');
const NOW = new Date('2026-07-20T02:00:00.000Z');

/** An executing project of 1,000,000.00 with 100,000.00 spent. */
const project = (over: Partial<Project> = {}): Project =>
  executingProject({ id: 'P2026-TESTRCT1', ...spentOn(100_000), version: 8, ...over });

const reason = { 'zh-CN': '预算执行进度滞后（红灯）', en: 'Spending lags (red)' };
const notice = (status: RectificationStatus = 'open'): Rectification => ({
  ...issueNotice(
    project(),
    {
      id: 'R-P2026-TESTRCT1-execution-2026-06-30',
      cause: 'execution',
      issuedOn: '2026-06-30',
      dueOn: '2026-07-14',
      reason,
    },
    'S-1',
    ISSUED,
  ),
  status,
});

/** 828,571 recommended at July's end (see the monitoring tests), pending on the project. */
const recommended = (): Clawback =>
  recommend(
    project(),
    {
      id: 'C-P2026-TESTRCT1-2026-07-31',
      cause: 'rectification:R-P2026-TESTRCT1-execution-2026-06-30',
      recommendedFen: yuan(828_571),
      basis: {
        approvedAmount: 1_000_000,
        spent: 100_000,
        timeProgress: 0.5833,
        projectedSpend: 171_428.57,
        formula: 'f',
      },
    },
    '2026-07-31',
    'S-2',
    1,
    ISSUED,
  );
const pending = (over: Partial<Project> = {}) =>
  project({ pendingClawbackId: 'C-P2026-TESTRCT1-2026-07-31', ...over });

describe('issueNotice and the project summary', () => {
  it('a new notice is open, version 1, with its reason in both languages', () => {
    expect(notice()).toMatchObject({
      projectId: 'P2026-TESTRCT1',
      departmentId: 'D-EDU',
      fiscalYear: 2026,
      cause: 'execution',
      reason: reason['zh-CN'],
      reasons: reason,
      issuedOn: '2026-06-30',
      dueOn: '2026-07-14',
      status: 'open',
      sweepId: 'S-1',
      version: 1,
    });
  });

  it('withNotice keeps the notice’s cause, status and dates on the project', () => {
    expect(withNotice(project(), notice('overdue')).rectifications).toEqual({
      'R-P2026-TESTRCT1-execution-2026-06-30': {
        cause: 'execution',
        status: 'overdue',
        issuedOn: '2026-06-30',
        dueOn: '2026-07-14',
      },
    });
  });
});

describe('respond (department)', () => {
  const answer = { causes: '招标延迟', measures: '加快招标' };

  it('an open notice becomes responded, with the answer and who gave it', () => {
    expect(respond(notice('open'), answer, 'dept-user', NOW)).toMatchObject({
      status: 'responded',
      response: { ...answer, respondedAt: NOW.toISOString(), respondedBy: 'dept-user' },
      version: 2,
      updatedAt: NOW.toISOString(),
    });
  });

  it('an overdue notice can still be answered', () => {
    expect(respond(notice('overdue'), answer, 'dept-user', NOW).status).toBe('responded');
  });

  it.each(['responded', 'resolved', 'not_resolved'] as const)('a %s notice → 409', (status) => {
    expect(thrown(() => respond(notice(status), answer, 'dept-user', NOW))).toBeInstanceOf(Conflict);
  });
});

describe('verify (bureau)', () => {
  it.each(['resolved', 'not_resolved'] as const)('a responded notice becomes %s', (result) => {
    expect(verify(notice('responded'), { result, comments: 'ok' }, 'finance-user', NOW)).toMatchObject({
      status: result,
      verification: { result, comments: 'ok', verifiedAt: NOW.toISOString(), verifiedBy: 'finance-user' },
    });
  });

  it.each(['open', 'overdue', 'resolved', 'not_resolved'] as const)('a %s notice → 409', (status) => {
    expect(thrown(() => verify(notice(status), { result: 'resolved' }, 'finance-user', NOW))).toBeInstanceOf(
      Conflict,
    );
  });
});

describe('decide (bureau)', () => {
  it('accept without an amount cuts the recommended amount and clears the pending recommendation', () => {
    const out = decide(
      recommended(),
      pending(),
      { decision: 'accept', reason: '执行滞后' },
      'finance-user',
      NOW,
    );

    expect(out.cutFen).toBe(yuan(828_571));
    expect(out.project.budget).toMatchObject({ approvedFen: yuan(171_429), initialFen: yuan(1_000_000) });
    expect(out.project).toMatchObject({ pendingClawbackId: undefined, version: 9 });
    expect(out.clawback).toMatchObject({
      status: 'accepted',
      decision: {
        decision: 'accept',
        amountFen: yuan(828_571),
        reason: '执行滞后',
        decidedBy: 'finance-user',
      },
      version: 2,
    });
  });

  it('accept a smaller amount cuts that amount', () => {
    const out = decide(
      recommended(),
      pending(),
      { decision: 'accept', amount: 500_000, reason: 'r' },
      'f',
      NOW,
    );

    expect(out.project.budget?.approvedFen).toBe(yuan(500_000));
  });

  it('accept more than recommended, even by a fen → 422 on amount', () => {
    const err = thrown(() =>
      decide(recommended(), pending(), { decision: 'accept', amount: 828_571.01, reason: 'r' }, 'f', NOW),
    );

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.map((e) => e.path)).toEqual(['amount']);
  });

  it('accept an amount of 0 → 422 on amount', () => {
    expect(
      thrown(() => decide(recommended(), pending(), { decision: 'accept', amount: 0, reason: 'r' }, 'f', NOW))
        .status,
    ).toBe(422);
  });

  it('accept never lowers the budget below what is spent (spend grew since the recommendation)', () => {
    const spentMore = pending({ spentFen: yuan(200_000) });

    const err = thrown(() => decide(recommended(), spentMore, { decision: 'accept', reason: 'r' }, 'f', NOW));

    expect(err.errors?.map((e) => e.path)).toEqual(['amount']);
  });

  it('accept down to exactly what is spent is allowed', () => {
    const spentMore = pending({ spentFen: yuan(200_000) });

    const out = decide(
      recommended(),
      spentMore,
      { decision: 'accept', amount: 800_000, reason: 'r' },
      'f',
      NOW,
    );

    expect(out.project.budget?.approvedFen).toBe(yuan(200_000));
  });

  it('reject needs no amount, keeps the budget and clears the pending recommendation', () => {
    const out = decide(recommended(), pending(), { decision: 'reject', reason: '四季度集中支付' }, 'f', NOW);

    expect(out.cutFen).toBe(0);
    expect(out.clawback).toMatchObject({
      status: 'rejected',
      decision: { decision: 'reject', amountFen: undefined },
    });
    expect(out.project).toMatchObject({
      pendingClawbackId: undefined,
      budget: { approvedFen: yuan(1_000_000) },
    });
  });

  it('reject with an amount → 422 on amount', () => {
    const err = thrown(() =>
      decide(recommended(), pending(), { decision: 'reject', amount: 1, reason: 'r' }, 'f', NOW),
    );

    expect(err.errors?.map((e) => e.path)).toEqual(['amount']);
  });

  it.each(['accepted', 'rejected'] as const)('a recommendation %s already → 409', (status) => {
    const done = { ...recommended(), status };

    expect(
      thrown(() => decide(done, pending(), { decision: 'reject', reason: 'r' }, 'f', NOW)),
    ).toBeInstanceOf(Conflict);
  });

  it('409 wins over 422: a decided recommendation with too large an amount', () => {
    const done = { ...recommended(), status: 'accepted' as const };

    expect(
      thrown(() => decide(done, pending(), { decision: 'accept', amount: 9_999_999, reason: 'r' }, 'f', NOW))
        .status,
    ).toBe(409);
  });
});

describe('clawbackView', () => {
  it('shows yuan: recommendedAmount and the decision’s amount', () => {
    const { clawback } = decide(
      recommended(),
      pending(),
      { decision: 'accept', amount: 1_000.5, reason: 'r' },
      'f',
      NOW,
    );

    const view = clawbackView(clawback);

    expect(view).toMatchObject({ recommendedAmount: 828_571, decision: { amount: 1_000.5 } });
    expect(view).not.toHaveProperty('recommendedFen');
    expect(view.decision).not.toHaveProperty('amountFen');
  });
});
