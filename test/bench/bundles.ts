// `npm run bench -- bundles [--runs N] [--only name,name]`
//
// Builds every Lambda function exactly as CDK does (infra/aws/constructs/bundling.ts: the same esbuild
// options and the same files beside the bundle), and a reference handler of the same kind made of public
// packages (test/bench/reference/handler.ts), then starts each N times (default 15) in a fresh Node process,
// interleaved (every run goes through all bundles, each run in another order), with the local system as
// its AWS (started as `npm start` starts it). Each start imports the bundle and calls `handler` once, as a
// cold start in Lambda: an API function gets a finance user's GET of its area's first GET route, a job its
// declared input, the sweep worker one department, the upload handler an upload that is not there.
// Prints one table of medians — size loaded at start, gzip, all the JavaScript of the asset, import ms, first
// call ms, RSS, ratios to the reference — and each bundle's heaviest packages (esbuild's metafile), then as
// its last line one JSON object with every figure.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { storageEvents } from '../../functions/events/registry.js';
import { apiAreas } from '../../functions/http/registry.js';
import { queues, schedules } from '../../functions/jobs/schedules.js';
import {
  type BundleOptions,
  bundleFunction,
  entryFile,
  filesLoadedAtStart,
} from '../../infra/aws/constructs/bundling.js';
import { repoRoot } from '../../infra/aws/settings.js';
import { docsArea, docsBuild } from '../../infra/aws/stack.js';
import { LOCAL_AUDIENCE, loadOrCreateKeys, signToken } from '../../infra/local/idp.js';
import { BUCKET_NAME, SES_FROM, TABLE_NAME } from '../../infra/local/system.js';
import { metricsNamespace, serviceName } from '../../shared/metric-names.js';
import { type LocalSystem, startSystem, stopSystem } from './system.js';

const USAGE = 'usage: npm run bench -- bundles [--runs N] [--only name,name]';
const REFERENCE = 'reference';
const coldStart = path.join(repoRoot, 'test/bench/cold-start.mjs');

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '15' },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.error(USAGE);
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs must be an integer ≥ 1, not ${values.runs}\n${USAGE}`);
    process.exit(2);
  }
  return { runs, only: values.only?.split(',').filter(Boolean) };
}

interface Target {
  name: string;
  entry: string;
  env: Record<string, string>;
  bundle?: BundleOptions;
  afterBundling?: (outputDir: string) => void;
  event: (ctx: EventContext) => unknown;
}

interface EventContext {
  finance: string;
}

const apiEvent = (method: string, routePath: string, bearer: string) => {
  const params: Record<string, string> = {};
  const rawPath = routePath.replace(/\{(\w+)\}/g, (_m, name: string) => {
    params[name] = 'BENCH';
    return 'BENCH';
  });
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} ${routePath}`,
    rawPath,
    rawQueryString: '',
    headers: { authorization: `Bearer ${bearer}`, host: 'bench.local', 'accept-language': 'zh-CN' },
    pathParameters: Object.keys(params).length ? params : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      requestId: 'c0ffee00-0000-4000-8000-000000000002',
      routeKey: `${method} ${routePath}`,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
};

/** Every function of the declarations, as the stack makes them (infra/aws/stack.ts), and the reference. */
function targets(): Target[] {
  const base = (entry: string) => path.basename(entry, '.ts');
  const list: Target[] = Object.entries(apiAreas).map(([area, def]) => {
    // A read a portal makes: the area's first GET whose path and query need nothing (else its first GET).
    const get = def.routes.find(
      (r) => r.method === 'GET' && !r.path.includes('{') && (r.query?.safeParse({}).success ?? true),
    ) ??
      def.routes.find((r) => r.method === 'GET') ?? { method: 'GET', path: '/none' };
    return {
      name: `http-${area}`,
      entry: def.entry,
      env: {},
      ...(area === docsArea ? { bundle: docsBuild.bundle, afterBundling: docsBuild.afterBundling } : {}),
      event: (ctx) => apiEvent(get.method, get.path, ctx.finance),
    };
  });
  for (const def of schedules) {
    list.push({ name: `job-${base(def.entry)}`, entry: def.entry, env: {}, event: () => def.input ?? {} });
  }
  for (const def of queues) {
    list.push({
      name: `worker-${def.name}`,
      entry: def.entry,
      env: {},
      event: () => ({
        Records: [
          {
            messageId: 'bench-1',
            body: JSON.stringify({
              sweepId: 'SWEEP-BENCH',
              asOf: '2026-03-02',
              fiscalYear: 2026,
              configVersion: 1,
              departmentId: 'D-BENCH',
            }),
            eventSource: 'aws:sqs',
          },
        ],
      }),
    });
  }
  for (const def of storageEvents) {
    list.push({
      name: `event-${def.name}`,
      entry: def.entry,
      env: {},
      event: () => ({
        Records: [
          {
            eventSource: 'aws:s3',
            eventName: 'ObjectCreated:Post',
            s3: { bucket: { name: BUCKET_NAME }, object: { key: `${def.prefix}bench/missing.pdf`, size: 1 } },
          },
        ],
      }),
    });
  }
  list.push({
    name: REFERENCE,
    entry: 'test/bench/reference/handler.ts',
    env: {},
    event: (ctx) => apiEvent('GET', '/reference/{id}', ctx.finance),
  });
  return list;
}

/** What Lambda and the stack put in a function's environment, pointed at the local system. */
function lambdaEnv(system: LocalSystem, name: string): Record<string, string> {
  const info = system.info;
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_OPTIONS: '--enable-source-maps',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    AWS_ENDPOINT_URL_DYNAMODB: info.dynamodb!,
    AWS_ENDPOINT_URL_S3: info.s3!,
    AWS_ENDPOINT_URL_SESV2: info.ses!,
    AWS_LAMBDA_FUNCTION_NAME: name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    // Tracing is on in Lambda (Tracing.ACTIVE): segments go by UDP to a daemon address nothing listens on.
    _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    TABLE_NAME,
    BUCKET_NAME,
    SES_FROM,
    POWERTOOLS_SERVICE_NAME: serviceName,
    POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    JWT_ISSUER: system.issuer,
    JWT_AUDIENCE: LOCAL_AUDIENCE,
  };
}

const packageOf = (input: string) => {
  const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return m ? m[1]! : 'own code';
};

interface Built {
  target: Target;
  file: string;
  startBytes: number;
  startGzip: number;
  allBytes: number;
  heaviest: [string, number][];
}

async function build(target: Target, outRoot: string): Promise<Built> {
  const outdir = path.join(outRoot, target.name);
  const meta = bundleFunction(target.entry, outdir, target.bundle);
  // The files the stack puts beside this bundle, where this bundle is (not /var/task).
  if (target.afterBundling) {
    target.env.DOCS_ASSETS_DIR = path.join(outdir, 'docs-assets');
    target.env.OPENAPI_FILE = path.join(outdir, 'openapi.json');
  }
  target.afterBundling?.(outdir);
  // What Node loads at the cold start (read from the built files), and every JavaScript file of the asset.
  const start = filesLoadedAtStart(outdir).map((f) => path.relative(repoRoot, f));
  const all = Object.keys(meta.outputs).filter((o) => o.endsWith('.mjs'));
  const bytesOf = (outs: string[]) => outs.reduce((n, o) => n + (meta.outputs[o]?.bytes ?? 0), 0);
  let startGzip = 0;
  for (const o of start) startGzip += gzipSync(await readFile(path.join(repoRoot, o))).length;
  const byPackage = new Map<string, number>();
  for (const o of start) {
    for (const [input, { bytesInOutput }] of Object.entries(meta.outputs[o]?.inputs ?? {})) {
      byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
    }
  }
  const heaviest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  return {
    target,
    file: path.join(outdir, entryFile),
    startBytes: bytesOf(start),
    startGzip,
    allBytes: bytesOf(all),
    heaviest,
  };
}

interface Sample {
  importMs: number;
  callMs: number;
  rssBytes: number;
  status?: number;
  error?: string;
}

function startOnce(file: string, event: unknown, env: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [coldStart, file, JSON.stringify(event)], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('COLD_START '));
      if (!line) {
        reject(new Error(`${file} exited ${code} without a result:\n${err.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('COLD_START '.length)) as Sample);
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const kb = (bytes: number) => Math.round(bytes / 1024);

export async function main(argv: string[]): Promise<void> {
  const opts = options(argv);
  const all = targets();
  const chosen = opts.only ? all.filter((t) => t.name === REFERENCE || opts.only!.includes(t.name)) : all;
  const outRoot = await mkdtemp(path.join(tmpdir(), 'bench-bundles-'));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bench-bundles-data-'));
  const system = await startSystem(dataDir);
  try {
    const built: Built[] = [];
    for (const t of chosen) built.push(await build(t, outRoot));
    const keys = await loadOrCreateKeys(dataDir);
    const ctx: EventContext = { finance: await signToken(keys, system.issuer, { role: 'finance' }) };
    const samples = new Map<string, Sample[]>(built.map((b) => [b.target.name, []]));
    for (let run = 0; run < opts.runs; run++) {
      // Interleaved: each run visits every bundle once, starting at another one each time.
      for (let i = 0; i < built.length; i++) {
        const b = built[(i + run) % built.length]!;
        const env = { ...lambdaEnv(system, b.target.name), ...b.target.env };
        samples.get(b.target.name)!.push(await startOnce(b.file, b.target.event(ctx), env));
      }
      process.stderr.write(`run ${run + 1}/${opts.runs}\r`);
    }
    process.stderr.write('\n');
    report(built, samples, opts.runs);
  } finally {
    await stopSystem(system);
    await rm(dataDir, { recursive: true, force: true });
    await rm(outRoot, { recursive: true, force: true });
  }
}

function report(built: Built[], samples: Map<string, Sample[]>, runs: number) {
  const rows = built.map((b) => {
    const s = samples.get(b.target.name)!;
    const outcomes = [...new Set(s.map((x) => x.error ?? String(x.status ?? 'ok')))].join('/');
    return {
      name: b.target.name,
      startKB: kb(b.startBytes),
      gzipKB: kb(b.startGzip),
      allKB: kb(b.allBytes),
      importMs: Math.round(median(s.map((x) => x.importMs))),
      firstCallMs: Math.round(median(s.map((x) => x.callMs))),
      rssMB: Math.round(median(s.map((x) => x.rssBytes)) / 1024 / 1024),
      outcome: outcomes,
      heaviest: b.heaviest.map(([p, n]) => [p, kb(n)] as const),
    };
  });
  const ref = rows.find((r) => r.name === REFERENCE)!;
  const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 100) / 100 : 0);
  console.log(
    `\nmedians of ${runs} cold starts each (fresh Node ${process.version} processes, interleaved; this machine is shared, so read the ratios)\n`,
  );
  console.log(
    '| bundle | KB at start | gzip KB | all JS KB | import ms | first call ms | RSS MB | size × ref | import × ref | first call |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.startKB} | ${r.gzipKB} | ${r.allKB} | ${r.importMs} | ${r.firstCallMs} | ${r.rssMB} | ${ratio(r.startKB, ref.startKB)} | ${ratio(r.importMs, ref.importMs)} | ${r.outcome} |`,
    );
  }
  console.log('\nheaviest packages loaded at start (KB in the bundle, esbuild metafile):');
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(24)} ${r.heaviest.map(([p, n]) => `${p} ${n}`).join(', ')}`);
  }
  console.log(JSON.stringify({ runs, bundles: rows }));
}
