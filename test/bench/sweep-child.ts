// One measurement of `npm run bench -- sweep`, in a fresh Node process of its own (bundled by the bench with
// esbuild, like the functions), so what it reports is this process's alone; the database runs in the
// parent. Two modes, the argument a JSON object:
//
//   sweep  {"mode":"sweep","bundle":"/…/worker/index.mjs","work":{…DepartmentWork}}
//          imports the sweep worker's bundle (functions/jobs/sweep-worker.ts, built as CDK builds it) and
//          hands it one SQS message: the department. Times the invocation (the import apart), samples the
//          heap, and reads the process's peak RSS (VmHWM) from /proc/self/status.
//   floor  {"mode":"floor","departmentId":"…","fiscalYear":2026,"table":"…"}
//          the I/O the sweep cannot avoid, on the same database: every executing project of the department
//          read by Query (whole items, pages of 100, as the product's document client reads them) and every
//          snapshot of the department written by BatchWrite (25 a request, one after another). The
//          snapshots are read first, untimed: the floor writes exactly the items the sweep wrote.
//   floor-all  {"mode":"floor-all","departmentId":"…","fiscalYear":2026,"table":"…","writes":"/…/writes.json"}
//          the same Query, then every write the sweep made, as the database received it (BatchWriteItem and
//          TransactWriteItems bodies, captured by the parent): the BatchWrites again (25 items a request, one
//          after another) and each transaction again without its conditions (they held once; the items now
//          exist), through the document client as the worker writes them.
//
// Prints one JSON line with its figures.
import { readFileSync } from 'node:fs';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/store/keys.js';

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

/** VmHWM (the peak resident set of this process so far) and VmRSS, in MB, from /proc/self/status. */
function procStatus(): { hwm: number; rss: number } {
  const text = readFileSync('/proc/self/status', 'utf8');
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { hwm: Math.round((kb('VmHWM') / 1024) * 10) / 10, rss: Math.round((kb('VmRSS') / 1024) * 10) / 10 };
}

const MAJOR_GC = constants.NODE_PERFORMANCE_GC_MAJOR;
const MINOR_GC = constants.NODE_PERFORMANCE_GC_MINOR;

/**
 * The heap while something runs: heapUsed sampled every 5 ms (the largest seen), and heapUsed right after
 * each full garbage collection (the largest: the live heap, what the work really holds; 0 if none ran).
 */
function heapSampler() {
  // getHeapStatistics, not process.memoryUsage(): that one reads the RSS from /proc too (~50 µs a call,
  // 80 ms of a 2,000-project sweep's CPU every 5 ms).
  const heapUsed = () => getHeapStatistics().used_heap_size;
  let peak = heapUsed();
  let live = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, heapUsed());
  }, 5);
  /** Pauses of the main thread for garbage collection: scavenges (minor) and the rest (major, incremental). */
  let minorMs = 0;
  let minor = 0;
  let majorMs = 0;
  let major = 0;
  const gc = new PerformanceObserver((list) => {
    let full = false;
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === MINOR_GC) {
        minor++;
        minorMs += e.duration;
      } else {
        major++;
        majorMs += e.duration;
      }
      full ||= kind === MAJOR_GC;
    }
    // After a full (mark-sweep) collection heapUsed is what is really held; a scavenge leaves old garbage.
    if (full) live = Math.max(live, heapUsed());
  });
  gc.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      clearInterval(timer);
      gc.disconnect();
      peak = Math.max(peak, heapUsed());
      return {
        heapPeakMb: mb(peak),
        liveHeapPeakMb: mb(live),
        gcMinor: minor,
        gcMinorMs: Math.round(minorMs),
        gcMajor: major,
        gcMajorMs: Math.round(majorMs),
      };
    },
  };
}

interface SweepArgs {
  mode: 'sweep';
  bundle: string;
  work: { departmentId: string };
}
interface FloorArgs {
  mode: 'floor' | 'floor-all';
  departmentId: string;
  fiscalYear: number;
  table: string;
  /** floor-all: the sweep's writes as the database received them (a JSON array of {target, body}). */
  writes?: string;
}

type Native = Record<string, unknown>;
type Wire = Record<string, Record<string, unknown>>;
/** One element of TransactItems as sent (the names the worker uses; ConditionCheck ignored). */
interface WireAction {
  Put?: { TableName: string; Item: Wire };
  Update?: {
    TableName: string;
    Key: Wire;
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Wire;
  };
  Delete?: { TableName: string; Key: Wire };
}
/** A DynamoDB AttributeValue (the wire's JSON) as the document client's plain value. */
function native(v: Record<string, unknown>): unknown {
  if ('S' in v) return v.S;
  if ('N' in v) return Number(v.N);
  if ('BOOL' in v) return v.BOOL;
  if ('NULL' in v) return null;
  if ('L' in v) return (v.L as Record<string, unknown>[]).map(native);
  if ('M' in v) return nativeMap(v.M as Record<string, Record<string, unknown>>);
  if ('SS' in v) return new Set(v.SS as string[]);
  if ('NS' in v) return new Set((v.NS as string[]).map(Number));
  throw new Error(`unexpected attribute value ${JSON.stringify(v)}`);
}
const nativeMap = (m: Record<string, Record<string, unknown>> | undefined): Native | undefined =>
  m && Object.fromEntries(Object.entries(m).map(([k, v]) => [k, native(v)]));

/**
 * The sweep's writes, to make again: the items of its BatchWrites, and its transactions without their
 * conditions (and the names and values only those used), in the document client's terms.
 */
function sweepWrites(file: string) {
  const captured = JSON.parse(readFileSync(file, 'utf8')) as { target: string; body: string }[];
  const items: Native[] = [];
  const transactions: NonNullable<TransactWriteCommandInput['TransactItems']>[] = [];
  const used = <V>(expr: string, m: Record<string, V> | undefined): Record<string, V> | undefined => {
    if (!m) return undefined;
    const kept = Object.entries(m).filter(([k]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(expr));
    return kept.length ? Object.fromEntries(kept) : undefined;
  };
  for (const { target, body } of captured) {
    const input = JSON.parse(body);
    if (target === 'BatchWriteItem') {
      for (const requests of Object.values(input.RequestItems) as { PutRequest?: { Item: never } }[][]) {
        for (const r of requests) if (r.PutRequest) items.push(nativeMap(r.PutRequest.Item)!);
      }
      continue;
    }
    const actions: NonNullable<TransactWriteCommandInput['TransactItems']> = [];
    for (const a of input.TransactItems as WireAction[]) {
      if (a.Put) actions.push({ Put: { TableName: a.Put.TableName, Item: nativeMap(a.Put.Item) } });
      else if (a.Update) {
        const expr: string = a.Update.UpdateExpression;
        actions.push({
          Update: {
            TableName: a.Update.TableName,
            Key: nativeMap(a.Update.Key),
            UpdateExpression: expr,
            ExpressionAttributeNames: used<string>(expr, a.Update.ExpressionAttributeNames),
            ExpressionAttributeValues: nativeMap(
              used<Record<string, unknown>>(expr, a.Update.ExpressionAttributeValues),
            ),
          },
        });
      } else if (a.Delete)
        actions.push({ Delete: { TableName: a.Delete.TableName, Key: nativeMap(a.Delete.Key) } });
      // A ConditionCheck writes nothing: left out.
    }
    if (actions.length) transactions.push(actions);
  }
  return { items, transactions };
}

async function sweep(args: SweepArgs) {
  const importStarted = performance.now();
  const worker = (await import(pathToFileURL(args.bundle).href)) as {
    handler: (event: unknown) => Promise<{ batchItemFailures: unknown[] }>;
  };
  const importMs = performance.now() - importStarted;
  const loaded = procStatus();
  const heap = heapSampler();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const out = await worker.handler({
    Records: [
      {
        messageId: `bench-${args.work.departmentId}`,
        receiptHandle: 'bench',
        body: JSON.stringify(args.work),
        attributes: {},
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-sweep',
        awsRegion: 'us-east-1',
      },
    ],
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const memory = heap.stop();
  const done = procStatus();
  return {
    ms: Math.round(ms),
    cpuMs: Math.round((used.user + used.system) / 1000),
    importMs: Math.round(importMs),
    failures: out.batchItemFailures.length,
    ...memory,
    rssAtLoadMb: loaded.rss,
    peakRssAtLoadMb: loaded.hwm,
    peakRssMb: done.hwm,
  };
}

async function floor(args: FloorArgs) {
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  // Untimed: the snapshots the sweep wrote, to write them again.
  const snapshots: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: args.table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.departmentSnapshots(args.departmentId, args.fiscalYear) },
        ExclusiveStartKey: start,
      }),
    );
    snapshots.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);

  const again = args.mode === 'floor-all' && args.writes ? sweepWrites(args.writes) : undefined;
  const toWrite = again ? again.items : snapshots;

  // The parent starts counting the database's work at this line.
  console.log('timed');
  const heap = heapSampler();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let projects = 0;
  let projectBytes = 0;
  do {
    const out: QueryCommandOutput = await client.send(
      new QueryCommand({
        TableName: args.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :sk)',
        ExpressionAttributeValues: {
          ':pk': keys.departmentProjects(args.departmentId),
          ':sk': keys.projectsOfYearStatus(args.fiscalYear, 'executing'),
        },
        Limit: 100,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      projects++;
      projectBytes += JSON.stringify(item).length;
    }
    start = out.LastEvaluatedKey;
  } while (start);
  const readMs = performance.now() - started;
  let batchWrites = 0;
  for (let i = 0; i < toWrite.length; i += 25) {
    let requests = toWrite.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      batchWrites++;
      const out = await client.send(new BatchWriteCommand({ RequestItems: { [args.table]: requests } }));
      requests = (out.UnprocessedItems?.[args.table] ?? []) as typeof requests;
    }
  }
  for (const TransactItems of again?.transactions ?? []) {
    await client.send(new TransactWriteCommand({ TransactItems }));
  }
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const memory = heap.stop();
  const snapshotBytes = snapshots.reduce((n, s) => n + JSON.stringify(s).length, 0);
  return {
    ms: Math.round(ms),
    cpuMs: Math.round((used.user + used.system) / 1000),
    readMs: Math.round(readMs),
    ...memory,
    projects,
    snapshots: snapshots.length,
    batchItems: toWrite.length,
    batchWrites,
    transactions: again?.transactions.length ?? 0,
    transactItems: again?.transactions.reduce((n, t) => n + t.length, 0) ?? 0,
    projectItemBytes: projects ? Math.round(projectBytes / projects) : 0,
    snapshotItemBytes: snapshots.length ? Math.round(snapshotBytes / snapshots.length) : 0,
  };
}

const args = JSON.parse(process.argv[2] ?? '{}') as SweepArgs | FloorArgs;
const result = args.mode === 'sweep' ? await sweep(args) : await floor(args);
console.log(JSON.stringify(result));
process.exit(0);
