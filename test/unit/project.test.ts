// Projects from request to budget (domain.md §1–2), as pure domain functions with the default rules of
// 2026 and a fixed moment: the ex-ante threshold, the assessment, the goal review, the library, the budget.
import { describe, expect, it } from 'vitest';
import { defaultConfig, type RuleConfig } from '../../shared/domain/config.js';
import { Conflict, RuleViolation } from '../../shared/domain/errors.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import type { GoalsInput } from '../../shared/domain/indicators.js';
import {
  approveBudget,
  assess,
  assessmentInput,
  type Decision,
  guidanceFor,
  needsExAnte,
  newProject,
  type Project,
  projectView,
  reviewGoals,
  setGoals,
  submit,
} from '../../shared/domain/project.js';
import { thrown } from '../support/errors.js';

const config = defaultConfig(2026);
const now = new Date('2026-03-02T02:00:00.000Z');
const bureau: Decision = { by: 'finance-user', now, config };
const dept: Decision = { by: 'department-user', now, config };

type ProjectInput = Parameters<typeof newProject>[2];
const input = (over: Partial<ProjectInput> = {}): ProjectInput => ({
  fiscalYear: 2026,
  name: '义务教育学校改扩建',
  kind: 'project',
  isNew: true,
  requestedAmount: 3_000_000,
  category: 'education',
  ...over,
});

const goals = (): GoalsInput => ({
  overallGoal: '新增学位1200个，改善办学条件',
  indicators: structuredClone(indicatorLibrary.education.indicators),
});

const draft = (over: Partial<ProjectInput> = {}, d: Decision = dept) =>
  newProject('P2026-TEST0001', 'D-EDU', input(over), d);
/** Goals set and submitted: under review. */
const underReview = (over: Partial<ProjectInput> = {}) => submit(setGoals(draft(over), goals(), dept), dept);

/** Five scores adding up to `total` (each ≤ 20). */
function scoresFor(total: number) {
  const each = Math.floor((total / 5) * 100) / 100;
  const last = Math.round((total - each * 4) * 100) / 100;
  return {
    necessity: each,
    economy: each,
    goalReasonableness: each,
    feasibility: each,
    financingCompliance: last,
  };
}

type AssessmentInput = Parameters<typeof assess>[1];
const assessment = (total: number, over: Partial<AssessmentInput> = {}): AssessmentInput => ({
  scores: scoresFor(total),
  conclusion: guidanceFor(total, config.exAnte),
  ...over,
});

/** A project in the library: no assessment needed (2,000,000), goals approved. */
const inLibrary = () =>
  reviewGoals(underReview({ requestedAmount: 2_000_000 }), { grade: 'excellent' }, bureau);

const plan = (...shares: number[]) => shares;
const evenPlan = () =>
  Array.from({ length: 12 }, (_, i) => Math.round(((i + 1) / 12) * 10000) / 10000).map((s, i) =>
    i === 11 ? 1 : s,
  );

describe('needsExAnte: new projects and policies from 3,000,000.00 (inclusive)', () => {
  it('a new project of 3,000,000.00 needs one', () => {
    expect(needsExAnte({ isNew: true, requestedFen: 300_000_000 }, config)).toBe(true);
  });

  it('a new project of 2,999,999.99 does not', () => {
    expect(needsExAnte({ isNew: true, requestedFen: 299_999_999 }, config)).toBe(false);
  });

  it('a continuing project of 10,000,000 does not', () => {
    expect(needsExAnte({ isNew: false, requestedFen: 1_000_000_000 }, config)).toBe(false);
  });

  it('a new policy of 3,000,000.00 needs one too', () => {
    const p = draft({ kind: 'policy', requestedAmount: 3_000_000 });

    expect(p.exAnteRequired).toBe(true);
  });

  it('newProject decides it from the yuan amount (2,999,999.99 → false)', () => {
    const p = draft({ requestedAmount: 2_999_999.99 });

    expect(p.exAnteRequired).toBe(false);
    expect(p.requestedFen).toBe(299_999_999);
  });

  it('newProject of a continuing project of 10,000,000 → false', () => {
    expect(draft({ isNew: false, requestedAmount: 10_000_000 }).exAnteRequired).toBe(false);
  });

  it('a raised threshold in the configuration is honoured', () => {
    const raised: RuleConfig = {
      ...structuredClone(config),
      version: 2,
      exAnte: { ...config.exAnte, thresholdAmount: 5_000_000 },
    };

    expect(needsExAnte({ isNew: true, requestedFen: 300_000_000 }, raised)).toBe(false);
    expect(needsExAnte({ isNew: true, requestedFen: 500_000_000 }, raised)).toBe(true);
  });

  it('a lowered threshold in the configuration is honoured', () => {
    const lowered: RuleConfig = {
      ...structuredClone(config),
      version: 2,
      exAnte: { ...config.exAnte, thresholdAmount: 1_000_000 },
    };

    const p = draft({ requestedAmount: 1_000_000 }, { ...dept, config: lowered });

    expect(p.exAnteRequired).toBe(true);
  });
});

describe('newProject', () => {
  it('starts a draft of version 1 at the moment given', () => {
    const p = draft();

    expect(p).toMatchObject({
      id: 'P2026-TEST0001',
      departmentId: 'D-EDU',
      fiscalYear: 2026,
      status: 'draft',
      version: 1,
      requestedFen: 300_000_000,
      goalReviews: [],
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  });

  it('records the configuration version that decided exAnteRequired', () => {
    const v7: RuleConfig = { ...structuredClone(config), version: 7 };

    const p = draft({}, { ...dept, config: v7 });

    expect(p.configVersion).toBe(7);
  });
});

describe('guidanceFor: ≥ 80 supported, 60–79.99 after adjustment, < 60 not supported', () => {
  it.each([
    [100, 'supported'],
    [80, 'supported'],
    [79.99, 'supported_after_adjustment'],
    [60, 'supported_after_adjustment'],
    [59.99, 'not_supported'],
    [0, 'not_supported'],
  ] as const)('%s → %s', (total, conclusion) => {
    expect(guidanceFor(total, config.exAnte)).toBe(conclusion);
  });

  it('follows configured bands', () => {
    const bands = { ...config.exAnte, supportedFrom: 85, supportedAfterAdjustmentFrom: 70 };

    expect(guidanceFor(84.99, bands)).toBe('supported_after_adjustment');
    expect(guidanceFor(69.99, bands)).toBe('not_supported');
  });
});

describe('assess', () => {
  it('a total following the guidance is recorded with its total, guidance, assessor and config version', () => {
    const p = underReview();

    const after = assess(p, assessment(85), bureau);

    expect(after.assessment).toMatchObject({
      total: 85,
      guidance: 'supported',
      conclusion: 'supported',
      assessedBy: 'finance-user',
      assessedAt: now.toISOString(),
      configVersion: 1,
    });
    expect(after.version).toBe(p.version + 1);
  });

  it('sums the five scores to the fen (79.99 → after adjustment)', () => {
    const after = assess(underReview(), assessment(79.99, { recommendedAmount: 2_800_000 }), bureau);

    expect(after.assessment).toMatchObject({ total: 79.99, guidance: 'supported_after_adjustment' });
  });

  it('a conclusion departing from the guidance without a reason → 422 on reason', () => {
    const err = thrown(() => assess(underReview(), assessment(50, { conclusion: 'supported' }), bureau));

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.status).toBe(422);
    expect(err.errors?.map((e) => e.path)).toEqual(['reason']);
  });

  it('a conclusion departing from the guidance with a reason is accepted', () => {
    const after = assess(
      underReview(),
      assessment(50, { conclusion: 'supported', reason: '区委区政府重点民生项目' }),
      bureau,
    );

    expect(after.assessment).toMatchObject({
      total: 50,
      guidance: 'not_supported',
      conclusion: 'supported',
      reason: '区委区政府重点民生项目',
    });
    expect(after.status).toBe('under_review');
  });

  it('supported_after_adjustment with a recommended amount above the requested → 422 on recommendedAmount', () => {
    const err = thrown(() =>
      assess(underReview(), assessment(70, { recommendedAmount: 3_000_000.01 }), bureau),
    );

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.map((e) => e.path)).toEqual(['recommendedAmount']);
  });

  it('supported_after_adjustment without a recommended amount → 422 on recommendedAmount', () => {
    const err = thrown(() => assess(underReview(), assessment(70), bureau));

    expect(err.status).toBe(422);
    expect(err.errors?.map((e) => e.path)).toEqual(['recommendedAmount']);
  });

  it('supported_after_adjustment recommending exactly the requested amount is accepted', () => {
    const after = assess(underReview(), assessment(70, { recommendedAmount: 3_000_000 }), bureau);

    expect(after.assessment).toMatchObject({
      conclusion: 'supported_after_adjustment',
      recommendedFen: 300_000_000,
    });
  });

  it('not_supported rejects the project', () => {
    const after = assess(underReview(), assessment(50), bureau);

    expect(after.status).toBe('rejected');
    expect(after.assessment?.conclusion).toBe('not_supported');
  });

  it('a project that does not need one → 409', () => {
    const p = underReview({ requestedAmount: 2_999_999.99 });

    const err = thrown(() => assess(p, assessment(85), bureau));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.status).toBe(409);
  });

  it('a second assessment → 409', () => {
    const once = assess(underReview(), assessment(85), bureau);
    expect(once.status).toBe('under_review'); // the goals are not reviewed yet

    const err = thrown(() => assess(once, assessment(90), bureau));

    expect(err).toBeInstanceOf(Conflict);
  });

  it('a draft cannot be assessed → 409 naming draft', () => {
    const err = thrown(() => assess(draft(), assessment(85), bureau));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.detail).toMatch(/draft/);
  });
});

describe('assessmentInput: five scores of 0–20 with at most two decimals', () => {
  const withScore = (n: number) => ({ ...assessment(80), scores: { ...scoresFor(80), necessity: n } });

  it.each([0, 20, 16.5, 1.1, 2.01, 0.07, 16.07, 19.99])('%s is a valid score', (n) => {
    const parsed = assessmentInput.safeParse(withScore(n));

    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });

  it.each([-0.01, 20.01, 16.005])('%s is not', (n) => {
    expect(assessmentInput.safeParse(withScore(n)).success).toBe(false);
  });
});

describe('goals and submission', () => {
  it('setGoals keeps the goals with the warnings and the config version', () => {
    const g = goals();
    g.indicators[0]!.target = 999; // a placeholder: a warning, not an error

    const p = setGoals(draft(), g, dept);

    expect(p.goals).toMatchObject({
      overallGoal: g.overallGoal,
      savedAt: now.toISOString(),
      configVersion: 1,
    });
    expect(p.goals?.indicators).toHaveLength(7);
    expect(p.goals?.warnings.map((w) => w.rule)).toEqual(['placeholder-target']);
    expect(p.status).toBe('draft');
  });

  it('setGoals refuses a goal set that is not measurable: 422, an error per failing indicator', () => {
    const g = goals();
    delete g.indicators[0]!.unit;
    delete g.indicators[3]!.target;

    const err = thrown(() => setGoals(draft(), g, dept));

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors).toEqual([
      expect.objectContaining({
        path: 'indicators[3].target',
        rule: 'quantitative-target',
        severity: 'error',
      }),
      expect.objectContaining({ path: 'indicators[0].unit', rule: 'quantitative-unit', severity: 'error' }),
    ]);
    expect(err.errors?.[0]?.messages?.['zh-CN']).toMatch(/\p{Script=Han}/u);
  });

  it('setGoals uses the configured group points', () => {
    const shifted: RuleConfig = {
      ...structuredClone(config),
      scoring: { execution: 10, output: 40, benefit: 40, satisfaction: 10 },
    };

    const err = thrown(() => setGoals(draft(), goals(), { ...dept, config: shifted }));

    expect(err.errors?.map((e) => e.rule)).toEqual(['group-weights', 'group-weights']);
  });

  it('setGoals in under_review → 409', () => {
    const err = thrown(() => setGoals(underReview(), goals(), dept));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.detail).toMatch(/under_review/);
  });

  it('submit without goals → 409', () => {
    const err = thrown(() => submit(draft(), dept));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.status).toBe(409);
    expect(err.errors?.map((e) => e.path)).toEqual(['goals']);
  });

  it('submit with goals → under_review, stamped', () => {
    const p = underReview();

    expect(p).toMatchObject({ status: 'under_review', submittedAt: now.toISOString(), version: 3 });
  });
});

describe('reviewGoals and the project library', () => {
  it('good goals stay under_review until the assessment passes; then assess admits the project', () => {
    const reviewed = reviewGoals(underReview(), { grade: 'good', comments: '成本指标可再细化' }, bureau);
    expect(reviewed.status).toBe('under_review');

    const assessed = assess(reviewed, assessment(85), bureau);

    expect(assessed.status).toBe('in_library');
  });

  it('the other order: the assessment first, the goal review last admits the project', () => {
    const assessed = assess(underReview(), assessment(70, { recommendedAmount: 2_500_000 }), bureau);
    expect(assessed.status).toBe('under_review');

    const reviewed = reviewGoals(assessed, { grade: 'good' }, bureau);

    expect(reviewed.status).toBe('in_library');
  });

  it('excellent goals of a project that needs no assessment → in_library', () => {
    const p = underReview({ requestedAmount: 2_999_999.99 });

    const reviewed = reviewGoals(p, { grade: 'excellent' }, bureau);

    expect(reviewed.status).toBe('in_library');
  });

  it('records the review with its reviewer, moment, comments and config version', () => {
    const reviewed = reviewGoals(underReview(), { grade: 'good', comments: '可' }, bureau);

    expect(reviewed.goalReviews).toEqual([
      {
        grade: 'good',
        comments: '可',
        reviewedAt: now.toISOString(),
        reviewedBy: 'finance-user',
        configVersion: 1,
      },
    ]);
  });

  it('fair → returned to the department', () => {
    const reviewed = reviewGoals(underReview(), { grade: 'fair', comments: '指标不够具体' }, bureau);

    expect(reviewed.status).toBe('returned');
  });

  it('returned goals can be revised, resubmitted and then approved', () => {
    const returned = reviewGoals(underReview({ requestedAmount: 1_000_000 }), { grade: 'fair' }, bureau);

    const resubmitted = submit(setGoals(returned, goals(), dept), dept);
    const approved = reviewGoals(resubmitted, { grade: 'good' }, bureau);

    expect(resubmitted.status).toBe('under_review');
    expect(approved.status).toBe('in_library');
    expect(approved.goalReviews.map((r) => r.grade)).toEqual(['fair', 'good']);
  });

  it('a returned project keeps a passed assessment: approval after resubmission admits it', () => {
    const assessed = assess(underReview(), assessment(85), bureau);
    const returned = reviewGoals(assessed, { grade: 'fair' }, bureau);

    const approved = reviewGoals(
      submit(setGoals(returned, goals(), dept), dept),
      { grade: 'excellent' },
      bureau,
    );

    expect(approved.status).toBe('in_library');
  });

  it('poor → rejected', () => {
    const reviewed = reviewGoals(underReview(), { grade: 'poor' }, bureau);

    expect(reviewed.status).toBe('rejected');
  });

  it('reviewing approved goals again → 409', () => {
    const approved = reviewGoals(underReview(), { grade: 'good' }, bureau); // still awaiting the assessment

    const err = thrown(() => reviewGoals(approved, { grade: 'fair' }, bureau));

    expect(err).toBeInstanceOf(Conflict);
  });

  it('a rejected project cannot be reviewed → 409', () => {
    const rejected = assess(underReview(), assessment(40), bureau);

    const err = thrown(() => reviewGoals(rejected, { grade: 'excellent' }, bureau));

    expect(err).toBeInstanceOf(Conflict);
    expect(err.detail).toMatch(/rejected/);
  });
});

describe('approveBudget', () => {
  it('approves at most the requested amount → executing, the initial budget = the approved one', () => {
    const p = inLibrary();

    const after = approveBudget(p, { approvedAmount: 2_000_000, disbursementPlan: evenPlan() }, bureau);

    expect(after.status).toBe('executing');
    expect(after.budget).toMatchObject({
      initialFen: 200_000_000,
      approvedFen: 200_000_000,
      approvedBy: 'finance-user',
      approvedAt: now.toISOString(),
      configVersion: 1,
    });
    expect(after.budget?.disbursementPlan).toHaveLength(12);
  });

  it('above the requested amount → 422 on approvedAmount', () => {
    const err = thrown(() => approveBudget(inLibrary(), { approvedAmount: 2_000_000.01 }, bureau));

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.map((e) => e.path)).toEqual(['approvedAmount']);
  });

  it('0 → 422 on approvedAmount', () => {
    const err = thrown(() => approveBudget(inLibrary(), { approvedAmount: 0 }, bureau));

    expect(err.errors?.map((e) => e.path)).toEqual(['approvedAmount']);
  });

  it('after supported_after_adjustment: above the recommended amount → 422, at it → executing', () => {
    const assessed = assess(underReview(), assessment(70, { recommendedAmount: 2_500_000 }), bureau);
    const p = reviewGoals(assessed, { grade: 'good' }, bureau);
    expect(p.status).toBe('in_library');

    const err = thrown(() => approveBudget(p, { approvedAmount: 2_500_000.01 }, bureau));
    const ok = approveBudget(p, { approvedAmount: 2_500_000 }, bureau);

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.map((e) => e.path)).toEqual(['approvedAmount']);
    expect(ok.budget?.approvedFen).toBe(250_000_000);
  });

  it('a decreasing disbursement plan → 422 naming the month that decreases', () => {
    const shares = plan(0.05, 0.1, 0.2, 0.3, 0.4, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1);

    const err = thrown(() =>
      approveBudget(inLibrary(), { approvedAmount: 1_000_000, disbursementPlan: shares }, bureau),
    );

    expect(err).toBeInstanceOf(RuleViolation);
    expect(err.errors?.map((e) => e.path)).toEqual(['disbursementPlan[5]']);
  });

  it('a plan whose December share is not 1 → 422 on disbursementPlan[11]', () => {
    const shares = plan(0.05, 0.1, 0.2, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95);

    const err = thrown(() =>
      approveBudget(inLibrary(), { approvedAmount: 1_000_000, disbursementPlan: shares }, bureau),
    );

    expect(err.errors?.map((e) => e.path)).toEqual(['disbursementPlan[11]']);
  });

  it('a flat plan (equal months) is non-decreasing and accepted', () => {
    const shares = plan(0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1);

    const after = approveBudget(inLibrary(), { approvedAmount: 1_000_000, disbursementPlan: shares }, bureau);

    expect(after.budget?.disbursementPlan).toEqual(shares);
  });

  it('a project not in the library → 409 naming its status', () => {
    const err = thrown(() =>
      approveBudget(underReview({ requestedAmount: 2_000_000 }), { approvedAmount: 1 }, bureau),
    );

    expect(err).toBeInstanceOf(Conflict);
    expect(err.detail).toMatch(/under_review/);
  });

  it('a rejected project cannot be budgeted → 409 (even with a body that breaks a rule)', () => {
    const rejected = assess(underReview(), assessment(50), bureau);

    const err = thrown(() => approveBudget(rejected, { approvedAmount: 99_000_000 }, bureau));

    expect(err).toBeInstanceOf(Conflict);
  });
});

describe('projectView', () => {
  it('shows money in yuan: requestedAmount 2999999.99, no fen', () => {
    const view = projectView(draft({ requestedAmount: 2_999_999.99 }));

    expect(view.requestedAmount).toBe(2_999_999.99);
    expect(view).not.toHaveProperty('requestedFen');
  });

  it('shows the budget and the recommended amount in yuan, and the latest goal review', () => {
    const assessed = assess(underReview(), assessment(70, { recommendedAmount: 2_500_000.5 }), bureau);
    const p: Project = approveBudget(
      reviewGoals(assessed, { grade: 'good' }, bureau),
      { approvedAmount: 2_400_000.25 },
      bureau,
    );

    const view = projectView(p);

    expect(view.budget).toMatchObject({ approvedAmount: 2_400_000.25, initialAmount: 2_400_000.25 });
    expect(view.budget).not.toHaveProperty('approvedFen');
    expect(view.assessment).toMatchObject({ recommendedAmount: 2_500_000.5 });
    expect(view.assessment).not.toHaveProperty('recommendedFen');
    expect(view.goalReview).toMatchObject({ grade: 'good' });
    expect(view.goalsApproved).toBe(true);
  });
});
