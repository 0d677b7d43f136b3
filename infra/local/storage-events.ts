import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StorageEventDef } from '../../functions/events/registry.js';

/**
 * The local stand-in for S3 event notifications: s3rver emits each S3 event (`ObjectCreated:Post`, …, in
 * the notification's own shape: `{ Records: [...] }`) as an `event` on its Koa app — the S3rver instance
 * itself. Each event goes, as in AWS, to every declared storage-event function whose prefix matches one of
 * its keys, calling the very `handler` export Lambda calls. Deliveries run one after another (a chain of
 * promises: `whenIdle()` waits for it), and a failing handler is logged, never crashes the process.
 */
type Handler = (event: unknown) => Promise<unknown>;

export interface StorageEvents {
  /** Resolves once every event delivered so far has been handled. */
  whenIdle(): Promise<void>;
}

export function deliverStorageEvents(
  s3: EventEmitter,
  defs: StorageEventDef[],
  root: string,
  log: (line: string) => void,
): StorageEvents {
  const handlers = new Map<string, Promise<Handler>>();
  const handlerOf = (def: StorageEventDef) => {
    let h = handlers.get(def.name);
    if (!h) {
      h = import(pathToFileURL(path.join(root, def.entry)).href).then((m: { handler: Handler }) => m.handler);
      handlers.set(def.name, h);
    }
    return h;
  };
  let chain: Promise<void> = Promise.resolve();
  s3.on('event', (event: { Records?: { s3?: { object?: { key?: string } } }[] }) => {
    const keys = (event.Records ?? []).map((r) => r.s3?.object?.key ?? '');
    for (const def of defs.filter((d) => keys.some((k) => k.startsWith(d.prefix)))) {
      chain = chain
        .then(async () => {
          await (await handlerOf(def))(event);
        })
        .catch((err: Error) =>
          log(`storage event ${def.name} failed for ${keys.join(', ')}: ${err.stack ?? err}`),
        );
    }
  });
  return { whenIdle: () => chain };
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
