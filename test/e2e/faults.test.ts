// The faults tier (issue 11, item 7): the whole system killed with SIGKILL in the middle of a treasury CSV
// import, and in the middle of a monitoring sweep, started again on its data folder, and the work rerun →
// nothing lost, nothing doubled. Systems of their own (./processes.ts) on temporary data folders, driven over
// HTTP as a department and the bureau do (the sweep's projects are seeded straight into the system's table,
// and its results read from there too: two thousand projects through the API would take minutes).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys, signToken } from '../../infra/local/idp.js';
import { TABLE_NAME } from '../../infra/local/system.js';
import { localDynamoClient } from '../../infra/local/table.js';
import { INTERRUPTED } from '../../shared/app/sweep.js';
import type { Project } from '../../shared/domain/project.js';
import { rectificationRecord } from '../../shared/domain/rectification.js';
import { Db } from '../../shared/store/db.js';
import { keys } from '../../shared/store/keys.js';
import {
  clawbacksWithStatus,
  departmentSnapshots,
  lightHistoryPage,
  type SweepProgress,
} from '../../shared/store/monitoring.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { educationGoals, executingProject as projectRecord, spentOn } from '../support/projects.js';
import { type LocalSystem, queueDir, startLocal } from './processes.js';
import { api } from './support.js';
import { SYSTEM_TODAY } from './today.js';

const YEAR = Number(SYSTEM_TODAY.slice(0, 4));
const PROJECTS = 4;
const ROWS = 4000; // 1,000 a project: 12 chunks each, a few seconds of work to cut into

interface ImportJson {
  status: string;
  progress: { rows: number; processed: number };
  counts: { rows: number; accepted: number; skipped: number; refused: number };
}

let dir: string;
let system: LocalSystem | undefined;
afterAll(async () => {
  await system?.stop('SIGKILL').catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const url = (p: string) => `${system!.runtime.api}${p}`;

function ok(res: { status: number; text: string; json: unknown }, status = 200) {
  expect(res.status, res.text).toBe(status);
  return res.json as Record<string, unknown> & { id: string; status: string };
}

async function executingProject(bearer: string, finance: string, goalSet: unknown[]) {
  const p = ok(
    await api(url('/v1/projects'), {
      token: bearer,
      body: {
        fiscalYear: YEAR,
        name: '农村饮水安全',
        kind: 'project',
        isNew: true,
        requestedAmount: 1_000_000,
        category: 'education',
      },
    }),
    201,
  );
  ok(
    await api(url(`/v1/projects/${p.id}/goals`), {
      method: 'PUT',
      token: bearer,
      body: { overallGoal: '完成智慧教室建设', indicators: goalSet },
    }),
  );
  ok(await api(url(`/v1/projects/${p.id}/submit`), { method: 'POST', token: bearer }));
  ok(await api(url(`/v1/projects/${p.id}/goal-review`), { token: finance, body: { grade: 'excellent' } }));
  ok(await api(url(`/v1/projects/${p.id}/budget`), { token: finance, body: { approvedAmount: 1_000_000 } }));
  return p.id;
}

async function startImport(bearer: string, body: Buffer): Promise<string> {
  const link = ok(
    await api(url('/v1/expenditure-imports'), {
      token: bearer,
      body: { fileName: '国库支付明细.csv', size: body.length },
    }),
    201,
  ) as unknown as { importId: string; url: string; fields: Record<string, string> };
  const form = new FormData();
  for (const [k, v] of Object.entries(link.fields)) form.append(k, v);
  form.append('file', new Blob([body], { type: 'text/csv' }), 'treasury.csv');
  const res = await fetch(link.url, { method: 'POST', body: form, redirect: 'manual' });
  await res.arrayBuffer();
  expect(res.status).toBeLessThan(400);
  return link.importId;
}

const progress = async (bearer: string, id: string) =>
  (await api<ImportJson>(url(`/v1/expenditure-imports/${id}`), { token: bearer })).json;

async function finished(bearer: string, id: string): Promise<ImportJson> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const p = await progress(bearer, id);
    if (p.status === 'done' || p.status === 'failed') return p;
    if (Date.now() > deadline) throw new Error(`import ${id} still ${p.status}: ${JSON.stringify(p)}`);
    await sleep(100);
  }
}

/** Every expenditure of a project (all pages) and its cumulative amount. */
async function spendOf(bearer: string, projectId: string) {
  const vouchers: string[] = [];
  let cumulative = 0;
  let next: string | undefined;
  do {
    const res = await api(
      url(
        `/v1/projects/${projectId}/expenditures?limit=100${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`,
      ),
      { token: bearer },
    );
    expect(res.status, res.text).toBe(200);
    vouchers.push(...res.json.items.map((e: { voucherNo: string }) => e.voucherNo));
    cumulative = res.json.cumulativeAmount;
    next = res.json.nextToken;
  } while (next);
  return { vouchers, cumulative };
}

describe('the system killed in the middle of an import', () => {
  let finance: string;
  let department: string;
  const projectIds: string[] = [];
  let csv: Buffer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bp-faults-'));
    system = await startLocal(dir);
    const keys = await loadOrCreateKeys(dir);
    finance = await signToken(keys, system.runtime.issuer, { role: 'finance' });
    const deptId = `D-FAULT-${Date.now().toString(36)}`.toUpperCase();
    ok(
      await api(url('/v1/departments'), {
        token: finance,
        body: { id: deptId, name: '区水务局', contactEmails: ['shuiwu@example.gov.cn'] },
      }),
      201,
    );
    department = await signToken(keys, system.runtime.issuer, { role: 'department', departmentId: deptId });
    const templates = ok(await api(url('/v1/indicator-templates?category=education'), { token: finance }));
    const goalSet = (templates.goalSet as { indicators: unknown[] }).indicators;
    for (let i = 0; i < PROJECTS; i++) projectIds.push(await executingProject(department, finance, goalSet));
    const lines = ['voucherNo,projectId,date,amount,note'];
    for (let i = 0; i < ROWS; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      lines.push(`K${i},${projectIds[i % PROJECTS]},${YEAR}-03-${day},${(i % 250) + 1}.5,"凭证 ${i}"`);
    }
    csv = Buffer.from(lines.join('\r\n'));
  }, 60_000);

  it('finishes after the restart and a rerun, every row counted once and no voucher twice', async () => {
    const importId = await startImport(department, csv);
    let seen: ImportJson | undefined;
    for (let i = 0; i < 400; i++) {
      seen = await progress(department, importId);
      if (seen.status !== 'awaiting_upload' && seen.progress.processed >= 270) break; // 3 chunks in
      await sleep(25);
    }
    const cutAt = seen!.progress.processed;

    await system!.stop('SIGKILL');

    expect(seen!.status, 'the import finished before it could be cut').toBe('processing');
    expect(cutAt).toBeGreaterThan(0);
    expect(cutAt).toBeLessThan(ROWS);
    // Its storage event was not finished: it is still in the queue of the data folder.
    expect(await readdir(queueDir(dir))).toHaveLength(1);

    system = await startLocal(dir); // the tokens stay valid: same keys, same issuer
    const first = await finished(department, importId);
    const rerunId = await startImport(department, csv);
    const rerun = await finished(department, rerunId);

    console.log(`[faults] cut at ${cutAt} of ${ROWS} rows; finished after the restart`);
    expect(first).toMatchObject({
      status: 'done',
      progress: { rows: ROWS, processed: ROWS },
      counts: { rows: ROWS, accepted: ROWS, skipped: 0, refused: 0 },
    });
    expect(rerun).toMatchObject({
      status: 'done',
      counts: { rows: ROWS, accepted: 0, skipped: ROWS, refused: 0 },
    });
    for (const [k, id] of projectIds.entries()) {
      const rows = Array.from({ length: ROWS / PROJECTS }, (_, j) => j * PROJECTS + k);
      const expectedFen = rows.reduce((sum, i) => sum + ((i % 250) + 1) * 100 + 50, 0);
      const spend = await spendOf(department, id);
      expect(spend.vouchers.sort(), id).toEqual(rows.map((i) => `K${i}`).sort());
      expect(Math.round(spend.cumulative * 100), id).toBe(expectedFen);
    }
    expect(await readdir(queueDir(dir))).toEqual([]);
    expect((await system!.stop('SIGTERM')).code).toBe(0);
    system = undefined;
  }, 60_000);
});

// ---------------------------------------------------------------- a sweep cut by SIGKILL

const SWEEP_DEPARTMENTS = 8;
const PER_DEPARTMENT = 160; // 1,280 projects: a sweep of a few seconds locally, 4 departments at a time
const AS_OF = `${YEAR}-08-31`; // a checkpoint from August on: a red project gets a notice and a clawback
const SEEDED_AT = `${YEAR}-01-02T02:00:00.000Z`;

/** Project n of a department: every other one red at the end of August (10 % spent), the rest green (70 %). */
const red = (n: number) => n % 2 === 0;
const seededProject = (departmentId: string, n: number): Project =>
  projectRecord({
    id: `P${YEAR}-${departmentId.slice(2)}${String(n).padStart(4, '0')}`,
    departmentId,
    fiscalYear: YEAR,
    name: `项目 ${n}`,
    goals: educationGoals(),
    ...spentOn(red(n) ? 100_000 : 700_000, `${YEAR}-03-15`),
  });

/** A Db on the table of a running local system, from this process (as the bench and the jobs reach it). */
function tableOf(s: LocalSystem): { db: Db; close(): void } {
  const client = localDynamoClient(s.runtime.dynamodb as string);
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return { db: new Db(doc, TABLE_NAME), close: () => client.destroy() };
}

describe('the system killed in the middle of a sweep', () => {
  let sweepDir: string;
  let sweepSystem: LocalSystem | undefined;
  let finance: string;
  const deptIds = Array.from({ length: SWEEP_DEPARTMENTS }, (_, d) => `D-S${d}`);
  const on = (p: string) => `${sweepSystem!.runtime.api}${p}`;

  afterAll(async () => {
    await sweepSystem?.stop('SIGKILL').catch(() => undefined);
    if (sweepDir) await rm(sweepDir, { recursive: true, force: true });
  });

  beforeAll(async () => {
    sweepDir = await mkdtemp(path.join(tmpdir(), 'bp-faults-sweep-'));
    sweepSystem = await startLocal(sweepDir);
    finance = await signToken(await loadOrCreateKeys(sweepDir), sweepSystem.runtime.issuer, {
      role: 'finance',
    });
    const table = tableOf(sweepSystem);
    try {
      for (const id of deptIds) {
        await table.db.batchPut(
          [
            departments.toItem({
              id,
              name: `部门 ${id}`,
              contactEmails: [`${id.toLowerCase()}@example.gov.cn`],
              locale: 'zh-CN',
              version: 1,
              createdAt: SEEDED_AT,
              updatedAt: SEEDED_AT,
            }),
            ...Array.from({ length: PER_DEPARTMENT }, (_, n) => projects.toItem(seededProject(id, n))),
          ],
          { concurrency: 4 },
        );
      }
    } finally {
      table.close();
    }
  }, 60_000);

  const sweeps = async () => {
    const res = await api(on('/v1/monitoring/sweeps?limit=10'), { token: finance });
    expect(res.status, res.text).toBe(200);
    return res.json.items as SweepProgress[];
  };
  const progressOf = async (id: string) => {
    const res = await api<SweepProgress>(on(`/v1/monitoring/sweeps/${id}`), { token: finance });
    expect(res.status, res.text).toBe(200);
    return res.json;
  };
  /** POST a sweep and follow it to its end (a 200 at once, or a 202 and its progress). */
  async function sweepToEnd(): Promise<SweepProgress> {
    const res = await api(on('/v1/monitoring/sweeps'), { token: finance, body: { asOf: AS_OF } });
    expect([200, 202], res.text).toContain(res.status);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const p = await progressOf(res.json.sweepId);
      if (p.complete || p.incompleteDepartments.length === p.failures.length) return p;
      if (Date.now() > deadline) throw new Error(`sweep still running: ${JSON.stringify(p)}`);
      await sleep(200);
    }
  }

  it('summary names the cut departments; the next run completes them, every department once, nothing twice', async () => {
    const started = Date.now();
    // The request's connection dies with the system: its answer is never read.
    const cutRequest = api(on('/v1/monitoring/sweeps'), { token: finance, body: { asOf: AS_OF } }).catch(
      () => undefined,
    );
    let seen: SweepProgress | undefined;
    for (let i = 0; i < 600; i++) {
      [seen] = await sweeps();
      if (seen && seen.departmentsDone >= 2) break; // a first round of departments in, the next under way
      await sleep(20);
    }
    await sweepSystem!.stop('SIGKILL');
    await cutRequest;
    const cutAfterMs = Date.now() - started;

    expect(seen, 'no sweep started').toBeDefined();
    const killed = seen!.sweepId;
    expect(seen!.complete, 'the sweep finished before it could be cut').toBe(false);
    expect(seen!.departmentsDone).toBeLessThan(SWEEP_DEPARTMENTS);

    sweepSystem = await startLocal(sweepDir);
    // At the start the cut departments are named, each with why it is incomplete.
    const cut = await progressOf(killed);
    expect(cut.complete).toBe(false);
    expect(cut.incompleteDepartments.length).toBeGreaterThan(0);
    expect(cut.departmentsDone + cut.incompleteDepartments.length).toBe(SWEEP_DEPARTMENTS);
    expect(cut.failures.map((f) => f.departmentId)).toEqual(cut.incompleteDepartments);
    for (const f of cut.failures) expect(f.message).toBe(INTERRUPTED);
    expect(sweepSystem.output()).toContain('sweep department(s) not counted when the system last stopped');
    // What the cut departments had decided before the kill (notices and clawbacks are written page by page).
    const table = tableOf(sweepSystem);
    const noticesOf = (d: string) =>
      table.db.all({ index: 'gsi1', pk: keys.departmentNotices(d), limit: 100 }, rectificationRecord);
    const early = { notices: 0, clawbacks: 0 };
    for (const d of cut.incompleteDepartments) {
      early.notices += (await noticesOf(d)).length;
      early.clawbacks += (await clawbacksWithStatus(table.db, d, 'recommended')).length;
    }

    const rerun = await sweepToEnd();
    const after = await progressOf(killed);

    try {
      console.log(
        `[faults] sweep cut after ${cutAfterMs} ms with ${cut.departmentsDone} of ${SWEEP_DEPARTMENTS} departments counted; ` +
          `${early.notices} notices of the cut departments written before the kill`,
      );
      const total = SWEEP_DEPARTMENTS * PER_DEPARTMENT;
      const reds = total / 2;
      // Both sweeps complete, every department counted once in each: every project scanned once a sweep.
      for (const s of [after, rerun]) {
        expect(s).toMatchObject({
          complete: true,
          departmentsDone: SWEEP_DEPARTMENTS,
          projectsScanned: total,
          incompleteDepartments: [],
          failures: [],
          lights: { red: reds, green: reds, yellow: 0 },
        });
        expect(s.departmentResults.map((r) => [r.departmentId, r.status])).toEqual(
          deptIds.map((d) => [d, 'done']),
        );
        for (const r of s.departmentResults) expect(r.counts?.projectsScanned).toBe(PER_DEPARTMENT);
      }
      // One notice and one clawback per red project, none twice; the summaries count each decision once
      // (the cut departments' decisions before the kill were counted by no run: their count is `early`).
      expect(after.rectificationsIssued + rerun.rectificationsIssued + early.notices).toBe(reds);
      expect(after.clawbacksRecommended + rerun.clawbacksRecommended + early.clawbacks).toBe(reds);
      for (const d of deptIds) {
        const notices = await noticesOf(d);
        const expected = Array.from({ length: PER_DEPARTMENT }, (_, n) => n)
          .filter(red)
          .map((n) => `R-${seededProject(d, n).id}-execution-${AS_OF}`)
          .sort();
        expect(notices.map((n) => n.id).sort(), d).toEqual(expected);
        for (const n of notices) expect([killed, rerun.sweepId]).toContain(n.sweepId);
        const claws = await clawbacksWithStatus(table.db, d, 'recommended');
        expect(claws.map((c) => c.id).sort(), d).toEqual(
          expected.map((id) => id.replace(/^R-(.*)-execution-/, 'C-$1-')),
        );
        // Every project's snapshot as of the day, its light as the spend says, one point of light history.
        const snapshots = await departmentSnapshots(table.db, d, YEAR);
        expect(snapshots, d).toHaveLength(PER_DEPARTMENT);
        for (const s of snapshots) {
          const n = Number(s.projectId.slice(-4));
          expect([s.asOf, s.executionLight], s.projectId).toEqual([AS_OF, red(n) ? 'red' : 'green']);
          expect([killed, rerun.sweepId]).toContain(s.sweepId);
        }
        for (const n of [0, 1, PER_DEPARTMENT - 1]) {
          const history = await lightHistoryPage(table.db, seededProject(d, n).id, { limit: 10 });
          expect(history.items, `${d} ${n}`).toHaveLength(1);
        }
      }
    } finally {
      table.close();
    }
    expect((await sweepSystem!.stop('SIGTERM')).code).toBe(0);
    sweepSystem = undefined;
  }, 60_000);
});
