// Unit tier: the pure assembly of a project's dossier (shared/domain/dossier.ts) — goal versions derived from
// the audit trail, spend by month against time progress or the plan, the self-evaluation claimed against
// reviewed, the third-party evaluation's reports in order, and the timeline — and the light-history point the
// sweep writes with each changed snapshot (shared/store/monitoring.ts, no network).
import { describe, expect, it } from 'vitest';
import { snapshotBatch } from '../../shared/app/sweep.js';
import { defaultConfig } from '../../shared/domain/config.js';
import {
  type AuditEntry,
  assembleDossier,
  dossierSchema,
  evaluationPart,
  goalVersions,
  selfEvaluationPart,
  spendByMonth,
  timelineOf,
} from '../../shared/domain/dossier.js';
import type { Evaluation } from '../../shared/domain/evaluation.js';
import { evaluate, review } from '../../shared/domain/self-evaluation.js';
import type { Snapshot } from '../../shared/domain/sweep.js';
import { keys } from '../../shared/store/keys.js';
import { lightHistoryItem, snapshotItem } from '../../shared/store/monitoring.js';
import { educationGoals, executingProject } from '../support/projects.js';

const finance = { sub: 'f-1', role: 'finance' };
const dept = { sub: 'd-1', role: 'department', departmentId: 'D-EDU' };
const goals = (overallGoal: string, at: string) => ({
  goals: { ...educationGoals(overallGoal), savedAt: at },
});
const entry = (
  action: string,
  at: string,
  after: unknown,
  actor: AuditEntry['actor'] = dept,
): AuditEntry => ({
  id: `${action}-${at}`,
  entityType: 'project',
  entityId: 'P1',
  action,
  actor,
  at,
  before: null,
  after,
});
const reviewAt = (grade: string, at: string, comments?: string) => ({
  grade,
  ...(comments ? { comments } : {}),
  reviewedAt: at,
  reviewedBy: 'f-1',
  configVersion: 1,
});

describe('goal versions from the audit trail', () => {
  const trail: AuditEntry[] = [
    entry('create', 't01', {}),
    entry('set-goals', 't02', goals('第一版', 't02')),
    entry('submit', 't03', {}),
    entry('goal-review', 't04', { goalReviews: [reviewAt('fair', 't04', '目标值偏低')] }, finance),
    entry('set-goals', 't05', goals('第二版', 't05')),
    entry('set-goals', 't06', goals('第三版', 't06')),
    entry('submit', 't07', {}),
    entry(
      'goal-review',
      't08',
      { goalReviews: [reviewAt('fair', 't04', '目标值偏低'), reviewAt('good', 't08', '可')] },
      finance,
    ),
  ];

  it('makes one version per saved goal set, oldest first', () => {
    expect(goalVersions(trail).map((v) => [v.number, v.overallGoal])).toEqual([
      [1, '第一版'],
      [2, '第二版'],
      [3, '第三版'],
    ]);
  });

  it('marks the returned version with the review’s comments, a draft never submitted, the approved one', () => {
    const [first, second, third] = goalVersions(trail);
    expect(first).toMatchObject({ outcome: 'returned', submittedAt: 't03', review: { grade: 'fair' } });
    expect(first!.review!.comments).toBe('目标值偏低');
    expect(second).toMatchObject({ outcome: 'draft', submittedAt: null, review: null });
    expect(third).toMatchObject({ outcome: 'approved', submittedAt: 't07', review: { grade: 'good' } });
  });

  it('leaves a submitted version under review as submitted, and a poor one rejected', () => {
    const upToSubmit = trail.slice(0, 3);
    expect(goalVersions(upToSubmit).at(-1)!.outcome).toBe('submitted');
    const poor = [
      ...upToSubmit,
      entry('goal-review', 't04', { goalReviews: [reviewAt('poor', 't04')] }, finance),
    ];
    expect(goalVersions(poor).at(-1)!.outcome).toBe('rejected');
  });

  it('ignores the records of other entities in the partition (the self-evaluation’s)', () => {
    const other = { ...entry('set-goals', 't09', goals('x', 't09')), entityType: 'self-evaluation' };
    expect(goalVersions([...trail, other])).toHaveLength(3);
  });
});

describe('spend by month', () => {
  it('adds the days of each month, cumulates, and compares with time progress (month ÷ 12)', () => {
    const p = executingProject({
      spentFen: 30_000_000 + 5_000_000 + 20_000_000,
      spendByDate: { '2026-03-15': 30_000_000, '2026-03-31': 5_000_000, '2026-05-02': 20_000_000 },
    });
    const s = spendByMonth(p);
    expect(s.basis).toBe('months');
    expect(s.totalSpent).toBe(550_000);
    expect(s.months).toHaveLength(12);
    expect(s.months[2]).toEqual({
      month: '2026-03',
      spent: 350_000,
      cumulative: 350_000,
      cumulativeRate: 0.35,
      plannedShare: 0.25,
      plannedCumulative: 250_000,
    });
    expect(s.months[3]).toMatchObject({ spent: 0, cumulative: 350_000, plannedShare: 0.3333 });
    expect(s.months[4]).toMatchObject({ spent: 200_000, cumulative: 550_000, cumulativeRate: 0.55 });
    expect(s.months[11]).toMatchObject({
      cumulative: 550_000,
      plannedShare: 1,
      plannedCumulative: 1_000_000,
    });
  });

  it('uses the disbursement plan’s cumulative shares when the project has one', () => {
    const plan = [0, 0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
    const p = executingProject({
      budget: { ...executingProject().budget!, disbursementPlan: plan },
    });
    const s = spendByMonth(p);
    expect(s.basis).toBe('plan');
    expect(s.months.map((m) => m.plannedShare)).toEqual(plan);
    expect(s.months[2]!.plannedCumulative).toBe(100_000);
  });

  it('has no rate or plan amount before the project is budgeted', () => {
    const s = spendByMonth(executingProject({ budget: undefined, status: 'draft' }));
    expect(s.approvedAmount).toBeNull();
    expect(s.months[0]).toMatchObject({ cumulativeRate: null, plannedCumulative: null });
  });
});

describe('the self-evaluation, claimed against reviewed', () => {
  const config = defaultConfig(2025);
  const project = executingProject({
    id: 'P2025-X',
    fiscalYear: 2025,
    goals: educationGoals(),
    budget: { ...executingProject().budget!, approvedFen: 100_000_000 },
    spentFen: 85_500_000,
  });
  const answers = {
    summary: '完成年度目标',
    indicators: [
      { name: '新增学位数', actual: 1080, evidenceDocumentIds: ['DOC-1'] },
      { name: '工程竣工验收合格率', actual: 98 },
      { name: '项目按期完工率', actual: 95 },
      { name: '生均建设成本', actual: 3.85 },
      { name: '适龄儿童少年入学率', actual: 99.4 },
      { name: '办学条件持续改善', tier: 'partly_achieved' as const, score: 11.5 },
      { name: '学生家长满意度', actual: 92 },
    ],
  };
  const ctx = {
    now: new Date('2026-01-15T02:00:00Z'),
    by: 'dept-user',
    config,
    today: '2026-01-15',
    receivedDocumentIds: new Set(['DOC-1']),
  };
  const claimed = evaluate(project, answers, undefined, ctx);
  const reviewed = review(
    claimed,
    { adjustments: [{ name: '新增学位数', score: 12, reason: '台账与实际不符' }], comments: '核减' },
    { now: new Date('2026-02-01T02:00:00Z'), by: 'f-1', config },
  );

  it('has no reviewed figures before the review', () => {
    const s = selfEvaluationPart(claimed)!;
    expect(s.claimed).toEqual({ executionScore: 8.55, total: 92.23, grade: 'excellent' });
    expect(s.reviewed).toBeNull();
    expect(s.lines.every((l) => l.reviewed === null)).toBe(true);
  });

  it('puts the claimed and the reviewed score of each line side by side, with the reason of a change', () => {
    const s = selfEvaluationPart(reviewed)!;
    expect(s.lines[0]).toMatchObject({ name: 'execution', claimed: 8.55, reviewed: 8.55 });
    expect(s.lines[1]).toEqual({
      name: '新增学位数',
      level1: 'output',
      weight: 15,
      actual: 1080,
      claimed: 13.5,
      reviewed: 12,
      reason: '台账与实际不符',
      supported: true,
      evidenceDocumentIds: ['DOC-1'],
    });
    expect(s.lines[2]).not.toHaveProperty('reason');
    expect(s.reviewed).toMatchObject({ total: 90.73, grade: 'excellent', comments: '核减' });
  });

  it('is null without a self-evaluation', () => {
    expect(selfEvaluationPart(undefined)).toBeNull();
  });
});

const evaluation = (over: Partial<Evaluation> = {}): Evaluation => {
  const report = (score: number, at: string) => ({
    documentId: `DOC-R${score}`,
    score,
    grade: score >= 90 ? ('excellent' as const) : ('good' as const),
    findings: [{ text: '台账齐全', evidenceDocumentIds: ['DOC-E'] }],
    submittedAt: at,
    submittedBy: 'a-1',
    configVersion: 1,
  });
  return {
    id: 'EV-1',
    version: 9,
    projectId: 'P1',
    departmentId: 'D-EDU',
    agencyId: 'A-01',
    fiscalYear: 2025,
    status: 'closed',
    commissionedAt: 't10',
    commissionedOn: '2026-01-10',
    commissionedBy: 'f-1',
    planDocumentId: 'DOC-P',
    planSubmittedAt: 't11',
    planApprovedAt: 't12',
    report: report(91, 't15'),
    returnedReports: [report(85, 't13')],
    reportApprovedAt: 't16',
    reviews: [],
    planReturns: 0,
    reportReturns: 1,
    closedAt: 't17',
    createdAt: 't10',
    updatedAt: 't17',
    ...over,
  };
};

describe('a third-party evaluation', () => {
  it('lists the returned reports before the current one, and marks the approved one', () => {
    const e = evaluationPart({
      evaluation: evaluation(),
      supervision: [
        { id: 'S2', date: '2026-02-01', checked: 'b', findings: '', recordedAt: 't14', recordedBy: 'f' },
        { id: 'S1', date: '2026-01-20', checked: 'a', findings: '', recordedAt: 't14', recordedBy: 'f' },
      ],
      rating: null,
    });
    expect(e.reports.map((r) => [r.score, r.outcome])).toEqual([
      [85, 'returned'],
      [91, 'approved'],
    ]);
    expect(e.supervision.map((s) => s.id)).toEqual(['S1', 'S2']);
    expect(e.plan).toEqual({ documentId: 'DOC-P', submittedAt: 't11', approvedAt: 't12', returns: 0 });
  });

  it('calls a report not yet approved pending', () => {
    const e = evaluationPart({
      evaluation: evaluation({ reportApprovedAt: undefined, status: 'report_submitted' }),
      supervision: [],
      rating: null,
    });
    expect(e.reports.at(-1)!.outcome).toBe('pending');
    expect(e.reportApprovedAt).toBeNull();
  });
});

describe('the timeline', () => {
  const trail = [
    entry('set-goals', '2026-01-02T00:00:00Z', goals('g', '2026-01-02T00:00:00Z')),
    entry('submit', '2026-01-03T00:00:00Z', {}),
    entry(
      'goal-review',
      '2026-01-05T00:00:00Z',
      { goalReviews: [reviewAt('excellent', '2026-01-05T00:00:00Z')] },
      finance,
    ),
  ];
  const p = executingProject();
  const parts = {
    request: {
      departmentId: 'D-EDU',
      fiscalYear: 2026,
      name: 'n',
      kind: 'project' as const,
      isNew: false,
      requestedAmount: 1_000_000,
      exAnteRequired: false,
      configVersion: 1,
      status: 'executing' as const,
      version: 7,
      createdAt: '2026-01-01T00:00:00Z',
    },
    exAnteAssessment: { required: false, assessment: null },
    goals: { approved: true, current: null, versions: goalVersions(trail), reviews: [] },
    budget: {
      initialAmount: 1_000_000,
      approvedAmount: 900_000,
      disbursementPlan: null,
      approvedAt: '2026-01-06T00:00:00Z',
      approvedBy: 'f-1',
      configVersion: 1,
      adjustments: [
        {
          at: '2026-09-01T00:00:00Z',
          by: 'f-1',
          cause: 'clawback' as const,
          clawbackId: 'C1',
          reason: 'r',
          beforeAmount: 1_000_000,
          cutAmount: 100_000,
          afterAmount: 900_000,
        },
      ],
    },
    spend: spendByMonth(p),
    monitoring: {
      latest: null,
      history: {
        items: [
          {
            asOf: '2026-04-30',
            sweepId: 'S-1',
            timeProgress: 0.3333,
            executionRate: 0.1,
            executionIndex: 30,
            executionLight: 'red' as const,
            goalLight: 'none' as const,
            light: 'red' as const,
            goalProgress: null,
            divergence: false,
            spentAmount: 100_000,
            approvedAmount: 1_000_000,
            configVersion: 1,
            recordedAt: '2026-05-01T00:00:00Z',
          },
        ],
      },
      reports: [],
      lastCheckpoint: null,
    },
    rectifications: [],
    clawbacks: [],
    selfEvaluation: null,
    thirdPartyEvaluations: [],
    result: null,
    documents: { items: [] },
    audit: { items: trail },
  };

  it('lists every stage that happened by the moment it was recorded, oldest first', () => {
    expect(timelineOf(parts).map((t) => t.stage)).toEqual([
      'request',
      'goals-saved',
      'submitted',
      'goal-review',
      'budget',
      'monitoring',
      'budget-adjustment',
    ]);
  });

  it('keeps the business day a monitoring point is about', () => {
    expect(timelineOf(parts).find((t) => t.stage === 'monitoring')).toMatchObject({
      at: '2026-05-01T00:00:00Z',
      on: '2026-04-30',
    });
  });

  it('assembles a document its own response schema accepts, unchanged', () => {
    const d = assembleDossier('P1', '2026-11-28T00:00:00Z', parts);
    expect(dossierSchema.parse(d)).toEqual(d);
  });
});

describe('the light history the sweep writes', () => {
  const snapshot: Snapshot = {
    projectId: 'P1',
    departmentId: 'D-EDU',
    fiscalYear: 2026,
    projectName: 'n',
    asOf: '2026-04-30',
    sweepId: 'S-1',
    timeProgress: 0.3333,
    timeProgressBasis: { months: 4, source: 'months' },
    spentAmount: 100_000,
    approvedAmount: 1_000_000,
    executionRate: 0.1,
    executionIndex: 30,
    executionLight: 'red',
    goalLight: 'none',
    light: 'red',
    reportPeriod: null,
    goalProgress: null,
    divergence: false,
    missingReports: [],
    indicators: [],
    configVersion: 1,
    formula: { executionIndex: 'e', indicatorIndex: 'i', bands: 'b' },
  };
  const now = new Date('2026-05-01T00:00:00Z');

  it('keys a point by project and day (a rerun of the day replaces it)', () => {
    expect(lightHistoryItem(snapshot, now)).toMatchObject({
      ...keys.lightHistory('P1', '2026-04-30'),
      executionLight: 'red',
      recordedAt: '2026-05-01T00:00:00.000Z',
    });
  });

  it('goes with each changed snapshot in the sweep’s batch, and not with an unchanged one', () => {
    const result = { snapshot } as Parameters<typeof snapshotBatch>[0][number];
    const out = snapshotBatch([result], new Map(), now);
    expect(out.map((i) => i.sk)).toEqual(['MONITORING', 'LIGHT#2026-04-30']);
    const stored = new Map([[snapshot.projectId, snapshotItem(snapshot).digest as string]]);
    expect(snapshotBatch([result], stored, now)).toEqual([]);
  });
});
