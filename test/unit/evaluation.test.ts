import { describe, expect, it } from 'vitest';
import { Conflict } from '../../shared/domain/errors.js';
import {
  assertUploadAllowed,
  checkRating,
  checkScoreAndGrade,
  checkSupervisionDate,
  type Evaluation,
  type EvaluationEvent,
  type EvaluationStatus,
  evaluationStatuses,
  gradeOf,
  ratingTotal,
  transition,
} from '../../shared/domain/evaluation.js';

const NOW = new Date('2026-11-28T16:30:00Z'); // 2026-11-29 00:30 in Beijing

function evaluation(status: EvaluationStatus = 'plan_pending', extra: Partial<Evaluation> = {}): Evaluation {
  return {
    id: 'EV-1',
    version: 1,
    projectId: 'P2026-A',
    departmentId: 'D-EDU',
    agencyId: 'A-01',
    fiscalYear: 2026,
    status,
    commissionedAt: '2026-11-01T02:00:00.000Z',
    commissionedOn: '2026-11-01',
    commissionedBy: 'fin',
    returnedReports: [],
    reviews: [],
    planReturns: 0,
    reportReturns: 0,
    createdAt: '2026-11-01T02:00:00.000Z',
    updatedAt: '2026-11-01T02:00:00.000Z',
    ...extra,
  };
}

const report = { documentId: 'DOC-R', score: 85, grade: 'good' as const, findings: [], configVersion: 1 };
const events: Record<string, EvaluationEvent> = {
  plan_received: { type: 'plan_received', documentId: 'DOC-P' },
  plan_review: { type: 'plan_review', decision: 'approve' },
  report_submitted: { type: 'report_submitted', report },
  report_review: { type: 'report_review', decision: 'approve' },
  rated: { type: 'rated', total: 90 },
};
const allowedIn: Record<string, EvaluationStatus> = {
  plan_received: 'plan_pending',
  plan_review: 'plan_submitted',
  report_submitted: 'plan_approved',
  report_review: 'report_submitted',
  rated: 'report_approved',
};

describe('the evaluation lifecycle', () => {
  it('walks plan_pending → plan_submitted → plan_approved → report_submitted → report_approved → closed', () => {
    let e = evaluation();
    e = transition(e, events.plan_received!, NOW, 'agency-user');
    expect(e).toMatchObject({ status: 'plan_submitted', planDocumentId: 'DOC-P', version: 2 });
    e = transition(e, { type: 'plan_review', decision: 'approve', comments: 'ok' }, NOW, 'fin');
    expect(e).toMatchObject({ status: 'plan_approved', planApprovedAt: NOW.toISOString(), version: 3 });
    expect(e.reviews).toEqual([
      {
        stage: 'plan',
        decision: 'approve',
        comments: 'ok',
        at: NOW.toISOString(),
        by: 'fin',
        documentId: 'DOC-P',
      },
    ]);
    e = transition(e, events.report_submitted!, NOW, 'agency-user');
    expect(e.status).toBe('report_submitted');
    expect(e.report).toMatchObject({ ...report, submittedBy: 'agency-user' });
    e = transition(e, events.report_review!, NOW, 'fin');
    // approved on the Beijing business date, not the UTC one
    expect(e).toMatchObject({ status: 'report_approved', reportApprovedOn: '2026-11-29' });
    e = transition(e, events.rated!, NOW, 'fin');
    expect(e).toMatchObject({ status: 'closed', ratingTotal: 90, version: 6 });
  });

  it('a returned plan goes back to plan_pending, counted, without its document', () => {
    const e = transition(
      evaluation('plan_submitted', { planDocumentId: 'DOC-P' }),
      { type: 'plan_review', decision: 'return', comments: '样本量不足' },
      NOW,
      'fin',
    );
    expect(e).toMatchObject({ status: 'plan_pending', planReturns: 1, planDocumentId: undefined });
    expect(e.reviews[0]).toMatchObject({ decision: 'return', documentId: 'DOC-P' });
  });

  it('a returned report goes back to plan_approved, counted, and is kept among the returned ones', () => {
    const submitted = { ...report, submittedAt: 'x', submittedBy: 'a' };
    const e = transition(
      evaluation('report_submitted', { report: submitted }),
      { type: 'report_review', decision: 'return' },
      NOW,
      'fin',
    );
    expect(e).toMatchObject({ status: 'plan_approved', reportReturns: 1, report: undefined });
    expect(e.returnedReports).toEqual([submitted]);
  });

  it.each(Object.keys(events))('%s is refused (409) in every state but its own', (type) => {
    for (const status of evaluationStatuses) {
      const run = () => transition(evaluation(status), events[type]!, NOW, 'x');
      if (status === allowedIn[type]) expect(run).not.toThrow();
      else expect(run).toThrow(Conflict);
    }
  });
});

describe('upload links by state', () => {
  it('a plan only while it is due; a report or evidence only from the plan’s approval until closed', () => {
    const allowed = (status: EvaluationStatus, kind: 'plan' | 'report' | 'evidence') => {
      try {
        assertUploadAllowed(evaluation(status), kind);
        return true;
      } catch (err) {
        expect(err).toBeInstanceOf(Conflict);
        return false;
      }
    };
    expect(evaluationStatuses.filter((s) => allowed(s, 'plan'))).toEqual(['plan_pending']);
    for (const kind of ['report', 'evidence'] as const) {
      expect(evaluationStatuses.filter((s) => allowed(s, kind))).toEqual([
        'plan_approved',
        'report_submitted',
        'report_approved',
      ]);
    }
  });
});

describe('score and grade', () => {
  it.each([
    [100, 'excellent'],
    [90, 'excellent'],
    [89.99, 'good'],
    [80, 'good'],
    [79.99, 'fair'],
    [60, 'fair'],
    [59.99, 'poor'],
    [0, 'poor'],
  ] as const)('%s is %s', (score, grade) => {
    expect(gradeOf(score)).toBe(grade);
    expect(checkScoreAndGrade(score, grade)).toEqual([]);
  });

  it('a grade from another band is refused on `grade`', () => {
    expect(checkScoreAndGrade(89.99, 'excellent')).toEqual([
      { path: 'grade', message: expect.stringContaining('good') },
    ]);
    expect(checkScoreAndGrade(60, 'poor')).toEqual([{ path: 'grade', message: expect.any(String) }]);
  });

  it('a score outside 0–100 or with more than two decimals is refused on `score`', () => {
    for (const score of [-0.01, 100.01, Number.NaN, 85.123]) {
      expect(checkScoreAndGrade(score, 'good').map((e) => e.path)).toEqual(['score']);
    }
  });

  it('follows configured bands', () => {
    expect(gradeOf(85, { excellent: 85, good: 75, fair: 50 })).toBe('excellent');
    expect(gradeOf(49.99, { excellent: 85, good: 75, fair: 50 })).toBe('poor');
  });
});

describe('the agency rating sheet', () => {
  const full = { expertise: 15, stability: 15, diligence: 20, accuracy: 25, conclusions: 25 };

  it('full marks are 100: 30 before, 20 during, 50 after', () => {
    expect(checkRating(full)).toEqual([]);
    expect(ratingTotal(full)).toEqual({ total: 100, parts: { before: 30, during: 20, after: 50 } });
    const zero = { expertise: 0, stability: 0, diligence: 0, accuracy: 0, conclusions: 0 };
    expect(checkRating(zero)).toEqual([]);
    expect(ratingTotal(zero).total).toBe(0);
  });

  it('each item is bounded by its points', () => {
    const over = { expertise: 15.01, stability: 16, diligence: 20.5, accuracy: 26, conclusions: -1 };
    expect(checkRating(over).map((e) => e.path)).toEqual([
      'scores.expertise',
      'scores.stability',
      'scores.diligence',
      'scores.accuracy',
      'scores.conclusions',
    ]);
    expect(checkRating({ ...full, accuracy: 12.345 })).toEqual([
      { path: 'scores.accuracy', message: expect.stringContaining('two decimals') },
    ]);
  });

  it('adds decimals exactly', () => {
    expect(
      ratingTotal({ expertise: 12.1, stability: 13.2, diligence: 17.3, accuracy: 20.1, conclusions: 21.2 })
        .total,
    ).toBe(83.9);
  });
});

describe('supervision dates', () => {
  it('from the commissioning day to today, both included', () => {
    expect(checkSupervisionDate('2026-11-01', '2026-11-01', '2026-11-28')).toEqual([]);
    expect(checkSupervisionDate('2026-11-28', '2026-11-01', '2026-11-28')).toEqual([]);
    expect(checkSupervisionDate('2026-10-31', '2026-11-01', '2026-11-28')[0]?.path).toBe('date');
    expect(checkSupervisionDate('2026-11-29', '2026-11-01', '2026-11-28')[0]?.message).toMatch(/after today/);
  });
});
