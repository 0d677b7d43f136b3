import { createHash, randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StorageEventDef } from '../../functions/events/registry.js';

/**
 * The local stand-in for S3 → SQS → Lambda. s3rver emits each S3 event (`ObjectCreated:Post`, …, in the
 * notification's own shape: `{ Records: [...] }`) as an `event` on its Koa app — the S3rver instance itself.
 * Each event whose keys match a declared storage-event function's prefix becomes a message of that
 * function's queue, kept as a file under `$DATA_DIR/storage-events/<name>/queue/` — written synchronously
 * in s3rver's emit, before the upload's HTTP reply is finished, so an upload that was answered has its
 * event on disk. Messages are delivered one at a time, in the SQS shape (one record whose body is the
 * notification), to the very `handler` export Lambda calls; a message leaves the queue when the handler
 * does not name it in `batchItemFailures`. A failed message is received again after a pause (1 s, 2 s,
 * 4 s, …), `maxReceiveCount` times at most, then moves to `dead-letters/` (moving its file back to
 * `queue/` delivers it again at the next start). Messages still in the queue when the system stopped —
 * cleanly, or killed in the middle of an import — are delivered again when it starts: the handler is
 * idempotent and resumes the import where it stopped. A failing handler is logged, never crashes the
 * process.
 */
type Handler = (event: unknown) => Promise<unknown>;

export interface StorageEvents {
  /** Resolves once every message delivered so far has left the queue (handled, or dead-lettered). */
  whenIdle(): Promise<void>;
  /** Stops delivering (what is in the queue stays there for the next start) and waits for the delivery under way. */
  stop(waitMs?: number): Promise<void>;
}

export interface StorageEventOptions {
  /** Where the queues live: `<dataDir>/storage-events/<name>/`. */
  dataDir: string;
  /** The handler of a declaration (default: its `entry`'s `handler` export, under `root`). */
  loadHandler?: (def: StorageEventDef) => Promise<Handler>;
  /** The pause before the n-th receipt of a failed message (default: 1 s × 2^(n-2), at most 30 s). */
  retryDelayMs?: (receipt: number) => number;
}

interface Message {
  messageId: string;
  sentAt: string;
  receiveCount: number;
  /** The S3 notification, as SQS hands it over: JSON text. */
  body: string;
}

interface Queued {
  def: StorageEventDef;
  file: string;
  message: Message;
}

const defaultDelay = (receipt: number) => Math.min(30_000, 1000 * 2 ** Math.max(0, receipt - 2));

/** Writes a file whole or not at all (a kill mid-write leaves the old file, or none). */
function writeWhole(file: string, text: string): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export function sqsEventOf(def: StorageEventDef, message: Message) {
  return {
    Records: [
      {
        messageId: message.messageId,
        receiptHandle: `${message.messageId}#${message.receiveCount}`,
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(Date.parse(message.sentAt)),
          SenderId: 'local-s3',
          ApproximateFirstReceiveTimestamp: String(Date.parse(message.sentAt)),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(message.body).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${def.name}`,
        awsRegion: 'local',
      },
    ],
  };
}

export async function deliverStorageEvents(
  s3: EventEmitter,
  defs: StorageEventDef[],
  root: string,
  log: (line: string) => void,
  opts: StorageEventOptions,
): Promise<StorageEvents> {
  const handlers = new Map<string, Promise<Handler>>();
  const load =
    opts.loadHandler ??
    ((def: StorageEventDef) =>
      import(pathToFileURL(path.join(root, def.entry)).href).then((m: { handler: Handler }) => m.handler));
  const handlerOf = (def: StorageEventDef) => {
    let h = handlers.get(def.name);
    if (!h) {
      h = load(def);
      handlers.set(def.name, h);
    }
    return h;
  };
  const delay = opts.retryDelayMs ?? defaultDelay;
  const dirs = (def: StorageEventDef) => {
    const base = path.join(opts.dataDir, 'storage-events', def.name);
    return { queue: path.join(base, 'queue'), dead: path.join(base, 'dead-letters') };
  };
  for (const def of defs) {
    await mkdir(dirs(def).queue, { recursive: true });
    await mkdir(dirs(def).dead, { recursive: true });
  }

  const ready: Queued[] = [];
  const waiting = new Set<NodeJS.Timeout>();
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  let idle: (() => void)[] = [];
  const settleIdle = () => {
    if (ready.length || waiting.size || inFlight) return;
    for (const r of idle) r();
    idle = [];
  };

  let sequence = 0;
  const enqueue = (def: StorageEventDef, body: string) => {
    const messageId = `${Date.now().toString().padStart(15, '0')}-${String(sequence++).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
    const message: Message = { messageId, sentAt: new Date().toISOString(), receiveCount: 0, body };
    const file = path.join(dirs(def).queue, `${messageId}.json`);
    writeWhole(file, JSON.stringify(message));
    ready.push({ def, file, message });
  };

  const deliver = async (item: Queued) => {
    const { def, file, message } = item;
    message.receiveCount++;
    writeWhole(file, JSON.stringify(message));
    let failure: string | undefined;
    try {
      const out = (await (
        await handlerOf(def)
      )(sqsEventOf(def, message))) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      if (out?.batchItemFailures?.some((f) => f.itemIdentifier === message.messageId)) {
        failure = 'the handler reported it as failed';
      }
    } catch (err) {
      failure = (err as Error).stack ?? String(err);
    }
    if (!failure) {
      await rm(file, { force: true });
      return;
    }
    if (stopped) return; // cut off by the stop: it stays in the queue for the next start
    if (message.receiveCount >= def.maxReceiveCount) {
      await rename(file, path.join(dirs(def).dead, path.basename(file)));
      log(
        `storage event ${def.name} ${message.messageId} failed ${message.receiveCount} receipts: moved to ${dirs(def).dead} (${failure})`,
      );
      return;
    }
    const pause = delay(message.receiveCount + 1);
    log(
      `storage event ${def.name} ${message.messageId} failed (receipt ${message.receiveCount}), again in ${pause} ms: ${failure}`,
    );
    const timer = setTimeout(() => {
      waiting.delete(timer);
      if (stopped) return;
      ready.push(item);
      pump();
    }, pause);
    waiting.add(timer);
  };

  const pump = () => {
    if (inFlight || stopped) return settleIdle();
    const item = ready.shift();
    if (!item) return settleIdle();
    inFlight = deliver(item)
      .catch((err: Error) => log(`storage event ${item.def.name}: ${err.stack ?? err}`))
      .finally(() => {
        inFlight = undefined;
        pump();
      });
  };

  // What the last run left in the queues: delivered again, oldest first.
  let resumed = 0;
  for (const def of defs) {
    const { queue, dead } = dirs(def);
    for (const name of (await readdir(queue)).filter((n) => n.endsWith('.json')).sort()) {
      const file = path.join(queue, name);
      try {
        const message = JSON.parse(await readFile(file, 'utf8')) as Message;
        if (typeof message.messageId !== 'string' || typeof message.body !== 'string') throw new Error();
        ready.push({ def, file, message });
        resumed++;
      } catch {
        await rename(file, path.join(dead, name));
        log(`storage event ${def.name}: ${name} is not a message; moved to ${dead}`);
      }
    }
  }
  if (resumed) log(`${resumed} storage event(s) not finished when the system last stopped: delivered again`);

  s3.on('event', (event: { Records?: { s3?: { object?: { key?: string } } }[] }) => {
    if (stopped) return;
    const keys = (event.Records ?? []).map((r) => r.s3?.object?.key ?? '');
    const body = JSON.stringify(event);
    for (const def of defs.filter((d) => keys.some((k) => k.startsWith(d.prefix)))) {
      try {
        enqueue(def, body);
      } catch (err) {
        log(
          `storage event ${def.name} could not be queued for ${keys.join(', ')}: ${(err as Error).message}`,
        );
      }
    }
    pump();
  });
  pump();

  return {
    whenIdle: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        settleIdle();
      }),
    async stop(waitMs = 5_000) {
      stopped = true;
      for (const t of waiting) clearTimeout(t);
      waiting.clear();
      if (inFlight) await Promise.race([inFlight, new Promise((r) => setTimeout(r, waitMs).unref())]);
    },
  };
}

/**
 * The secret that signs upload-page links: random, kept under the data folder (like the IdP's key) so
 * that links survive restarts. In AWS the stack provides UPLOAD_PAGE_SECRET to the functions that sign
 * or check these links.
 */
export async function loadOrCreateUploadPageSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'upload-pages', 'secret');
  try {
    const secret = (await readFile(file, 'utf8')).trim();
    if (secret) return secret;
  } catch {
    // not there yet
  }
  const secret = randomBytes(32).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}
