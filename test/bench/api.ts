// `npm run bench -- api [--vouchers N] [--rounds R]`
//
// Starts the whole system as `npm start` does (a child process, free ports, a fresh data folder, no demo
// data), walks one project of 2026 to `executing` over HTTP, then posts N vouchers (default 50) on that one
// project at the same moment through the local gateway, R times (default 3, a new project each round).
// Prints the statuses seen, whether the project's cumulative spend is exact, then as its last line one
// JSON object: {"vouchers":…,"rounds":…,"created":…,"refused":…,"p50Ms":…,"p99Ms":…,"maxMs":…,"exact":…}
// (latencies over every request of every round, measured at the client).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadOrCreateKeys, signToken } from '../../infra/local/idp.js';
import { startSystem } from './system.js';

const USAGE = 'usage: npm run bench -- api [--vouchers N] [--rounds R]';
const YEAR = 2026;
const DATE = '2026-03-02';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      vouchers: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '3' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`--${name} must be an integer ≥ 1, not ${v}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  return { vouchers: int('vouchers', values.vouchers), rounds: int('rounds', values.rounds) };
}

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-api-'));
  const system = await startSystem(dataDir);
  try {
    await run(opts, dataDir, system.api, system.issuer);
  } finally {
    system.child.kill('SIGTERM');
    await new Promise((r) => {
      system.child.once('exit', r);
      setTimeout(r, 10_000).unref();
    });
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function run(opts: { vouchers: number; rounds: number }, dataDir: string, api: string, issuer: string) {
  const keys = await loadOrCreateKeys(dataDir);
  const finance = await signToken(keys, issuer, { role: 'finance' });
  const call = async (route: string, bearer: string, body?: unknown, method = body ? 'POST' : 'GET') => {
    const res = await fetch(`${api}${route}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, text };
  };
  // biome-ignore lint/suspicious/noExplicitAny: the API's answers, used as the walk needs them
  const must = async (p: Promise<{ status: number; json: any; text: string }>, status: number) => {
    const res = await p;
    if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
    return res.json;
  };
  const goals = (await must(call('/v1/indicator-templates?category=education', finance), 200)).goalSet;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let exact = true;
  for (let round = 1; round <= opts.rounds; round++) {
    const deptId = `D-BENCH-${round}`;
    await must(
      call('/v1/departments', finance, {
        id: deptId,
        name: `Bench ${round}`,
        contactEmails: ['b@example.gov.cn'],
      }),
      201,
    );
    const dept = await signToken(keys, issuer, { role: 'department', departmentId: deptId });
    const amount = 100.01;
    const budget = Math.round(amount * opts.vouchers * 100) / 100;
    const project = await must(
      call('/v1/projects', dept, {
        fiscalYear: YEAR,
        name: `并发凭证 ${round}`,
        kind: 'project',
        isNew: false,
        requestedAmount: budget,
        category: 'education',
      }),
      201,
    );
    await must(
      call(
        `/v1/projects/${project.id}/goals`,
        dept,
        { overallGoal: '基准', indicators: goals.indicators },
        'PUT',
      ),
      200,
    );
    await must(call(`/v1/projects/${project.id}/submit`, dept, undefined, 'POST'), 200);
    await must(call(`/v1/projects/${project.id}/goal-review`, finance, { grade: 'excellent' }), 200);
    await must(call(`/v1/projects/${project.id}/budget`, finance, { approvedAmount: budget }), 200);
    const results = await Promise.all(
      Array.from({ length: opts.vouchers }, async (_, i) => {
        const started = performance.now();
        const res = await call(`/v1/projects/${project.id}/expenditures`, dept, {
          voucherNo: `B-${i + 1}`,
          date: DATE,
          amount,
        });
        latencies.push(performance.now() - started);
        return res.status;
      }),
    );
    const created = results.filter((s) => s === 201).length;
    for (const s of results) statuses.set(s, (statuses.get(s) ?? 0) + 1);
    const after = await must(call(`/v1/projects/${project.id}/expenditures?limit=100`, dept), 200);
    const expected = Math.round(created * amount * 100) / 100;
    const ok = after.cumulativeAmount === expected && after.items.length === created;
    exact &&= ok;
    console.log(
      `round ${round}: ${created}/${opts.vouchers} created; cumulative ${after.cumulativeAmount} (expected ${expected}, ${after.items.length} vouchers listed) ${ok ? 'exact' : 'NOT EXACT'}`,
    );
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!);
  const created = statuses.get(201) ?? 0;
  console.log(`statuses: ${[...statuses].map(([s, n]) => `${s} × ${n}`).join(', ')}`);
  console.log(`latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${Math.round(latencies.at(-1)!)} ms`);
  console.log(
    JSON.stringify({
      vouchers: opts.vouchers,
      rounds: opts.rounds,
      created,
      refused: opts.vouchers * opts.rounds - created,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      maxMs: Math.round(latencies.at(-1)!),
      exact,
    }),
  );
}
