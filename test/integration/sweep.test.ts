// The monitoring sweep against the real local DynamoDB (dynalite with transactions, in process): reruns
// that change nothing, an expenditure racing a sweep, a redelivered department message, and the SQS worker's
// per-message failures. Departments and executing projects are seeded directly through the store.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../infra/local/dynamodb.js';
import { ensureTable, localDynamoClient } from '../../infra/local/table.js';
import { planSweep, runDepartment, runSweepHere } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { Conflict } from '../../shared/domain/errors.js';
import type { Project } from '../../shared/domain/project.js';
import {
  decide,
  type Rectification,
  rectificationRecord,
  respond,
  verify,
  withNotice,
} from '../../shared/domain/rectification.js';
import type { Department } from '../../shared/domain/reference.js';
import { listAudit } from '../../shared/store/audit.js';
import type { Db } from '../../shared/store/db.js';
import type { ChangeContext } from '../../shared/store/entity-store.js';
import { recordExpenditure } from '../../shared/store/expenditures.js';
import {
  addDepartmentCounts,
  clawbacks,
  emptyCounts,
  getSnapshot,
  getSweep,
  rectifications,
} from '../../shared/store/monitoring.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { yuan } from '../support/money.js';
import { educationGoals, executingProject, spentOn } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-11-28T02:00:00.000Z');
const ctx = (now = NOW): ChangeContext => ({ actor: finance, now, requestId: 'req-sweep' });

function department(id: string): Department {
  const at = '2026-01-02T02:00:00.000Z';
  return {
    id,
    name: `Department ${id}`,
    contactEmails: [`${id.toLowerCase()}@example.cn`],
    locale: 'zh-CN',
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** An executing project of 1,000,000.00 budgeted on 2026-01-05, with `spent` yuan dated 2026-03-15. */
const executing = (id: string, departmentId: string, spent: number): Project =>
  executingProject({
    id,
    departmentId,
    name: `项目 ${id}`,
    goals: educationGoals(),
    ...(spent ? spentOn(spent) : {}),
    version: 6,
  });

async function seed(db: Db, layout: Record<string, [string, number][]>): Promise<void> {
  for (const [deptId, list] of Object.entries(layout)) {
    await db.write(departments.createActions(department(deptId), ctx()));
    for (const [id, spent] of list)
      await db.write(projects.createActions(executing(id, deptId, spent), ctx()));
  }
}

const sweepAt = (db: Db, asOf: string) =>
  runSweepHere({ db }, { asOf, trigger: 'request', actor: finance, now: NOW });

/** Every notice of a department, from its partition. */
async function noticesOf(db: Db, departmentId: string): Promise<Rectification[]> {
  const page = await db.query(
    { index: 'gsi1', pk: `DEPT#${departmentId}#RECTS`, limit: 100 },
    rectificationRecord,
  );
  return page.items;
}

/** Answers and verifies a notice the way the routes do: the notice and the project's summary together. */
async function answerAndVerify(db: Db, id: string, result: 'resolved' | 'not_resolved'): Promise<void> {
  for (const step of ['respond', 'verify'] as const) {
    const before = (await rectifications.get(db, id))!;
    const after =
      step === 'respond'
        ? respond(before, { causes: 'late tender', measures: 'tender now' }, 'dept-user', NOW)
        : verify(before, { result }, finance.sub, NOW);
    const project = (await projects.get(db, before.projectId))!;
    await db.write([
      ...rectifications.updateActions(before, after, ctx(), step),
      projects.replaceAction(project, { ...withNotice(project, after), version: project.version + 1 }),
    ]);
  }
}

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('runSweepHere', () => {
  // D-A: red (100,000 → index 20), yellow (350,000 → 70); D-B: green (500,000 → 100). Sweep at June's end.
  const layout = {
    'D-A': [
      ['P2026-RED00001', 100_000],
      ['P2026-YEL00001', 350_000],
    ],
    'D-B': [['P2026-GRN00001', 500_000]],
  } as Record<string, [string, number][]>;

  it('scans every department’s executing projects and counts their execution lights', async () => {
    await seed(db, layout);

    const first = await sweepAt(db, '2026-06-30');

    expect(first).toMatchObject({
      asOf: '2026-06-30',
      fiscalYear: 2026,
      trigger: 'request',
      departments: 2,
      departmentsDone: 2,
      complete: true,
      projectsScanned: 3,
      lights: { none: 0, green: 1, yellow: 1, red: 1 },
      rectificationsIssued: 1,
      clawbacksRecommended: 0,
      snapshotsWritten: 3,
    });
  });

  it('a second sweep for the same asOf issues nothing new and writes no snapshot', async () => {
    await seed(db, layout);
    const first = await sweepAt(db, '2026-06-30');

    const second = await sweepAt(db, '2026-06-30');

    expect(second).toMatchObject({
      projectsScanned: 3,
      lights: { none: 0, green: 1, yellow: 1, red: 1 },
      rectificationsIssued: 0,
      rectificationsOverdue: 0,
      clawbacksRecommended: 0,
      snapshotsWritten: 0,
    });
    expect((await getSnapshot(db, 'P2026-RED00001'))?.sweepId).toBe(first.sweepId);
  });

  it('after two sweeps for the same asOf the red project has exactly one notice', async () => {
    await seed(db, layout);
    await sweepAt(db, '2026-06-30');

    await sweepAt(db, '2026-06-30');

    expect((await noticesOf(db, 'D-A')).map((n) => [n.id, n.status, n.dueOn])).toEqual([
      ['R-P2026-RED00001-execution-2026-06-30', 'open', '2026-07-14'],
    ]);
  });

  it('writes each notice with its audit record and the project’s summary of it', async () => {
    await seed(db, layout);

    await sweepAt(db, '2026-06-30');

    const id = 'R-P2026-RED00001-execution-2026-06-30';
    expect((await projects.get(db, 'P2026-RED00001'))?.rectifications).toEqual({
      [id]: { cause: 'execution', status: 'open', issuedOn: '2026-06-30', dueOn: '2026-07-14' },
    });
    expect((await listAudit(db, id, {})).items.map((a) => a.action)).toEqual(['issue']);
  });

  it('a later sweep past the due date marks the notice overdue and recommends a clawback', async () => {
    await seed(db, layout);
    await sweepAt(db, '2026-06-30');

    const later = await sweepAt(db, '2026-07-31');

    const notice = await rectifications.get(db, 'R-P2026-RED00001-execution-2026-06-30');
    const clawback = await clawbacks.get(db, 'C-P2026-RED00001-2026-07-31');
    expect(later).toMatchObject({
      rectificationsOverdue: 1,
      clawbacksRecommended: 1,
      rectificationsIssued: 0,
    });
    expect(notice?.status).toBe('overdue');
    expect(clawback).toMatchObject({
      status: 'recommended',
      cause: 'rectification:R-P2026-RED00001-execution-2026-06-30',
      recommendedFen: yuan(828_571),
      basis: { approvedAmount: 1_000_000, spent: 100_000, timeProgress: 0.5833, projectedSpend: 171_428.57 },
    });
  });

  it('a rerun for the same asOf after the notice was resolved completes and issues no second notice', async () => {
    await seed(db, layout);
    await sweepAt(db, '2026-06-30');
    await answerAndVerify(db, 'R-P2026-RED00001-execution-2026-06-30', 'resolved');

    const rerun = await sweepAt(db, '2026-06-30');

    expect(rerun).toMatchObject({ complete: true, projectsScanned: 3, rectificationsIssued: 0 });
    expect((await noticesOf(db, 'D-A')).map((n) => n.status)).toEqual(['resolved']);
  });

  it('a rerun at a checkpoint after the first recommendation was decided completes', async () => {
    await seed(db, layout);
    await sweepAt(db, '2026-06-30');
    await sweepAt(db, '2026-08-31'); // the overdue notice brings the first recommendation
    const pending = (await projects.get(db, 'P2026-RED00001'))!.pendingClawbackId!;
    const before = (await clawbacks.get(db, pending))!;
    const project = (await projects.get(db, before.projectId))!;
    const decided = decide(before, project, { decision: 'reject', reason: 'spend planned for Q4' }, 'f', NOW);
    await db.write([
      ...clawbacks.updateActions(before, decided.clawback, ctx(), 'reject'),
      projects.replaceAction(project, decided.project),
    ]);

    const rerun = await sweepAt(db, '2026-08-31');

    const after = (await projects.get(db, 'P2026-RED00001'))!;
    expect(rerun).toMatchObject({ complete: true, clawbacksRecommended: 1 });
    expect(after.clawbackCauses).toEqual([
      'rectification:R-P2026-RED00001-execution-2026-06-30',
      'checkpoint:2026-08-31',
    ]);
    expect(after.pendingClawbackId).toBe('C-P2026-RED00001-2026-08-31-2');
  });
});

describe('an expenditure during a sweep', () => {
  /** The db, with `during` run right after the sweep has read a department's executing projects. */
  function racing(target: Db, during: () => Promise<unknown>): Db {
    let fired = false;
    return new Proxy(target, {
      get(t, prop, receiver) {
        if (prop === 'query') {
          return async (...args: Parameters<Db['query']>) => {
            const page = await t.query(...args);
            if (!fired && args[0].skBeginsWith?.includes('#executing#')) {
              fired = true;
              await during();
            }
            return page;
          };
        }
        // Bound to the proxy, so the store's own paging (`pages` → `query`) goes through the hook too.
        const value = Reflect.get(t, prop, t);
        return typeof value === 'function' ? value.bind(receiver) : value;
      },
    });
  }

  it('is not lost when the sweep then writes a notice for the same project', async () => {
    await seed(db, { 'D-A': [['P2026-RED00002', 100_000]] });
    const spend = () =>
      recordExpenditure(db, ctx(new Date('2026-07-01T02:00:00Z')), 'P2026-RED00002', {
        voucherNo: 'V-RACE-1',
        date: '2026-06-20',
        amount: 5_000,
      });

    const summary = await runSweepHere(
      { db: racing(db, spend) },
      {
        asOf: '2026-06-30',
        trigger: 'request',
        actor: finance,
        now: NOW,
      },
    );

    const project = await projects.get(db, 'P2026-RED00002');
    expect(summary).toMatchObject({ projectsScanned: 1, rectificationsIssued: 1 });
    expect(project).toMatchObject({
      spentFen: yuan(105_000),
      spendByDate: { '2026-03-15': yuan(100_000), '2026-06-20': yuan(5_000) },
      rectifications: {
        'R-P2026-RED00002-execution-2026-06-30': expect.objectContaining({ status: 'open' }),
      },
    });
    expect((await getSnapshot(db, 'P2026-RED00002'))?.spentAmount).toBe(105_000);
  });

  it('racing for real (no hook), the sweep and the expenditure both land', async () => {
    await seed(db, { 'D-A': [['P2026-RED00003', 100_000]] });

    await Promise.all([
      sweepAt(db, '2026-06-30'),
      recordExpenditure(db, ctx(new Date('2026-07-01T02:00:00Z')), 'P2026-RED00003', {
        voucherNo: 'V-RACE-2',
        date: '2026-06-20',
        amount: 5_000,
      }),
    ]);

    const project = await projects.get(db, 'P2026-RED00003');
    expect(project?.spentFen).toBe(yuan(105_000));
    expect(Object.keys(project?.rectifications ?? {})).toEqual(['R-P2026-RED00003-execution-2026-06-30']);
  });
});

describe('a department counted twice (a redelivered worker message)', () => {
  it('addDepartmentCounts refuses the second time with a Conflict', async () => {
    await seed(db, { 'D-A': [['P2026-RED00004', 100_000]] });
    const { sweep } = await planSweep(
      { db },
      {
        asOf: '2026-06-30',
        trigger: 'schedule',
        actor: finance,
        now: NOW,
      },
    );
    const counts = { ...emptyCounts(), projectsScanned: 1 };
    await addDepartmentCounts(db, sweep.sweepId, 'D-A', counts, NOW);

    const again = addDepartmentCounts(db, sweep.sweepId, 'D-A', counts, NOW);

    await expect(again).rejects.toBeInstanceOf(Conflict);
  });

  it('runDepartment twice for the same message counts the department once', async () => {
    await seed(db, { 'D-A': [['P2026-RED00005', 100_000]], 'D-B': [] });
    const { sweep, work } = await planSweep(
      { db },
      {
        asOf: '2026-06-30',
        trigger: 'schedule',
        actor: finance,
        now: NOW,
      },
    );
    const message = work.find((w) => w.departmentId === 'D-A')!;

    await runDepartment({ db }, message, { actor: finance, now: NOW });
    await runDepartment({ db }, message, { actor: finance, now: NOW });

    expect(await getSweep(db, sweep.sweepId)).toMatchObject({
      departments: 2,
      departmentsDone: 1,
      complete: false,
      projectsScanned: 1,
      rectificationsIssued: 1,
      lights: { none: 0, green: 0, yellow: 0, red: 1 },
    });
  });
});

describe('the sweep worker (functions/jobs/sweep-worker.ts)', () => {
  // The worker finds its table as Lambda does: from the environment, through defaultDeps().
  let dynamo: LocalDynamo;
  let workerDb: Db;
  let handler: typeof import('../../functions/jobs/sweep-worker.js').handler;

  beforeAll(async () => {
    dynamo = await startDynamo({});
    const table = 'sweep-worker-test';
    await ensureTable(localDynamoClient(dynamo.endpoint), table);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamo.endpoint);
    vi.stubEnv('TABLE_NAME', table);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    handler = (await import('../../functions/jobs/sweep-worker.js')).handler;
    const { defaultDeps } = await import('../../shared/deps.js');
    workerDb = defaultDeps().db;
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await dynamo?.close();
  });

  const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;

  it('reports a failing message in batchItemFailures and processes the others', async () => {
    await seed(workerDb, { 'D-W1': [['P2026-WRK00001', 100_000]], 'D-W2': [['P2026-WRK00002', 500_000]] });
    const { sweep, work } = await planSweep(
      { db: workerDb },
      {
        asOf: '2026-06-30',
        trigger: 'schedule',
        actor: finance,
        now: NOW,
      },
    );
    const [w1, w2] = ['D-W1', 'D-W2'].map((d) => work.find((w) => w.departmentId === d)!);
    const event = {
      Records: [
        record('m-1', JSON.stringify(w1)),
        record('m-2', '{"not": "a department of a sweep"}'),
        record('m-3', JSON.stringify({ ...w2, configVersion: 99 })), // no such configuration version
        record('m-4', JSON.stringify(w2)),
      ],
    } as SQSEvent;

    const out = await handler(event);

    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    expect(await getSweep(workerDb, sweep.sweepId)).toMatchObject({
      departmentsDone: 2,
      complete: true,
      projectsScanned: 2,
      rectificationsIssued: 1,
    });
    expect((await getSnapshot(workerDb, 'P2026-WRK00001'))?.executionLight).toBe('red');
    expect((await getSnapshot(workerDb, 'P2026-WRK00002'))?.executionLight).toBe('green');
  });
});
