// `npm run bench -- sweep [--sizes 400,2000] [--runs N] [--store memory|disk] [--keep DIR]
//                         [--profile DIR]`
//
// What one sweep worker costs, per department size. The local database (dynalite with transactions) runs in
// this process; the sweep worker runs as in AWS: functions/jobs/sweep-worker.ts bundled by esbuild with the
// options CDK uses (infra/aws/constructs/app-function.ts), in a fresh Node process per department, handed
// one SQS message. That process reports its own time, heap and peak RSS (VmHWM of /proc/self/status), so
// the figures are the worker's alone (test/bench/sweep-child.ts).
//
// For each run and each size, interleaved, on a department seeded for that run (not measured):
//   sweep 1  the department's first sweep as of the August checkpoint (every snapshot written, notices,
//            overdue marks and clawbacks decided);
//   sweep 2  the same day again (nothing changed: no snapshot should be written);
//   floor    the I/O the sweep cannot avoid, on the same database, in a fresh process too: every executing
//            project read by Query and every snapshot written by BatchWrite (sweep-child.ts, `floor`);
//   all-writes floor  the same Query, then every write sweep 1 made, as the database received it (captured
//            here), replayed without conditions: snapshots, light points, decisions with their audit records,
//            the summary (sweep-child.ts, `floor-all`). The sweep must write all of these, the floor only
//            the snapshots.
// Prints a table of medians (and each run's figures), then as its last line one JSON object.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { type IncomingMessage, Server } from 'node:http';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startDynamo } from '../../infra/local/dynamodb.js';

const USAGE = `usage: npm run bench -- sweep [--sizes 400,2000] [--runs N] [--store memory|disk] [--keep DIR]
  --sizes  executing projects per department, comma-separated (default 400,2000)
  --runs   fresh departments per size, interleaved; figures are medians (default 3)
  --store  the local database in memory (default) or in a temporary directory (LevelDB on disk)
  --keep   build the bundles into DIR and keep them (default: a temporary directory, removed)
  --profile  write V8 CPU profiles of each first sweep (its worker process, and the database's) into DIR
  --no-minify  bundle the worker unminified (readable CPU profiles; not what CDK deploys)
  --node-flags  more flags for the worker's node process (e.g. "--max-semi-space-size=2"), to try settings`;

const AS_OF = '2026-08-31';
const FISCAL_YEAR = 2026;
/** The scheduled sweep of a checkpoint runs the next morning (09:00 in Shanghai). */
const NOW = new Date('2026-09-01T01:00:00.000Z');
const TABLE = 'bench-sweep';
const SEED_PARALLEL = 8;
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Options {
  sizes: number[];
  runs: number;
  store: 'memory' | 'disk';
  keep?: string;
  profile?: string;
  nodeFlags: string[];
  minify: boolean;
}

function options(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      sizes: { type: 'string', default: '400,2000' },
      runs: { type: 'string', default: '3' },
      store: { type: 'string', default: 'memory' },
      keep: { type: 'string' },
      profile: { type: 'string' },
      'node-flags': { type: 'string', default: '' },
      'no-minify': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) usage();
  if (positionals.length) usage(`unexpected argument ${positionals[0]}`);
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`--${name} must be integers ≥ ${min}, not ${v}`);
    return n;
  };
  if (values.store !== 'memory' && values.store !== 'disk') usage('--store is memory or disk');
  return {
    sizes: values.sizes.split(',').map((s) => int('sizes', s.trim(), 1)),
    runs: int('runs', values.runs, 1),
    store: values.store,
    keep: values.keep,
    profile: values.profile,
    nodeFlags: values['node-flags'].split(' ').filter(Boolean),
    minify: !values['no-minify'],
  };
}

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The worker bundle as CDK builds it (NodejsFunction: ESM, minified, source maps, the require banner). */
export async function bundle(entry: string, outfile: string, minify = true) {
  const out = await build({
    entryPoints: [join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    minify,
    sourcemap: true,
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  if (out.errors.length) throw new Error(`esbuild failed for ${entry}`);
  return (await stat(outfile)).size;
}

/**
 * What the database (in this process) did meanwhile: its requests by operation (X-Amz-Target), counted by
 * wrapping the HTTP server's `request` event, and this process's CPU time (the database's work: nothing
 * else runs here while a child measures).
 */
const requestsByTarget = new Map<string, number>();
/** The sweep's writes as the database received them (request bodies), while a sweep is being captured. */
let capturing: { target: string; body: string }[] | undefined;
const WRITES = new Set(['BatchWriteItem', 'TransactWriteItems']);
function countDatabaseRequests() {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (this: Server, event: string, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as IncomingMessage;
      const target = String(req.headers['x-amz-target'] ?? '?')
        .split('.')
        .pop()!;
      requestsByTarget.set(target, (requestsByTarget.get(target) ?? 0) + 1);
      const into = capturing;
      if (into && WRITES.has(target)) {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => into.push({ target, body: Buffer.concat(chunks).toString('utf8') }));
      }
    }
    return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
  } as typeof emit;
}
async function withDatabaseFigures<T extends Figures>(work: (restart: () => void) => Promise<T>) {
  requestsByTarget.clear();
  let cpu = process.cpuUsage();
  const out = await work(() => {
    requestsByTarget.clear();
    cpu = process.cpuUsage();
  });
  const used = process.cpuUsage(cpu);
  const requests = Object.fromEntries(requestsByTarget);
  return { ...out, dbCpuMs: Math.round((used.user + used.system) / 1000), requests };
}

/** Runs the child harness once with `args`, in the environment of a worker pointed at the database. */
function child(
  harness: string,
  args: object,
  env: NodeJS.ProcessEnv,
  flags: string[] = [],
  onTimed?: () => void,
): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    // As in Lambda (app-function.ts sets NODE_OPTIONS=--enable-source-maps).
    const p = spawn(process.execPath, ['--enable-source-maps', ...flags, harness, JSON.stringify(args)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => {
      stdout += d;
      if (onTimed && stdout.includes('timed\n')) {
        onTimed();
        onTimed = undefined;
      }
    });
    p.stderr.on('data', (d) => {
      stderr += d;
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(last));
      } catch (err) {
        reject(new Error(`bench child failed (${(err as Error).message}):\n${stdout}\n${stderr}`));
      }
    });
  });
}

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: TABLE,
    POWERTOOLS_LOG_LEVEL: 'WARN',
  };
  // The store modules create their client lazily from the environment: set it before importing them.
  Object.assign(process.env, env);
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const work = opts.keep ?? (await mkdtemp(join(tmpdir(), 'bench-sweep-')));
  const dbDir = opts.store === 'disk' ? join(work, 'db') : undefined;
  countDatabaseRequests();
  const dynamo = await startDynamo({ path: dbDir });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  try {
    await run(opts, work, env);
  } finally {
    const { documentClient } = await import('../../shared/store/client.js');
    documentClient().destroy();
    await dynamo.close();
    if (!opts.keep) await rm(work, { recursive: true, force: true });
  }
}

type Figures = Record<string, number>;

async function run(opts: Options, work: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { ensureTable, localDynamoClient } = await import('../../infra/local/table.js');
  const { Db } = await import('../../shared/store/db.js');
  const { startSweep, newSweepId, getSweep } = await import('../../shared/store/monitoring.js');
  const { seedItems } = await import('./seed.js');

  const { queues } = await import('../../functions/jobs/schedules.js');
  /** The worker's V8 flags as its queue declaration gives them to Lambda (NODE_OPTIONS). */
  const workerNodeOptions = queues.find((q) => q.name === 'sweep')?.nodeOptions ?? [];
  const workerBundle = join(work, 'worker', 'index.mjs');
  const harness = join(work, 'child', 'index.mjs');
  const workerBytes = await bundle('functions/jobs/sweep-worker.ts', workerBundle, opts.minify);
  await bundle('test/bench/sweep-child.ts', harness);
  console.log(
    `bench sweep: departments of ${opts.sizes.join(' and ')} executing projects, ${opts.runs} run(s) each, ` +
      `as of ${AS_OF}; database in this process (${opts.store}), the worker bundle ` +
      `(${round(workerBytes / 1024, 0)} KB) in a fresh process per department (node ${process.version} ` +
      `${['--enable-source-maps', ...workerNodeOptions, ...opts.nodeFlags].join(' ')})`,
  );

  const seedClient = localDynamoClient(env.AWS_ENDPOINT_URL_DYNAMODB!);
  await ensureTable(seedClient, TABLE);
  const db = new Db();
  const layout = Array.from({ length: opts.runs }, (_, r) =>
    opts.sizes.map((size) => ({ id: `D-S${size}-R${r + 1}`, projects: size })),
  ).flat();
  const seedStarted = performance.now();
  const { items, mix } = seedItems({
    projects: 0,
    departments: 0,
    fiscalYear: FISCAL_YEAR,
    asOf: AS_OF,
    layout,
  });
  const writer = async () => {
    for (;;) {
      const chunk = [];
      for (let next = items.next(); !next.done; next = items.next()) {
        chunk.push(next.value);
        if (chunk.length === 25) break;
      }
      if (!chunk.length) return;
      await db.batchPut(chunk);
    }
  };
  await Promise.all(Array.from({ length: SEED_PARALLEL }, writer));
  seedClient.destroy();
  console.log(
    `seeded ${mix.items} items (${mix.projects} projects in ${mix.departments} departments) in ` +
      `${((performance.now() - seedStarted) / 1000).toFixed(1)} s (not measured); drawn: execution ` +
      `${fmt(mix.execution)}; reports ${fmt(mix.reports)}; June notices ${fmt(mix.juneNotices)}`,
  );

  const sweepOf = async (departmentId: string, profile = false, captureTo?: string) => {
    const sweepId = newSweepId(AS_OF);
    await startSweep(
      db,
      {
        sweepId,
        asOf: AS_OF,
        fiscalYear: FISCAL_YEAR,
        trigger: 'request',
        startedAt: NOW.toISOString(),
        startedBy: 'bench',
        departments: 1,
        configVersion: 1,
      },
      [departmentId],
    );
    const w = { sweepId, asOf: AS_OF, fiscalYear: FISCAL_YEAR, configVersion: 1, departmentId };
    const flags = [
      ...workerNodeOptions,
      ...opts.nodeFlags,
      ...(profile && opts.profile ? ['--cpu-prof', '--cpu-prof-dir', opts.profile] : []),
    ];
    const session = profile && opts.profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    capturing = captureTo ? [] : undefined;
    const { requests, ...figures } = await withDatabaseFigures(() =>
      child(harness, { mode: 'sweep', bundle: workerBundle, work: w }, env, flags),
    );
    if (captureTo && capturing) await writeFile(captureTo, JSON.stringify(capturing));
    capturing = undefined;
    if (session && opts.profile) {
      const { profile: data } = await session.post('Profiler.stop');
      await writeFile(join(opts.profile, `database-${departmentId}.cpuprofile`), JSON.stringify(data));
      session.disconnect();
    }
    const summary = await getSweep(db, sweepId);
    if (figures.failures || !summary?.complete) throw new Error(`the sweep of ${departmentId} failed`);
    const all: Figures = {
      ...figures,
      projects: summary.projectsScanned,
      snapshots: summary.snapshotsWritten,
    };
    return { figures: all, summary, requests };
  };

  // The floors run with the worker's V8 flags too (its small young generation costs it more scavenges).
  const floorFlags = [...workerNodeOptions, ...opts.nodeFlags];
  const results = new Map<
    number,
    { first: Figures[]; second: Figures[]; floor: Figures[]; floorAll: Figures[] }
  >();
  for (const size of opts.sizes) results.set(size, { first: [], second: [], floor: [], floorAll: [] });
  for (let r = 1; r <= opts.runs; r++) {
    for (const size of opts.sizes) {
      const departmentId = `D-S${size}-R${r}`;
      const into = results.get(size)!;
      const writes = join(work, `writes-${departmentId}.json`);
      const { figures: first, summary, requests } = await sweepOf(departmentId, true, writes);
      const { figures: second, requests: again } = await sweepOf(departmentId);
      const { requests: _floorRequests, ...floor } = await withDatabaseFigures((restart) =>
        child(
          harness,
          { mode: 'floor', departmentId, fiscalYear: FISCAL_YEAR, table: TABLE },
          env,
          floorFlags,
          restart,
        ),
      );
      const { requests: _allRequests, ...floorAll } = await withDatabaseFigures((restart) =>
        child(
          harness,
          { mode: 'floor-all', departmentId, fiscalYear: FISCAL_YEAR, table: TABLE, writes },
          env,
          floorFlags,
          restart,
        ),
      );
      into.first.push(first);
      into.second.push(second);
      into.floor.push(floor);
      into.floorAll.push(floorAll);
      console.log(
        `run ${r} · ${size}: sweep 1 ${first.ms} ms (CPU ${first.cpuMs} ms; ${first.snapshots} snapshots, notices ` +
          `${summary.rectificationsIssued}, overdue ${summary.rectificationsOverdue}, clawbacks ` +
          `${summary.clawbacksRecommended}; lights ${fmt(summary.lights)}), heap peak ${first.heapPeakMb} MB ` +
          `(after GC ${first.liveHeapPeakMb}), GC pauses ${first.gcMinor} scavenges ${first.gcMinorMs} ms + ` +
          `${first.gcMajor} other ${first.gcMajorMs} ms, peak RSS ${first.peakRssMb} MB (${first.peakRssAtLoadMb} at load) · ` +
          `sweep 2 ${second.ms} ms (CPU ${second.cpuMs} ms; ${second.snapshots} snapshots), peak RSS ${second.peakRssMb} MB · ` +
          `floor ${floor.ms} ms (CPU ${floor.cpuMs} ms, database CPU ${floor.dbCpuMs} ms; read ${floor.readMs} ms; items ${floor.projectItemBytes} B/project, ` +
          `${floor.snapshotItemBytes} B/snapshot as JSON)`,
      );
      console.log(
        `          floor of every write: ${floorAll.ms} ms (CPU ${floorAll.cpuMs} ms, database CPU ` +
          `${floorAll.dbCpuMs} ms; GC pauses ${floorAll.gcMinorMs} + ${floorAll.gcMajorMs} ms, heap peak ` +
          `${floorAll.heapPeakMb} MB; read ${floorAll.readMs} ms; ${floorAll.batchItems} items by BatchWrite in ` +
          `${floorAll.batchWrites} requests, ${floorAll.transactions} transactions of ${floorAll.transactItems} ` +
          `actions)`,
      );
      console.log(
        `          sweep 1 database: CPU ${first.dbCpuMs} ms, requests ${fmt(requests)} · sweep 2 database: ` +
          `CPU ${second.dbCpuMs} ms, requests ${fmt(again)}`,
      );
    }
  }

  const table: Record<string, number>[] = [];
  console.log('\nmedians per department size (each figure from the worker process alone):');
  console.log(
    '  size | sweep 1 ms | floor ms | ratio | CPU ratio | all-writes floor ms | ratio | CPU ratio | heap peak MB | heap after GC MB | peak RSS MB | RSS at load MB | sweep 2 ms | sweep 2 RSS MB',
  );
  for (const size of opts.sizes) {
    const { first, second, floor, floorAll } = results.get(size)!;
    const cpuOf = (f: Figures) => f.cpuMs! + f.dbCpuMs!;
    const m = (xs: Figures[], k: string) => median(xs.map((x) => x[k]!));
    const row = {
      projectsPerDepartment: size,
      sweepMs: m(first, 'ms'),
      floorMs: m(floor, 'ms'),
      ratioToFloor: round(median(first.map((f, i) => f.ms! / floor[i]!.ms!)), 2),
      cpuRatioToFloor: round(median(first.map((f, i) => cpuOf(f) / cpuOf(floor[i]!))), 2),
      allWritesFloorMs: m(floorAll, 'ms'),
      ratioToAllWritesFloor: round(median(first.map((f, i) => f.ms! / floorAll[i]!.ms!)), 2),
      cpuRatioToAllWritesFloor: round(median(first.map((f, i) => cpuOf(f) / cpuOf(floorAll[i]!))), 2),
      workerCpuMs: m(first, 'cpuMs'),
      floorCpuMs: m(floor, 'cpuMs'),
      allWritesFloorCpuMs: m(floorAll, 'cpuMs'),
      heapPeakMb: m(first, 'heapPeakMb'),
      liveHeapPeakMb: m(first, 'liveHeapPeakMb'),
      peakRssMb: m(first, 'peakRssMb'),
      peakRssAtLoadMb: m(first, 'peakRssAtLoadMb'),
      secondSweepMs: m(second, 'ms'),
      secondSweepPeakRssMb: m(second, 'peakRssMb'),
      projectItemBytes: m(floor, 'projectItemBytes'),
      snapshotItemBytes: m(floor, 'snapshotItemBytes'),
    };
    table.push(row);
    console.log(
      `  ${String(size).padStart(4)} | ${String(row.sweepMs).padStart(10)} | ${String(row.floorMs).padStart(8)} | ` +
        `${row.ratioToFloor.toFixed(2).padStart(5)} | ${row.cpuRatioToFloor.toFixed(2).padStart(9)} | ` +
        `${String(row.allWritesFloorMs).padStart(19)} | ${row.ratioToAllWritesFloor.toFixed(2).padStart(5)} | ` +
        `${row.cpuRatioToAllWritesFloor.toFixed(2).padStart(9)} | ` +
        `${String(row.heapPeakMb).padStart(12)} | ` +
        `${String(row.liveHeapPeakMb).padStart(16)} | ${String(row.peakRssMb).padStart(11)} | ` +
        `${String(row.peakRssAtLoadMb).padStart(14)} | ${String(row.secondSweepMs).padStart(10)} | ` +
        `${String(row.secondSweepPeakRssMb).padStart(14)}`,
    );
  }
  console.log(
    '  ratio = sweep 1 ÷ floor (wall), CPU ratio = (worker + database CPU) of sweep 1 ÷ that of the floor; ' +
      'each the median of the runs’ own ratios. Wall times on a shared machine are noisy: compare ratios.',
  );
  console.log(
    '  all-writes floor = the same Query of every project, then every write sweep 1 made (its BatchWrites of ' +
      'snapshots and light points, its transactions of decisions and the summary, replayed without their ' +
      'conditions), one request after another; what the sweep must write, not only the snapshots.',
  );
  console.log(
    `  worker CPU ms (median): sweep 1 ${table.map((r) => r.workerCpuMs).join('/')}, floor ` +
      `${table.map((r) => r.floorCpuMs).join('/')}, all-writes floor ${table.map((r) => r.allWritesFloorCpuMs).join('/')}`,
  );
  console.log(JSON.stringify({ workerBundleKb: round(workerBytes / 1024, 0), sizes: table }));
}

function fmt(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
