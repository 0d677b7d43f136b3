// Local DynamoDB: dynalite in this process, plus TransactWriteItems / TransactGetItems.
//
// dynalite answers every other operation itself. The two transaction targets are routed to
// ./dynamo-transactions.ts before dynalite's own request listener sees them; that layer works on
// dynalite's store (captured below), so both share one LevelDB and one set of item locks.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, dynalite, dynaliteDb, type Store } from './dynalite-internals.js';
import { type TransactionReply, transactGetItems, transactWriteItems } from './dynamo-transactions.js';

export interface LocalDynamo {
  /** e.g. `http://127.0.0.1:8000`, for `AWS_ENDPOINT_URL_DYNAMODB` or a client's `endpoint`. */
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

export interface StartDynamoOptions {
  /** Directory of the LevelDB store; undefined keeps the data in memory. */
  path?: string;
  /** 0 or undefined: a free port chosen by the system. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
}

type TransactionHandler = (store: Store, request: unknown) => Promise<TransactionReply>;

const TRANSACTION_TARGETS: Record<string, TransactionHandler> = {
  'DynamoDB_20120810.TransactWriteItems': transactWriteItems,
  'DynamoDB_20120810.TransactGetItems': transactGetItems,
};

/** dynalite's own request size limit, kept for the routes we take over. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Starts dynalite in this process with the transaction operations added, and waits until it listens.
 * Rejects with `port N is already in use (DynamoDB local)` when the port is taken.
 */
export async function startDynamo(opts: StartDynamoOptions = {}): Promise<LocalDynamo> {
  const host = opts.host ?? '127.0.0.1';
  const { server, store } = createDynalite(opts.path);
  routeTransactions(server, store);
  try {
    await openStore(store, opts.path);
    await listen(server, opts.port ?? 0, host);
  } catch (err) {
    await closeStore(store);
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => closeServer(server),
  };
}

/**
 * Creates the dynalite server and captures the store it creates: dynalite does not expose it, so
 * `dynalite/db`'s `create` is wrapped for the duration of the (synchronous) call.
 */
function createDynalite(path: string | undefined): { server: Server; store: Store } {
  const originalCreate = dynaliteDb.create;
  let store: Store | undefined;
  dynaliteDb.create = (options) => {
    store = originalCreate(options);
    return store;
  };
  try {
    // Tables and indexes become ACTIVE at once: tests and the local stack should not wait.
    const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    if (!store) throw new Error('dynalite did not create its store through dynalite/db (version changed?)');
    return { server, store };
  } finally {
    dynaliteDb.create = originalCreate;
  }
}

/** Opening now makes a bad or locked path fail here, clearly, instead of on the first request. */
async function openStore(store: Store, path: string | undefined): Promise<void> {
  try {
    await store.db.open();
  } catch (err) {
    throw new Error(`cannot open the DynamoDB local store at ${path} (is another process using it?)`, {
      cause: err,
    });
  }
}

/** Puts our router in front of dynalite's request listener. */
function routeTransactions(server: Server, store: Store): void {
  const dynaliteListener = server.listeners('request')[0] as RequestListener | undefined;
  if (!dynaliteListener) throw new Error('dynalite server has no request listener');
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const handler = transactionHandlerFor(req);
    if (handler) void handleTransaction(handler, store, req, res);
    else dynaliteListener(req, res);
  });
}

function transactionHandlerFor(req: IncomingMessage): TransactionHandler | undefined {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || typeof target !== 'string') return undefined;
  return TRANSACTION_TARGETS[target];
}

async function handleTransaction(
  handler: TransactionHandler,
  store: Store,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const body = await readBody(req);
    if (body === undefined) return sendEmpty(res, 413);
    let request: unknown;
    try {
      request = JSON.parse(body);
    } catch {
      return sendJson(req, res, 400, { __type: 'com.amazon.coral.service#SerializationException' });
    }
    const reply = await handler(store, request);
    sendJson(req, res, reply.statusCode, reply.body);
  } catch (err) {
    // An unexpected failure (a LevelDB error, a bug): answer like DynamoDB's 500 and keep serving.
    console.error('[dynamodb local] transaction failed', err);
    sendJson(req, res, 500, {
      __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
      message: err instanceof Error ? err.message : String(err),
    });
  }
}

/** The request body as text, or undefined when it exceeds dynalite's limit. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Replies with the headers dynalite (and DynamoDB) send: request id, CRC32 of the body, JSON type. */
function sendJson(req: IncomingMessage, res: ServerResponse, statusCode: number, data: object): void {
  const body = JSON.stringify(data);
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  res.statusCode = statusCode;
  res.setHeader('x-amzn-RequestId', requestId());
  res.setHeader('x-amz-crc32', crc32.unsigned(body));
  res.setHeader(
    'Content-Type',
    contentType === 'application/x-amz-json-1.0' ? contentType : 'application/json',
  );
  res.setHeader('Content-Length', Buffer.byteLength(body, 'utf8'));
  res.end(body);
}

function sendEmpty(res: ServerResponse, statusCode: number): void {
  res.statusCode = statusCode;
  res.end();
}

/** A 52-character id, in the shape DynamoDB and dynalite use. */
function requestId(): string {
  return randomBytes(39).toString('base64').toUpperCase().replace(/[+/]/g, '0');
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is already in use (DynamoDB local)`, { cause: err })
          : err,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes the store directly: used when the server never listened (dynalite's close would refuse). */
function closeStore(store: Store): Promise<void> {
  return new Promise((resolve) => store.db.close(() => resolve()));
}

/**
 * dynalite's `close` stops the HTTP server, then waits for pending LevelDB operations and closes the
 * store. Idle keep-alive connections (the SDK keeps them) would hold the server open, so they go first.
 */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err?: Error) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
