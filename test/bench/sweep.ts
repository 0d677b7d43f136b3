// `npm run bench -- sweep [--projects N] [--departments M] [--concurrency C] [--store memory|disk]
//                         [--cpu-profile FILE]`
//
// Seeds N executing projects (default 20,000) in M departments (default 50) into a fresh local DynamoDB
// (dynalite with transactions, in this process), runs the real monitoring sweep (runSweepHere, the code the
// HTTP route and the scheduled job run) as of the August checkpoint, then a second sweep of the same day
// (nothing changed). Prints what it saw, then as its last line one JSON object:
//   {"projects":…,"seconds":…,"projectsPerSecond":…,"requestsPerProject":…,"peakRssMb":…}
// for the first sweep. Seeding is not measured.
//
// Requests are counted by a middleware on the product's document client (shared/store/client.ts) at the
// `finalizeRequest` step, inside the SDK's retry loop: every HTTP request counts, retries included.
// The local database runs in this process, so seconds, CPU and RSS include the database's own work.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDynamo } from '../../infra/local/dynamodb.js';

const USAGE = `usage: npm run bench -- sweep [--projects N] [--departments M] [--concurrency C]
                               [--store memory|disk] [--cpu-profile FILE]
  --projects     executing projects to seed (default 20000)
  --departments  departments they are spread over (default 50)
  --concurrency  departments swept at a time (default 4, the product's default)
  --store        the local database in memory (default) or in a temporary directory (LevelDB on disk)
  --cpu-profile  write V8 CPU profiles of the sweeps to FILE and FILE-second (.cpuprofile)`;

const AS_OF = '2026-08-31';
/** The scheduled sweep of a checkpoint runs the next morning (09:00 in Shanghai). */
const NOW = new Date('2026-09-01T01:00:00.000Z');
const ACTOR = { sub: 'system:monitoring-sweep', role: 'finance' } as const;
const TABLE = 'bench-sweep';
const SEED_PARALLEL = 8;

interface Options {
  projects: number;
  departments: number;
  concurrency: number;
  store: 'memory' | 'disk';
  cpuProfile?: string;
}

function options(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      projects: { type: 'string', default: '20000' },
      departments: { type: 'string', default: '50' },
      concurrency: { type: 'string', default: '4' },
      store: { type: 'string', default: 'memory' },
      'cpu-profile': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`--${name} must be an integer ≥ ${min}, not ${v}`);
    return n;
  };
  if (values.help) usage();
  if (positionals.length) usage(`unexpected argument ${positionals[0]}`);
  if (values.store !== 'memory' && values.store !== 'disk') usage(`--store is memory or disk`);
  return {
    projects: int('projects', values.projects, 1),
    departments: int('departments', values.departments, 1),
    concurrency: int('concurrency', values.concurrency, 1),
    store: values.store,
    cpuProfile: values['cpu-profile'],
  };
}

function usage(problem?: string): never {
  if (problem) console.error(problem);
  console.error(USAGE);
  process.exit(problem ? 2 : 0);
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

/** The largest RSS seen, sampled every 50 ms (and at start and stop). */
function rssSampler() {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 50);
  return {
    start,
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return peak;
    },
  };
}

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  if (opts.departments > opts.projects) usage('--departments must not exceed --projects');

  // The store modules create their client lazily from the environment: set it before importing them.
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TABLE_NAME: TABLE,
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const dir = opts.store === 'disk' ? await mkdtemp(join(tmpdir(), 'bench-sweep-')) : undefined;
  const dynamo = await startDynamo({ path: dir });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  /** Clients to destroy before the database closes: they keep idle sockets open. */
  const clients: { destroy(): void }[] = [];
  try {
    await run(opts, dynamo.endpoint, dir, clients);
  } finally {
    for (const c of clients) c.destroy();
    await dynamo.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

async function run(
  opts: Options,
  endpoint: string,
  dir: string | undefined,
  clients: { destroy(): void }[],
): Promise<void> {
  const { DynamoDBDocumentClient } = await import('@aws-sdk/lib-dynamodb');
  const { ensureTable, localDynamoClient } = await import('../../infra/local/table.js');
  const { documentClient } = await import('../../shared/store/client.js');
  const { Db } = await import('../../shared/store/db.js');
  const { runSweepHere } = await import('../../shared/app/sweep.js');
  const { seedItems } = await import('./seed.js');
  const { countRequests } = await import('./request-counter.js');

  // Seeding goes through a client of its own, so the product client counts only the sweeps.
  const seedClient = localDynamoClient(endpoint);
  const seedDoc = DynamoDBDocumentClient.from(seedClient, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  clients.push(seedClient, documentClient());

  console.log(
    `bench sweep: ${opts.projects} projects in ${opts.departments} departments, as of ${AS_OF}, ` +
      `concurrency ${opts.concurrency}, database ${opts.store === 'disk' ? `on disk (${dir})` : 'in memory'}`,
  );
  await ensureTable(seedClient, TABLE);

  // ------------------------------------------------------------ seed (not measured)
  const seedStarted = performance.now();
  const seedDb = new Db(seedDoc, TABLE);
  const { items, mix } = seedItems({
    projects: opts.projects,
    departments: opts.departments,
    fiscalYear: Number(AS_OF.slice(0, 4)),
    asOf: AS_OF,
  });
  const writer = async () => {
    for (;;) {
      const chunk = [];
      for (let next = items.next(); !next.done; next = items.next()) {
        chunk.push(next.value);
        if (chunk.length === 25) break;
      }
      if (!chunk.length) return;
      await seedDb.batchPut(chunk);
    }
  };
  await Promise.all(Array.from({ length: SEED_PARALLEL }, writer));
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  console.log(
    `seeded ${mix.items} items (${mix.departments} departments, ${mix.projects} projects, ` +
      `${mix.smallestDepartment}–${mix.largestDepartment} per department) in ${seedSeconds.toFixed(1)} s`,
  );
  console.log(
    `  drawn: execution ${fmt(mix.execution)}, with a disbursement plan ${mix.withPlan}; ` +
      `reports ${fmt(mix.reports)}; goal progress ${fmt(mix.goalClass)}; June notices ${fmt(mix.juneNotices)}`,
  );

  // ------------------------------------------------------------ the sweeps (measured)
  const client = documentClient();
  const counter = countRequests(client.middlewareStack);
  const db = new Db();

  const sweep = async (label: string, profile?: string) => {
    counter.reset();
    const session = profile ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const rss = rssSampler();
    const cpu = process.cpuUsage();
    const started = performance.now();
    const summary = await runSweepHere(
      { db },
      {
        asOf: AS_OF,
        trigger: 'request',
        actor: ACTOR,
        now: NOW,
        concurrency: opts.concurrency,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const peakRss = rss.stop();
    if (session && profile) {
      const { profile: data } = await session.post('Profiler.stop');
      await writeFile(profile, JSON.stringify(data));
      session.disconnect();
    }
    const { requests, commands } = counter.total();
    const byCommand = counter.byCommand();
    console.log(
      `${label}: ${summary.sweepId}, ${seconds.toFixed(2)} s wall, ` +
        `${((used.user + used.system) / 1e6).toFixed(2)} s CPU (client and database share this process), ` +
        `peak RSS ${mb(peakRss)} MB (${mb(rss.start)} MB at its start: the seeded database lives in this process)`,
    );
    console.log(
      `  scanned ${summary.projectsScanned} projects in ${summary.departmentsDone}/${summary.departments} ` +
        `departments; execution lights ${fmt(summary.lights)}`,
    );
    console.log(
      `  notices issued ${summary.rectificationsIssued}, marked overdue ${summary.rectificationsOverdue}, ` +
        `clawbacks recommended ${summary.clawbacksRecommended}, snapshots written ${summary.snapshotsWritten}`,
    );
    console.log(
      `  ${requests} HTTP requests (${commands} commands), ${(requests / summary.projectsScanned).toFixed(4)} per project:`,
    );
    for (const [name, s] of Object.entries(byCommand)) {
      console.log(
        `    ${name.padEnd(18)} ${String(s.requests).padStart(7)} requests ` +
          `${(s.requests / summary.projectsScanned).toFixed(4).padStart(8)}/project  ` +
          `${String(s.items).padStart(8)} items  ${(s.ms / 1000).toFixed(2).padStart(8)} s summed latency`,
      );
    }
    if (summary.projectsScanned !== opts.projects) {
      console.log(`  WARNING: the sweep scanned ${summary.projectsScanned} of ${opts.projects} projects`);
    }
    return { summary, seconds, requests, peakRss };
  };

  const first = await sweep('sweep 1 (fresh)', opts.cpuProfile);
  const secondProfile = opts.cpuProfile?.replace(/(\.cpuprofile)?$/, '-second.cpuprofile');
  await sweep('sweep 2 (same day, nothing changed)', secondProfile);
  console.log(
    `process: max RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB over the whole run (seeding included)`,
  );
  if (opts.cpuProfile) console.log(`CPU profiles of the sweeps: ${opts.cpuProfile}, ${secondProfile}`);

  const projects = first.summary.projectsScanned;
  console.log(
    JSON.stringify({
      projects,
      seconds: round(first.seconds, 2),
      projectsPerSecond: round(projects / first.seconds, 1),
      requestsPerProject: round(first.requests / projects, 4),
      peakRssMb: mb(first.peakRss),
    }),
  );
}

function fmt(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}
