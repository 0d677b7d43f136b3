import { describe, expect, it } from 'vitest';
import { rankCandidates, scorecardOf, seededIndex } from '../../shared/domain/agency-scorecard.js';
import type { Evaluation } from '../../shared/domain/evaluation.js';
import { renderEvaluationDue } from '../../shared/mail/evaluation-due.js';

function evaluation(extra: Partial<Evaluation>): Evaluation {
  return {
    id: 'EV-1',
    version: 1,
    projectId: 'P1',
    departmentId: 'D-EDU',
    agencyId: 'A-01',
    fiscalYear: 2026,
    status: 'plan_pending',
    commissionedAt: '2026-03-01T02:00:00.000Z',
    commissionedOn: '2026-03-01',
    commissionedBy: 'fin',
    returnedReports: [],
    reviews: [],
    planReturns: 0,
    reportReturns: 0,
    createdAt: '2026-03-01T02:00:00.000Z',
    updatedAt: '2026-03-01T02:00:00.000Z',
    ...extra,
  };
}
const review = (stage: 'plan' | 'report', decision: 'approve' | 'return') => ({
  stage,
  decision,
  at: 'x',
  by: 'fin',
  documentId: 'DOC',
});
const report = (score: number) => ({
  documentId: 'DOC-R',
  score,
  grade: 'good' as const,
  findings: [],
  submittedAt: 'x',
  submittedBy: 'a',
  configVersion: 1,
});

describe('an agency scorecard', () => {
  const closed = evaluation({
    id: 'EV-1',
    projectId: 'P1',
    status: 'closed',
    commissionedOn: '2026-03-01',
    reportApprovedOn: '2026-03-31',
    reportApprovedAt: '2026-03-31T02:00:00Z',
    report: report(86),
    planReturns: 1,
    reportReturns: 1,
    reviews: [
      review('plan', 'return'),
      review('plan', 'approve'),
      review('report', 'return'),
      review('report', 'approve'),
    ],
  });
  const approved = evaluation({
    id: 'EV-2',
    projectId: 'P2',
    status: 'report_approved',
    commissionedOn: '2026-02-27',
    reportApprovedOn: '2026-03-01', // across the end of February: 2 days
    reportApprovedAt: '2026-03-01T02:00:00Z',
    report: report(70),
    reviews: [review('plan', 'approve'), review('report', 'approve')],
  });
  const open = evaluation({
    id: 'EV-3',
    projectId: 'P3',
    status: 'plan_approved',
    reviews: [review('plan', 'approve')],
  });

  it('averages ratings, counts days to the approved report, and returns per review', () => {
    const card = scorecardOf(
      'A-01',
      [closed, approved, open],
      [
        { evaluationId: 'EV-1', total: 89.5 },
        { evaluationId: 'EV-2', total: 70.25 },
      ],
      undefined,
    );
    expect(card).toEqual({
      agencyId: 'A-01',
      evaluations: 3,
      open: 1,
      ratings: { count: 2, average: 79.88 },
      timeliness: { approvedReports: 2, averageDays: 16, minDays: 2, maxDays: 30 },
      returns: { plans: 1, reports: 1, planReturnRate: 0.25, reportReturnRate: 0.33 },
      selfEvaluationGap: { comparedProjects: 0, meanSignedGap: null, meanAbsoluteGap: null },
    });
  });

  it('compares approved scores with the reviewed self-evaluation of the same projects, where known', () => {
    const self = new Map([
      ['P1', 90],
      ['P2', 65],
      ['P3', 50], // no approved report: not compared
    ]);
    const card = scorecardOf('A-01', [closed, approved, open], [], self);
    expect(card.selfEvaluationGap).toEqual({ comparedProjects: 2, meanSignedGap: 0.5, meanAbsoluteGap: 4.5 });
  });

  it('has no averages before any work is done', () => {
    const card = scorecardOf('A-02', [], [], undefined, 'no data');
    expect(card.ratings.average).toBeNull();
    expect(card.timeliness.averageDays).toBeNull();
    expect(card.returns.planReturnRate).toBeNull();
    expect(card.selfEvaluationGap.note).toBe('no data');
  });
});

describe('choosing among candidates', () => {
  it('ranks by rating (unrated last), then lighter workload, then id', () => {
    const ranked = rankCandidates([
      { agencyId: 'A-3', openWorkload: 0, averageRating: null },
      { agencyId: 'A-2', openWorkload: 2, averageRating: 90 },
      { agencyId: 'A-1', openWorkload: 1, averageRating: 90 },
      { agencyId: 'A-4', openWorkload: 0, averageRating: 60 },
      { agencyId: 'A-0', openWorkload: 1, averageRating: 90 },
    ]);
    expect(ranked.map((r) => r.agencyId)).toEqual(['A-0', 'A-1', 'A-2', 'A-4', 'A-3']);
  });

  it('a seeded pick is repeatable, within range, and spreads over the candidates', () => {
    expect(seededIndex('lot-2026', 3)).toBe(seededIndex('lot-2026', 3));
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const k = seededIndex(`seed-${i}`, 3);
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThan(3);
      seen.add(k);
    }
    expect(seen).toEqual(new Set([0, 1, 2]));
    expect(seededIndex('anything', 1)).toBe(0);
    expect(() => seededIndex('x', 0)).toThrow();
  });
});

describe('the "due" mail to an agency', () => {
  const input = {
    evaluationId: 'EV-1',
    projectId: 'P2026-A',
    projectName: '智慧<校园>',
    agencyName: '某评估公司',
    apiBaseUrl: 'https://api.example.gov.cn',
    generatedAt: new Date('2026-11-28T01:00:00Z'),
  };

  it('says what is due and how to request the upload link, zh-CN first and English, in Beijing time', () => {
    const plan = renderEvaluationDue({ ...input, due: 'plan' });
    expect(plan.subject).toBe(
      '【第三方评价】请上传评价方案：智慧<校园>（P2026-A） · Please upload the evaluation plan',
    );
    expect(plan.text).toContain('POST https://api.example.gov.cn/v1/evaluations/EV-1/upload-links');
    expect(plan.text).toContain('"kind":"plan"');
    expect(plan.text).toContain('2026-11-28 09:00');
    expect(plan.text.indexOf('贵机构')).toBeLessThan(plan.text.indexOf('To 某评估公司'));
    expect(plan.html).toContain('智慧&lt;校园&gt;');
    expect(plan.html).not.toContain('智慧<校园>');
    const report = renderEvaluationDue({ ...input, due: 'report' });
    expect(report.subject).toContain('评价报告');
    expect(report.text).toContain('report | evidence');
  });
});
