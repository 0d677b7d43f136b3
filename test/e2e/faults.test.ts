// The faults tier (issue 11, item 7): the whole system killed with SIGKILL in the middle of a treasury CSV
// import, started again on its data folder, and the import rerun → nothing lost, nothing doubled. A system of
// its own (./processes.ts) on a temporary data folder, driven over HTTP as a department does.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateKeys, signToken } from '../../infra/local/idp.js';
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
