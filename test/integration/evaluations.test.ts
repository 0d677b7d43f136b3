// Integration tier, third-party evaluation against dynalite with transactions: a plan's arrival moves its
// evaluation once, audited, idempotent on a redelivery, and only while a plan is due; two commissionings of
// one project at the same moment leave one open evaluation; the scorecard and the evidence view read the
// self-evaluation record (issue 9's) on the project's partition.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commission, planArrived, projectEvidence, scorecard } from '../../shared/app/evaluations.js';
import type { DocumentRecord } from '../../shared/domain/document.js';
import type { Evaluation } from '../../shared/domain/evaluation.js';
import { listAudit } from '../../shared/store/audit.js';
import type { Db } from '../../shared/store/db.js';
import { documents } from '../../shared/store/documents.js';
import { evaluations, projectEvaluations } from '../../shared/store/evaluations.js';
import { keys } from '../../shared/store/keys.js';
import { projects } from '../../shared/store/projects.js';
import { agencies } from '../../shared/store/reference.js';
import { executingProject } from '../support/projects.js';
import { type LocalDb, startLocalDb } from './local-db.js';

let local: LocalDb;
beforeAll(async () => {
  local = await startLocalDb();
});
afterAll(() => local?.close());

const at = '2026-11-01T02:00:00.000Z';
const ctx = { actor: { sub: 'fin', role: 'finance' as const }, now: new Date(at) };

function evaluation(id: string): Evaluation {
  return {
    id,
    version: 1,
    projectId: 'P2026-A',
    departmentId: 'D-EDU',
    agencyId: 'A-01',
    fiscalYear: 2026,
    status: 'plan_pending',
    commissionedAt: at,
    commissionedOn: '2026-11-01',
    commissionedBy: 'fin',
    returnedReports: [],
    reviews: [],
    planReturns: 0,
    reportReturns: 0,
    createdAt: at,
    updatedAt: at,
  };
}

function doc(id: string, evaluationId: string, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    version: 2,
    ownerType: 'agency',
    agencyId: 'A-01',
    projectId: 'P2026-A',
    evaluationId,
    kind: 'plan',
    fileName: 'plan.pdf',
    key: `uploads/${id}/plan.pdf`,
    contentType: 'application/pdf',
    size: 10,
    status: 'received',
    sha256: 'a'.repeat(64),
    createdAt: at,
    createdBy: 'agency-user',
    ...extra,
  };
}

async function withEvaluation(id: string): Promise<Db> {
  const db = await local.freshDb();
  await db.write(evaluations.createActions(evaluation(id), ctx, 'commission'));
  return db;
}

const deps = (db: Db) => ({ db, now: () => new Date('2026-11-02T03:00:00Z') });

describe('a plan arriving', () => {
  it('moves the evaluation to plan_submitted once, with its audit record; a redelivery changes nothing', async () => {
    const db = await withEvaluation('EV-1');
    const plan = doc('DOC-P1', 'EV-1');

    const first = await planArrived(deps(db), plan, 'req-1');
    const again = await planArrived(deps(db), plan, 'req-2');

    expect(first).toMatchObject({
      outcome: 'submitted',
      evaluation: { status: 'plan_submitted', version: 2 },
    });
    expect(again.outcome).toBe('unchanged');
    expect(await evaluations.get(db, 'EV-1')).toMatchObject({
      status: 'plan_submitted',
      planDocumentId: 'DOC-P1',
      planSubmittedAt: '2026-11-02T03:00:00.000Z',
      version: 2,
    });
    const audit = await listAudit(db, 'EV-1', {});
    expect(audit.items.map((r) => [r.action, r.requestId])).toEqual([
      ['commission', undefined],
      ['plan-received', 'req-1'],
    ]);
  });

  it('two deliveries at the same moment still move it once', async () => {
    const db = await withEvaluation('EV-2');
    const plan = doc('DOC-P2', 'EV-2');
    const outcomes = await Promise.all([planArrived(deps(db), plan), planArrived(deps(db), plan)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['submitted', 'unchanged']);
    expect((await listAudit(db, 'EV-2', {})).items).toHaveLength(2);
  });

  it('a second plan when one is in already, a rejected plan, a report or an import leave the evaluation alone', async () => {
    const db = await withEvaluation('EV-3');
    await planArrived(deps(db), doc('DOC-A', 'EV-3'));

    expect((await planArrived(deps(db), doc('DOC-B', 'EV-3'))).outcome).toBe('not-due');
    expect((await planArrived(deps(db), doc('DOC-C', 'EV-3', { status: 'rejected' }))).outcome).toBe(
      'not-a-plan',
    );
    expect((await planArrived(deps(db), doc('DOC-D', 'EV-3', { kind: 'report' }))).outcome).toBe(
      'not-a-plan',
    );
    expect(
      (
        await planArrived(
          deps(db),
          doc('DOC-E', 'EV-3', { kind: 'expenditure-import', evaluationId: undefined }),
        )
      ).outcome,
    ).toBe('not-a-plan');
    expect((await planArrived(deps(db), doc('DOC-F', 'EV-NONE'))).outcome).toBe('not-due');
    expect(await evaluations.get(db, 'EV-3')).toMatchObject({ planDocumentId: 'DOC-A', version: 2 });
  });
});

describe('commissioning', () => {
  it('two commissionings of one project at the same moment: one succeeds, the other is a 409', async () => {
    const db = await local.freshDb();
    const project = executingProject({ id: 'P2026-RACE' });
    await db.write(projects.createActions(project, ctx));
    for (const id of ['A-01', 'A-02']) {
      const agency = {
        id,
        name: id,
        contactEmails: [`${id}@x.cn`],
        conflictDepartmentIds: [],
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      await db.write(agencies.createActions(agency, ctx));
    }
    const results = await Promise.allSettled(
      ['A-01', 'A-02'].map((agencyId) =>
        commission({ db }, ctx, { projectId: project.id, agencyId }, 'http://x'),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ status: 409 });
    expect(await projectEvaluations(db, project.id)).toHaveLength(1);
  });
});

describe('reading the self-evaluation (the record issue 9 writes on PROJECT#<id> / SELFEVAL)', () => {
  it('the scorecard compares approved scores with reviewed totals; the evidence shows the claimed documents', async () => {
    const db = await local.freshDb();
    const project = executingProject({
      id: 'P2026-SELF',
      goals: {
        overallGoal: 'g',
        indicators: [
          {
            level1: 'output',
            level2: 'quantity',
            name: '新增学位',
            operator: '>=',
            target: 1200,
            unit: '个',
            weight: 50,
          },
          {
            level1: 'benefit',
            level2: 'social',
            name: '入学率',
            operator: '>=',
            target: 95,
            unit: '%',
            weight: 30,
          },
        ],
        warnings: [],
        savedAt: at,
        configVersion: 1,
      },
    } as never);
    await db.write(projects.createActions(project, ctx));
    const agency = {
      id: 'A-09',
      name: 'A',
      contactEmails: ['a@x.cn'],
      conflictDepartmentIds: [],
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    await db.write(agencies.createActions(agency, ctx));
    const approved: Evaluation = {
      ...evaluation('EV-S'),
      projectId: project.id,
      agencyId: 'A-09',
      status: 'report_approved',
      reportApprovedAt: '2026-11-20T02:00:00.000Z',
      reportApprovedOn: '2026-11-20',
      report: {
        documentId: 'DOC-R',
        score: 86.5,
        grade: 'good',
        findings: [],
        submittedAt: at,
        submittedBy: 'a',
        configVersion: 1,
      },
    };
    await db.write(evaluations.createActions(approved, ctx));
    await db.write(
      documents.createActions(
        doc('DOC-SE', 'none', {
          kind: 'evidence',
          evaluationId: undefined,
          ownerType: 'department',
          departmentId: 'D-EDU',
          projectId: project.id,
        }),
        ctx,
      ),
    );
    // the self-evaluation's record, as issue 9 stores it (only some of its fields are read here)
    await db.put({
      ...keys.selfEvaluation(project.id),
      type: 'self-evaluation',
      projectId: project.id,
      departmentId: 'D-EDU',
      fiscalYear: 2026,
      status: 'reviewed',
      claimed: {
        executionScore: 1000,
        total: 9200,
        grade: 'excellent',
        indicators: [
          { name: '新增学位', score: 5000, weight: 50, evidenceDocumentIds: ['DOC-SE'], supported: true },
        ],
      },
      reviewed: { total: 8300, grade: 'good', indicators: [], adjustments: [] },
    });

    const card = await scorecard(db, 'A-09');
    const evidence = await projectEvidence(db, project);

    expect(card.selfEvaluationGap).toEqual({ comparedProjects: 1, meanSignedGap: 3.5, meanAbsoluteGap: 3.5 });
    expect(evidence.sources).toEqual({ thirdParty: true, selfEvaluation: true });
    expect(evidence.indicators).toEqual([
      expect.objectContaining({
        name: '新增学位',
        supported: true,
        selfEvaluation: {
          documents: [
            expect.objectContaining({ documentId: 'DOC-SE', sha256: 'a'.repeat(64), status: 'received' }),
          ],
        },
      }),
      expect.objectContaining({ name: '入学率', supported: false, selfEvaluation: { documents: [] } }),
    ]);
    expect(evidence.unsupported).toEqual(['入学率']);
  });
});
