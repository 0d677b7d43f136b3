// `npm run bench -- fanout [--departments N] [--projects M] [--large KxS] [--concurrency C] [--receive-ms R]
//                          [--timeout-ms T] [--visibility-ms V] [--crash K] [--crash-after-ms A]`
//
// A monitoring sweep's fan-out as it runs in AWS, scaled down: the real coordinator (shared/app/sweep.ts
// scheduleSweep) sends one message per department to a modelled SQS queue, and a modelled event source
// mapping hands them, one per invocation (the queue declaration's batch size), to at most C Lambda instances
// at once (its maximumConcurrency): C long-lived Node processes, each holding the real worker
// (functions/jobs/sweep-worker.ts, bundled as CDK bundles it; test/bench/fanout-child.ts). The local
// database (dynalite with transactions) runs in this process.
//
// What is modelled of SQS and Lambda: a receive takes R ms (a poll that finds a message: one round trip); a
// received message is invisible for V ms (in AWS six times the worker's timeout); an invocation longer than
// T ms is killed (Lambda's timeout); a failed invocation (batch item failure, or an instance killed) leaves
// its message to come back when the visibility runs out; after 3 receipts it goes to the dead-letter queue.
// `--crash K` kills the instance of K departments A ms into their first delivery (as a crash would): the
// department is half swept when its message comes back, and a fresh instance (a cold start) takes its place.
// The times are scaled down so the run stays short; the model's rules are the real ones.
//
// It prints the sweep's duration, each department's invocation time (p50/p95/max), what the workers sent
// (requests by command, request-counter.ts) and the capacity units on-demand billing would charge for it
// (capacity.ts): per project, and by index partition (the hot ones). Then, as its last line, one JSON
// object. docs/scale.md projects these figures to 1,000,000 projects.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamo } from '../../infra/local/dynamodb.js';
import { bundle } from './sweep.js';

const USAGE = `usage: npm run bench -- fanout [options]
  --departments N    departments of the regular size (default 24)
  --projects M       executing projects in each (default 200)
  --large KxS        K more departments of S projects each, the skewed case (default 1x1200; 0x0 for none)
  --concurrency C    the event source's maximumConcurrency: Lambda instances at once (default: the sweep
                     queue's declared maxConcurrency, functions/jobs/schedules.ts)
  --receive-ms R     one SQS receive that finds a message (default 20)
  --timeout-ms T     the worker's timeout, scaled down: an invocation running longer is killed (default 20000)
  --visibility-ms V  a received message's visibility timeout, scaled down; at least T, so that a message
                     never comes back while its invocation may still run (AWS: 6 × the timeout; default 20000)
  --crash K          departments whose first delivery is killed --crash-after-ms into it (default 1)
  --crash-after-ms T (default 300)`;

const AS_OF = '2026-08-31';
const FISCAL_YEAR = 2026;
const NOW = new Date('2026-09-01T01:00:00.000Z');
const TABLE = 'bench-fanout';
const MAX_RECEIVES = 3;
const SEED_PARALLEL = 8;

interface Options {
  departments: number;
  projects: number;
  large: { count: number; size: number };
  concurrency: number;
  receiveMs: number;
  visibilityMs: number;
  timeoutMs: number;
  crash: number;
  crashAfterMs: number;
}

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

function options(argv: string[], declaredConcurrency: number): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      departments: { type: 'string', default: '24' },
      projects: { type: 'string', default: '200' },
      large: { type: 'string', default: '1x1200' },
      concurrency: { type: 'string' },
      'receive-ms': { type: 'string', default: '20' },
      'visibility-ms': { type: 'string', default: '20000' },
      'timeout-ms': { type: 'string', default: '20000' },
      crash: { type: 'string', default: '1' },
      'crash-after-ms': { type: 'string', default: '300' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) usage();
  if (positionals.length) usage(`unexpected argument ${positionals[0]}`);
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`--${name} must be an integer ≥ ${min}, not ${v}`);
    return n;
  };
  const large = /^(\d+)x(\d+)$/.exec(values.large);
  if (!large) usage('--large is KxS, e.g. 1x1200');
  return {
    departments: int('departments', values.departments, 0),
    projects: int('projects', values.projects, 1),
    large: { count: Number(large[1]), size: Number(large[2]) },
    concurrency: int('concurrency', values.concurrency ?? String(declaredConcurrency), 1),
    receiveMs: int('receive-ms', values['receive-ms'], 0),
    visibilityMs: int('visibility-ms', values['visibility-ms'], 1),
    timeoutMs: int('timeout-ms', values['timeout-ms'], 1),
    crash: int('crash', values.crash, 0),
    crashAfterMs: int('crash-after-ms', values['crash-after-ms'], 1),
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const round = (x: number, digits = 0) => Math.round(x * 10 ** digits) / 10 ** digits;
const quantile = (xs: number[], q: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const addInto = (into: Record<string, number>, from: Record<string, number>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

interface Message {
  id: string;
  body: string;
  departmentId: string;
  receiveCount: number;
  visibleAt: number;
  sentAt: number;
}

interface Report {
  messageId: string;
  failures: number;
  ms: number;
  cpuMs: number;
  requests: Record<string, { commands: number; requests: number; ms: number; items: number }>;
  capacity: {
    read: Record<string, number>;
    write: Record<string, number>;
    indexWrite: Record<string, number>;
    byIndexPartition: Record<string, number>;
  };
  peakRssMb: number;
}

/** One Lambda instance: a worker process that takes one event at a time. */
class Instance {
  private pending?: { resolve: (r: Report | undefined) => void };
  readonly ready: Promise<number>;
  private constructor(private readonly p: ChildProcess) {
    const started = performance.now();
    this.ready = new Promise((resolve, reject) => {
      p.once('error', reject);
      p.on('message', (m: Report | { ready: true }) => {
        if ('ready' in m) resolve(performance.now() - started);
        else this.pending?.resolve(m);
      });
    });
    p.once('exit', () => this.pending?.resolve(undefined));
  }
  static start(harness: string, env: NodeJS.ProcessEnv, sizes: Record<string, number>, flags: string[]) {
    return new Instance(
      fork(harness, [JSON.stringify(sizes)], {
        env,
        execArgv: ['--enable-source-maps', ...flags],
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
    );
  }
  /** The invocation's report, or undefined if the instance died (was killed) meanwhile. */
  invoke(m: Message): Promise<Report | undefined> {
    return new Promise((resolve) => {
      this.pending = { resolve };
      this.p.send({ messageId: m.id, body: m.body, receiveCount: m.receiveCount });
    }).finally(() => {
      this.pending = undefined;
    }) as Promise<Report | undefined>;
  }
  kill() {
    this.p.kill('SIGKILL');
  }
}

export async function main(argv: string[]): Promise<void> {
  const { queues } = await import('../../functions/jobs/schedules.js');
  const opts = options(argv, queues.find((q) => q.name === 'sweep')?.maxConcurrency ?? 4);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: TABLE,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    // The modelled queue re-offers a deferred message itself; the worker's ChangeMessageVisibility goes to a
    // closed local port (it fails at once and is logged), never to the real SQS.
    AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
  };
  Object.assign(process.env, env);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const work = await mkdtemp(join(tmpdir(), 'bench-fanout-'));
  const dynamo = await startDynamo();
  process.env.AWS_ENDPOINT_URL_DYNAMODB = env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  try {
    await run(opts, work, env);
  } finally {
    const { documentClient } = await import('../../shared/store/client.js');
    documentClient().destroy();
    await dynamo.close();
    await rm(work, { recursive: true, force: true });
  }
}

async function run(opts: Options, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { ensureTable, localDynamoClient } = await import('../../infra/local/table.js');
  const { Db } = await import('../../shared/store/db.js');
  const { getSweep } = await import('../../shared/store/monitoring.js');
  const { queues } = await import('../../functions/jobs/schedules.js');
  const { itemBytes } = await import('./capacity.js');
  const { marshall } = await import('@aws-sdk/util-dynamodb');
  const sweepQueue = queues.find((q) => q.name === 'sweep')!;
  if (sweepQueue.batchSize !== 1) throw new Error('the fan-out model assumes one department per invocation');

  const harness = join(work, 'child', 'index.mjs');
  const bundleBytes = await bundle('test/bench/fanout-child.ts', harness);

  // Seed (not measured): regular departments, then the large ones.
  const seedClient = localDynamoClient(env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(seedClient, TABLE);
  seedClient.destroy();
  const db = new Db();
  const layout = [
    ...Array.from({ length: opts.departments }, (_, d) => ({
      id: `D-R${String(d + 1).padStart(3, '0')}`,
      projects: opts.projects,
    })),
    ...Array.from({ length: opts.large.count }, (_, d) => ({
      id: `D-L${String(d + 1).padStart(2, '0')}`,
      projects: opts.large.size,
    })),
  ];
  const large = new Set(layout.filter((l) => l.id.startsWith('D-L')).map((l) => l.id));
  const { seedItems } = await import('./seed.js');
  const seedStarted = performance.now();
  const { items, mix } = seedItems({
    projects: 0,
    departments: 0,
    fiscalYear: FISCAL_YEAR,
    asOf: AS_OF,
    layout,
  });
  /** Average item sizes by key kind, for the write units of updates (capacity.ts). */
  const bytes: Record<string, { n: number; total: number }> = {};
  const writer = async () => {
    for (;;) {
      const chunk = [];
      for (let next = items.next(); !next.done; next = items.next()) {
        chunk.push(next.value);
        const kind = `${String(next.value.pk).split('#')[0]}${String(next.value.sk) === 'PROJECT' ? '' : `/${String(next.value.sk).split('#')[0]}`}`;
        const b = bytes[kind] ?? { n: 0, total: 0 };
        bytes[kind] = b;
        b.n++;
        b.total += itemBytes(marshall(next.value, { removeUndefinedValues: true }));
        if (chunk.length === 25) break;
      }
      if (!chunk.length) return;
      await db.batchPut(chunk);
    }
  };
  await Promise.all(Array.from({ length: SEED_PARALLEL }, writer));
  const avg = (kind: string) => (bytes[kind] ? Math.round(bytes[kind].total / bytes[kind].n) : 1024);
  const sizes = { PROJECT: avg('PROJECT'), RECT: avg('RECT/RECT'), CLAW: 1024 };
  console.log(
    `bench fanout: ${mix.projects} projects in ${mix.departments} departments (${opts.departments} × ` +
      `${opts.projects}` +
      (opts.large.count ? ` + ${opts.large.count} × ${opts.large.size}` : '') +
      `), seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (not measured; ${mix.items} ` +
      `items; a project item ${sizes.PROJECT} B, a notice ${sizes.RECT} B); as of ${AS_OF}. Event source: ` +
      `batch ${sweepQueue.batchSize}, maximumConcurrency ${opts.concurrency}, receive ${opts.receiveMs} ms, ` +
      `timeout ${opts.timeoutMs} ms, visibility ${opts.visibilityMs} ms, ${MAX_RECEIVES} receipts; ${opts.crash} department(s) killed ` +
      `${opts.crashAfterMs} ms into their first delivery. Worker bundle ${round(bundleBytes / 1024)} KB, node ` +
      `${process.version} ${(sweepQueue.nodeOptions ?? []).join(' ')}`,
  );

  // The modelled queue: the coordinator's send puts the messages in it.
  const queue: Message[] = [];
  const dlq: Message[] = [];
  let sent = 0;
  const t0 = performance.now();
  const clock = () => performance.now() - t0;
  const modelledQueue = {
    async send(list: readonly unknown[]) {
      for (const w of list) {
        const body = JSON.stringify(w);
        queue.push({
          id: `m-${++sent}`,
          body,
          departmentId: (w as { departmentId: string }).departmentId,
          receiveCount: 0,
          visibleAt: 0,
          sentAt: clock(),
        });
      }
    },
  };

  const flags = sweepQueue.nodeOptions ?? [];
  const coldStarts: number[] = [];
  const startInstance = async () => {
    const i = Instance.start(harness, env, sizes, flags);
    coldStarts.push(await i.ready);
    return i;
  };
  const instances = await Promise.all(Array.from({ length: opts.concurrency }, startInstance));

  const cpu0 = process.cpuUsage();
  // The scheduled coordinator, as EventBridge runs it the morning after the August checkpoint: the
  // checkpoint's sweep, then the day's own (functions/jobs/monitoring-sweep.ts), both to the queue at once.
  const { createMonitoringSweepHandler } = await import('../../functions/jobs/monitoring-sweep.js');
  const { logger } = await import('../../shared/logger.js');
  const { noMetrics } = await import('../../shared/metrics.js');
  const coordinator = createMonitoringSweepHandler({
    db,
    sweepQueue: modelledQueue,
    now: () => NOW,
    logger,
    metrics: noMetrics,
  });
  const planned = (await coordinator({})) as { sweepId: string; asOf: string; departments: number }[];
  const planMs = clock();
  // The departments to kill: the first K in the order sent (a large one first, if any).
  const toCrash = new Set(
    [...queue.filter((m) => large.has(m.departmentId)), ...queue.filter((m) => !large.has(m.departmentId))]
      .slice(0, opts.crash)
      .map((m) => m.id),
  );

  const reports: (Report & { sweepId: string })[] = [];
  const invocations: {
    sweepId: string;
    departmentId: string;
    ms: number;
    ok: boolean;
    receive: number;
    timedOut: boolean;
    waitedMs: number;
  }[] = [];
  const doneAt = new Map<string, number>();
  let killed = 0;
  let receives = 0;
  let emptyReceives = 0;
  let busyMs = 0;
  const poller = async (slot: number) => {
    for (;;) {
      if (!queue.length) return;
      await sleep(opts.receiveMs);
      const now = clock();
      const m = queue.find((x) => x.visibleAt <= now);
      receives++;
      if (!m) {
        emptyReceives++;
        continue;
      }
      m.receiveCount++;
      if (m.receiveCount > MAX_RECEIVES) {
        queue.splice(queue.indexOf(m), 1);
        dlq.push(m);
        continue;
      }
      m.visibleAt = now + opts.visibilityMs;
      const receive = m.receiveCount;
      const sweepId = (JSON.parse(m.body) as { sweepId: string }).sweepId;
      const instance = instances[slot]!;
      const crash = receive === 1 && toCrash.has(m.id);
      let timedOut = false;
      // Lambda ends an invocation at its timeout (the instance with it); a crash is modelled the same way.
      const timer = setTimeout(
        () => {
          timedOut = !crash;
          instance.kill();
        },
        crash ? opts.crashAfterMs : opts.timeoutMs,
      );
      const started = clock();
      const report = await instance.invoke(m);
      clearTimeout(timer);
      const ms = clock() - started;
      busyMs += ms;
      const ok = report !== undefined && report.failures === 0;
      invocations.push({
        sweepId,
        departmentId: m.departmentId,
        ms,
        ok,
        receive,
        timedOut,
        waitedMs: started - m.sentAt,
      });
      if (report) reports.push({ ...report, sweepId });
      else {
        killed++;
        instances[slot] = await startInstance();
      }
      // Deleted when it succeeded (it may be gone already: a redelivery of it succeeded meanwhile).
      if (ok && queue.includes(m)) {
        queue.splice(queue.indexOf(m), 1);
        doneAt.set(`${sweepId} ${m.departmentId}`, clock());
      }
    }
  };
  await Promise.all(instances.map((_, slot) => poller(slot)));
  const totalMs = clock();
  const dbCpu = process.cpuUsage(cpu0);
  for (const i of instances) i.kill();

  const problems: string[] = [];
  if (dlq.length) problems.push(`${dlq.length} message(s) in the dead-letter queue`);
  const projects = mix.projects;
  const per = (n: number) => round(n / projects, 3);
  const dist = (xs: number[]) =>
    `p50 ${round(quantile(xs, 0.5))} ms, p95 ${round(quantile(xs, 0.95))} ms, max ${round(Math.max(0, ...xs))} ms`;
  console.log(
    `\ncoordinator ${round(planMs)} ms: ${planned.map((p) => `${p.asOf} ${p.departments} messages`).join(', ')}; ` +
      `everything done ${round(totalMs)} ms after; invocations ${invocations.length} ` +
      `(${invocations.filter((i) => i.ok).length} ok, ${killed} killed, ${invocations.filter((i) => i.timedOut).length} of them timed out), receives ${receives} (${emptyReceives} ` +
      `empty), dead letters ${dlq.length}; instances busy ${round((100 * busyMs) / (totalMs * opts.concurrency))} % ` +
      `of ${opts.concurrency} × that; cold starts ${coldStarts.length} (median ${round(quantile(coldStarts, 0.5))} ms); ` +
      `database + queue CPU ${round((dbCpu.user + dbCpu.system) / 1000)} ms`,
  );
  const retried = invocations.filter((i) => i.receive > 1);
  if (retried.length)
    console.log(
      `redelivered: ${retried.map((i) => `${i.departmentId} of ${i.sweepId} (receipt ${i.receive}, ${round(i.waitedMs)} ms after it was sent, ${round(i.ms)} ms)`).join('; ')}`,
    );

  const sweeps = [];
  for (const p of planned) {
    const summary = await getSweep(db, p.sweepId);
    if (!summary) throw new Error(`sweep ${p.sweepId} vanished`);
    if (!summary.complete)
      problems.push(`${p.sweepId} incomplete: ${summary.incompleteDepartments.join(', ')}`);
    if (summary.projectsScanned !== projects)
      problems.push(`${p.sweepId}: ${summary.projectsScanned} projects counted, ${projects} seeded`);
    const mine = reports.filter((r) => r.sweepId === p.sweepId);
    const requests: Record<string, number> = {};
    const read: Record<string, number> = {};
    const write: Record<string, number> = {};
    const indexWrite: Record<string, number> = {};
    const byIndexPartition: Record<string, number> = {};
    for (const r of mine) {
      for (const [k, s] of Object.entries(r.requests)) requests[k] = (requests[k] ?? 0) + s.requests;
      addInto(read, r.capacity.read);
      addInto(write, r.capacity.write);
      addInto(indexWrite, r.capacity.indexWrite);
      addInto(byIndexPartition, r.capacity.byIndexPartition);
    }
    const rcu = sum(Object.values(read));
    const wcuTable = sum(Object.values(write));
    const wcuIndex = sum(Object.values(indexWrite));
    const ok = invocations.filter((i) => i.ok && i.sweepId === p.sweepId);
    const regular = ok.filter((i) => !large.has(i.departmentId)).map((i) => i.ms);
    const big = ok.filter((i) => large.has(i.departmentId)).map((i) => i.ms);
    const workerCpuMs = sum(mine.map((r) => r.cpuMs));
    const first = Math.min(...invocations.filter((i) => i.sweepId === p.sweepId).map((i) => i.waitedMs));
    const last = Math.max(...[...doneAt].filter(([k]) => k.startsWith(`${p.sweepId} `)).map(([, v]) => v));
    const hot = Object.entries(byIndexPartition)
      .sort(([, a], [, b]) => b - a)
      .slice(0, 5);
    console.log(
      `\nsweep ${p.sweepId} (as of ${p.asOf}): done ${round(last)} ms after the coordinator began (its first ` +
        `department received at ${round(first)} ms); ${summary.projectsScanned} projects, ${summary.snapshotsWritten} ` +
        `snapshots, notices ${summary.rectificationsIssued}, overdue ${summary.rectificationsOverdue}, clawbacks ` +
        `${summary.clawbacksRecommended}; complete ${summary.complete}`,
    );
    console.log(`  per department of ${opts.projects}: ${dist(regular)} (${regular.length})`);
    if (big.length) console.log(`  per department of ${opts.large.size}: ${dist(big)} (${big.length})`);
    console.log(
      `  worker CPU ${round(workerCpuMs)} ms (${round(workerCpuMs / projects, 3)} ms/project); peak RSS ` +
        `${Math.max(...mine.map((r) => r.peakRssMb))} MB`,
    );
    console.log(`  requests ${JSON.stringify(requests)} = ${per(sum(Object.values(requests)))}/project`);
    console.log(
      `  ${round(rcu, 1)} RCU = ${per(rcu)}/project ${JSON.stringify(mapRound(read))}; ${round(wcuTable + wcuIndex)} ` +
        `WCU = ${per(wcuTable + wcuIndex)}/project (table ${per(wcuTable)} ${JSON.stringify(mapRound(write))}, ` +
        `indexes ${per(wcuIndex)} ${JSON.stringify(indexWrite)})`,
    );
    console.log(
      `  hottest index partitions, WCU (per project): ${hot.map(([k, v]) => `${k} ${v} (${per(v)})`).join('; ')}`,
    );
    sweeps.push({
      sweepId: p.sweepId,
      asOf: p.asOf,
      doneMs: round(last),
      perDepartmentMs: {
        [opts.projects]: {
          p50: round(quantile(regular, 0.5)),
          p95: round(quantile(regular, 0.95)),
          max: round(Math.max(0, ...regular)),
        },
        ...(big.length
          ? { [opts.large.size]: { p50: round(quantile(big, 0.5)), max: round(Math.max(...big)) } }
          : {}),
      },
      workerCpuMsPerProject: round(workerCpuMs / projects, 3),
      workerPeakRssMb: Math.max(...mine.map((r) => r.peakRssMb)),
      requestsPerProject: per(sum(Object.values(requests))),
      requests,
      rcuPerProject: per(rcu),
      wcuPerProject: per(wcuTable + wcuIndex),
      wcuTablePerProject: per(wcuTable),
      wcuIndexPerProject: per(wcuIndex),
      hotIndexPartitions: Object.fromEntries(hot.map(([k, v]) => [k, per(v)])),
      counts: {
        snapshots: summary.snapshotsWritten,
        notices: summary.rectificationsIssued,
        overdue: summary.rectificationsOverdue,
        clawbacks: summary.clawbacksRecommended,
      },
      complete: summary.complete,
    });
  }
  if (problems.length) {
    console.log(`PROBLEMS: ${problems.join('; ')}`);
    process.exitCode = 1;
  }
  console.log(
    JSON.stringify({
      projects,
      departments: mix.departments,
      concurrency: opts.concurrency,
      totalMs: round(totalMs),
      invocations: invocations.length,
      killed,
      deadLetters: dlq.length,
      coldStartMs: round(quantile(coldStarts, 0.5)),
      sizes,
      sweeps,
      ok: !problems.length,
    }),
  );
}

function mapRound(o: Record<string, number>) {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round(v, 1)]));
}
