// `npm run bench -- api [--samples S] [--vouchers N] [--rounds R]`
//
// Starts the whole system as `npm start` does (a child process, free ports, a fresh data folder, no demo
// data) and walks projects of 2026 to `executing` over HTTP. Then:
// 1. API overhead: S times (default 200, after 20 unmeasured), interleaved and one at a time, a read through the
//    local gateway (`GET /v1/projects/{id}`, a department user) beside a raw SDK GetItem of the same project
//    item, and a write (`POST /v1/projects/{id}/expenditures`, a new voucher) beside a raw PutItem of the same
//    voucher item (under a key of its own), on the same database; p50/p99 of each and the ratios.
//    Beside them, the same use cases called directly from here on the same database, without the HTTP stack
//    (getOwnProjectWithSnapshot, recordExpenditure): what the gateway, the token check, zod, the middy chain
//    and the reply add is the API's time over theirs; and the DynamoDB requests one of each makes, counted
//    with request-counter.ts (the API runs the same code). BENCH_CPU_PROF=<dir> profiles the system's process.
// 2. Concurrent vouchers: N vouchers (default 50) posted on one project at the same moment, R times (default
//    3, a new project each round); the statuses seen and whether the project's cumulative spend is exact.
// Latencies are measured at the client. The last line is one JSON object with every figure:
// {"overhead":{"samples":…,"read":{"apiP50Ms":…,…},"write":{…},"readUseCase":…,"writeUseCase":…,
//  "readUseCaseVsRaw":…,"writeUseCaseVsRaw":…,"roundTrips":{"read":{…},"write":{…}}},"vouchers":…,"exact":…}
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { loadOrCreateKeys, signToken } from '../../infra/local/idp.js';
import { TABLE_NAME } from '../../infra/local/system.js';
import { localDynamoClient } from '../../infra/local/table.js';
import { Db } from '../../shared/store/db.js';
import { recordExpenditure } from '../../shared/store/expenditures.js';
import { keys as tableKeys } from '../../shared/store/keys.js';
import { getOwnProjectWithSnapshot } from '../../shared/store/monitoring.js';
import { countRequests } from './request-counter.js';
import { startSystem, stopSystem } from './system.js';

const USAGE = 'usage: npm run bench -- api [--samples S] [--vouchers N] [--rounds R]';
const WARMUP = 20;
const YEAR = 2026;
const DATE = '2026-03-02';

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      samples: { type: 'string', default: '200' },
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
  return {
    samples: int('samples', values.samples),
    vouchers: int('vouchers', values.vouchers),
    rounds: int('rounds', values.rounds),
  };
}

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-api-'));
  const system = await startSystem(dataDir);
  try {
    await run(opts, dataDir, system.api, system.issuer, system.info.dynamodb!);
  } finally {
    await stopSystem(system);
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Options = ReturnType<typeof options>;

/** A table key as DynamoDB's wire format has it. */
const keyOf = (k: { pk: string; sk: string }) => ({ pk: { S: k.pk }, sk: { S: k.sk } });

/** The p-th percentile (0 < p ≤ 1) of sorted values, nearest rank. */
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
const round1 = (x: number) => Math.round(x * 10) / 10;

async function run(opts: Options, dataDir: string, api: string, issuer: string, dynamodb: string) {
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
  /** A new department and one project of it, walked to `executing` with `budget` (and its department's id). */
  const executingProject = async (deptId: string, name: string, budget: number) => {
    await must(
      call('/v1/departments', finance, { id: deptId, name, contactEmails: ['b@example.gov.cn'] }),
      201,
    );
    const dept = await signToken(keys, issuer, { role: 'department', departmentId: deptId });
    const project = await must(
      call('/v1/projects', dept, {
        fiscalYear: YEAR,
        name,
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
    return { id: project.id as string, dept, departmentId: deptId };
  };

  /**
   * Interleaved, one request at a time: API read, raw GetItem, API write, raw PutItem (the order rotates each
   * sample), so both sides see the same machine at the same moments.
   */
  const measureOverhead = async (
    samples: number,
    project: { id: string; dept: string; departmentId: string },
  ) => {
    const db = localDynamoClient(dynamodb);
    // The use cases' own store, as a function builds it (shared/store/client.ts), on the same database.
    const documents = DynamoDBDocumentClient.from(db, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    const store = new Db(documents, TABLE_NAME);
    const actor = { sub: 'bench-direct', role: 'department' as const, departmentId: project.departmentId };
    // The DynamoDB requests one read and one write of the use cases make (the API runs the same code).
    const counter = countRequests(documents.middlewareStack);
    const requestsOf = async (f: () => Promise<unknown>) => {
      counter.reset();
      await f();
      return Object.fromEntries(Object.entries(counter.byCommand()).map(([c, s]) => [c, s.requests]));
    };
    const roundTrips = {
      read: await requestsOf(() => getOwnProjectWithSnapshot(store, actor, project.id)),
      write: await requestsOf(() =>
        recordExpenditure(store, { actor, now: new Date(), requestId: 'bench-count' }, project.id, {
          voucherNo: 'U-count',
          date: DATE,
          amount: 0.01,
        }),
      ),
    };
    const projectKey = keyOf(tableKeys.project(project.id));
    const write = (n: number) =>
      call(`/v1/projects/${project.id}/expenditures`, project.dept, {
        voucherNo: `O-${n}`,
        date: DATE,
        amount: 0.01,
      });
    await must(write(0), 201);
    const stored = await db.send(
      new GetItemCommand({ TableName: TABLE_NAME, Key: keyOf(tableKeys.expenditure(project.id, 'O-0')) }),
    );
    if (
      !stored.Item ||
      !(await db.send(new GetItemCommand({ TableName: TABLE_NAME, Key: projectKey }))).Item
    ) {
      throw new Error('the project or its voucher is not where shared/store/keys.ts says');
    }
    const timings = {
      apiRead: [] as number[],
      rawGet: [] as number[],
      apiWrite: [] as number[],
      rawPut: [] as number[],
      directRead: [] as number[],
      directWrite: [] as number[],
    };
    const timed = async (into: number[] | undefined, f: () => Promise<unknown>) => {
      const started = performance.now();
      await f();
      into?.push(performance.now() - started);
    };
    for (let i = 1; i <= WARMUP + samples; i++) {
      const keep = i > WARMUP;
      const steps = [
        () =>
          timed(keep ? timings.apiRead : undefined, () =>
            must(call(`/v1/projects/${project.id}`, project.dept), 200),
          ),
        () =>
          timed(keep ? timings.rawGet : undefined, () =>
            db.send(new GetItemCommand({ TableName: TABLE_NAME, Key: projectKey })),
          ),
        () => timed(keep ? timings.apiWrite : undefined, () => must(write(i), 201)),
        () =>
          timed(keep ? timings.rawPut : undefined, () =>
            db.send(
              new PutItemCommand({
                TableName: TABLE_NAME,
                // The same voucher item, under a key of its own (it is nobody's voucher).
                Item: { ...stored.Item, pk: { S: 'BENCH#raw-put' }, sk: { S: `VOUCHER#${i}` } },
              }),
            ),
          ),
        () =>
          timed(keep ? timings.directRead : undefined, () =>
            getOwnProjectWithSnapshot(store, actor, project.id),
          ),
        () =>
          timed(keep ? timings.directWrite : undefined, async () => {
            const out = await recordExpenditure(
              store,
              { actor, now: new Date(), requestId: `bench-direct-${i}` },
              project.id,
              { voucherNo: `U-${i}`, date: DATE, amount: 0.01 },
            );
            if (out.outcome !== 'created') throw new Error(`voucher U-${i} was not created`);
          }),
      ];
      for (let k = 0; k < steps.length; k++) await steps[(k + i) % steps.length]!();
    }
    db.destroy();
    const stats = (api: number[], raw: number[]) => {
      const a = [...api].sort((x, y) => x - y);
      const r = [...raw].sort((x, y) => x - y);
      return {
        apiP50Ms: round1(percentile(a, 0.5)),
        apiP99Ms: round1(percentile(a, 0.99)),
        rawP50Ms: round1(percentile(r, 0.5)),
        rawP99Ms: round1(percentile(r, 0.99)),
        p50Ratio: round1(percentile(a, 0.5) / percentile(r, 0.5)),
        p99Ratio: round1(percentile(a, 0.99) / percentile(r, 0.99)),
      };
    };
    const result = {
      samples,
      read: stats(timings.apiRead, timings.rawGet),
      write: stats(timings.apiWrite, timings.rawPut),
      /** The use case alone (raw*: its p50/p99) beside the API (api*), and the raw SDK call beside it. */
      readUseCase: stats(timings.apiRead, timings.directRead),
      writeUseCase: stats(timings.apiWrite, timings.directWrite),
      readUseCaseVsRaw: stats(timings.directRead, timings.rawGet),
      writeUseCaseVsRaw: stats(timings.directWrite, timings.rawPut),
      roundTrips,
    };
    console.log(`overhead over ${samples} interleaved samples (after ${WARMUP} unmeasured), ms:`);
    console.log('| | through the gateway p50 / p99 | raw SDK p50 / p99 | ratio p50 / p99 |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, x] of [
      ['read (GET project / GetItem)', result.read],
      ['write (POST voucher / PutItem)', result.write],
    ] as const) {
      console.log(
        `| ${name} | ${x.apiP50Ms} / ${x.apiP99Ms} | ${x.rawP50Ms} / ${x.rawP99Ms} | ${x.p50Ratio}× / ${x.p99Ratio}× |`,
      );
    }
    console.log('the same use cases called directly (no gateway, token, zod, middy), ms:');
    console.log('| | use case p50 / p99 | API ÷ use case p50 | use case ÷ raw p50 |');
    console.log('| --- | ---: | ---: | ---: |');
    for (const [name, vsApi, vsRaw] of [
      ['read (project + snapshot, one BatchGetItem)', result.readUseCase, result.readUseCaseVsRaw],
      ['write (GetItem + TransactWriteItems of 3)', result.writeUseCase, result.writeUseCaseVsRaw],
    ] as const) {
      console.log(
        `| ${name} | ${vsApi.rawP50Ms} / ${vsApi.rawP99Ms} | ${vsApi.p50Ratio}× | ${vsRaw.p50Ratio}× |`,
      );
    }
    const list = (r: Record<string, number>) =>
      Object.entries(r)
        .map(([c, n]) => `${c} × ${n}`)
        .join(', ');
    console.log(`DynamoDB requests: a read ${list(roundTrips.read)}; a write ${list(roundTrips.write)}`);
    return result;
  };

  const overhead = await measureOverhead(
    opts.samples,
    await executingProject('D-BENCH-O', '开销基准', 10_000_000),
  );

  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let exact = true;
  for (let round = 1; round <= opts.rounds; round++) {
    const amount = 100.01;
    const budget = Math.round(amount * opts.vouchers * 100) / 100;
    const { id, dept } = await executingProject(`D-BENCH-${round}`, `并发凭证 ${round}`, budget);
    const results = await Promise.all(
      Array.from({ length: opts.vouchers }, async (_, i) => {
        const started = performance.now();
        const res = await call(`/v1/projects/${id}/expenditures`, dept, {
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
    const after = await must(call(`/v1/projects/${id}/expenditures?limit=100`, dept), 200);
    const expected = Math.round(created * amount * 100) / 100;
    const ok = after.cumulativeAmount === expected && after.items.length === created;
    exact &&= ok;
    console.log(
      `round ${round}: ${created}/${opts.vouchers} created; cumulative ${after.cumulativeAmount} (expected ${expected}, ${after.items.length} vouchers listed) ${ok ? 'exact' : 'NOT EXACT'}`,
    );
  }
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(percentile(latencies, p));
  const created = statuses.get(201) ?? 0;
  console.log(`statuses: ${[...statuses].map(([s, n]) => `${s} × ${n}`).join(', ')}`);
  console.log(
    `${opts.vouchers} concurrent vouchers, latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${Math.round(latencies.at(-1)!)} ms`,
  );
  console.log(
    JSON.stringify({
      overhead,
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
