// The local runner's storage-event queue (infra/local/storage-events.ts) on a real data folder: s3rver's
// events (here emitted by hand on an EventEmitter, as s3rver emits them) become message files, are handed
// to the handler in the SQS shape, received again after a failure, dead-lettered after maxReceiveCount, and
// delivered again after a stop — the handler is a recording fake.
import { EventEmitter } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StorageEventDef } from '../../functions/events/registry.js';
import { deliverStorageEvents, type StorageEvents } from '../../infra/local/storage-events.js';

const def: StorageEventDef = {
  name: 'upload-arrived',
  description: 'test',
  entry: 'never-imported.ts',
  prefix: 'uploads/',
  timeoutSeconds: 10,
  maxReceiveCount: 3,
  batchSize: 1,
  access: {},
};

interface SqsRecord {
  messageId: string;
  body: string;
  eventSource: string;
  attributes: { ApproximateReceiveCount: string };
}

const notification = (key: string) => ({
  Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Post', s3: { object: { key } } }],
});

let dataDir: string;
let s3: EventEmitter;
let running: StorageEvents[] = [];
const logs: string[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'bp-events-'));
  s3 = new EventEmitter();
  logs.length = 0;
});
afterEach(async () => {
  for (const r of running) await r.stop(100);
  running = [];
  await rm(dataDir, { recursive: true, force: true });
});

const queueDir = () => path.join(dataDir, 'storage-events', def.name, 'queue');
const deadDir = () => path.join(dataDir, 'storage-events', def.name, 'dead-letters');
const files = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.json'));

async function start(handler: (event: { Records: SqsRecord[] }) => Promise<unknown>, emitter = s3) {
  const events = await deliverStorageEvents(emitter, [def], '/nowhere', (l) => logs.push(l), {
    dataDir,
    loadHandler: async () => handler as (e: unknown) => Promise<unknown>,
    retryDelayMs: () => 5,
  });
  running.push(events);
  return events;
}

describe('the local storage-event queue', () => {
  it('writes the message to the data folder as the event is emitted, hands it over as SQS does, and removes it once handled', async () => {
    const seen: SqsRecord[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const events = await start(async (e) => {
      seen.push(...e.Records);
      await gate;
      return { batchItemFailures: [] };
    });

    s3.emit('event', notification('uploads/DOC-1/a.pdf'));
    const onDisk = await files(queueDir()); // synchronously written in the emit

    expect(onDisk).toHaveLength(1);
    release();
    await events.whenIdle();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      eventSource: 'aws:sqs',
      messageId: onDisk[0]!.replace(/\.json$/, ''),
      attributes: { ApproximateReceiveCount: '1' },
    });
    expect(JSON.parse(seen[0]!.body)).toEqual(notification('uploads/DOC-1/a.pdf'));
    expect(await files(queueDir())).toEqual([]);
  });

  it('queues nothing for a key outside the prefix', async () => {
    let calls = 0;
    const events = await start(async () => {
      calls++;
      return { batchItemFailures: [] };
    });

    s3.emit('event', notification('public-data/x.csv'));
    await events.whenIdle();

    expect(calls).toBe(0);
    expect(await files(queueDir())).toEqual([]);
  });

  it('receives a failed message again (reported or thrown) until it is handled', async () => {
    const receipts: string[] = [];
    const events = await start(async (e) => {
      const r = e.Records[0]!;
      receipts.push(r.attributes.ApproximateReceiveCount);
      if (receipts.length === 1) throw new Error('the table is down');
      if (receipts.length === 2) return { batchItemFailures: [{ itemIdentifier: r.messageId }] };
      return { batchItemFailures: [] };
    });

    s3.emit('event', notification('uploads/DOC-2/a.pdf'));
    await events.whenIdle();

    expect(receipts).toEqual(['1', '2', '3']);
    expect(await files(queueDir())).toEqual([]);
    expect(await files(deadDir())).toEqual([]);
  });

  it('moves a message to dead-letters after maxReceiveCount failed receipts', async () => {
    let calls = 0;
    const events = await start(async (e) => {
      calls++;
      return { batchItemFailures: [{ itemIdentifier: e.Records[0]!.messageId }] };
    });

    s3.emit('event', notification('uploads/DOC-3/a.pdf'));
    await events.whenIdle();

    expect(calls).toBe(def.maxReceiveCount);
    expect(await files(queueDir())).toEqual([]);
    const [dead] = await files(deadDir());
    expect(JSON.parse(await readFile(path.join(deadDir(), dead!), 'utf8'))).toMatchObject({
      receiveCount: 3,
      body: JSON.stringify(notification('uploads/DOC-3/a.pdf')),
    });
    expect(logs.join('\n')).toMatch(/failed 3 receipts: moved to/);
  });

  it('delivers again, at the next start, what a stop cut off or left waiting', async () => {
    const first = await start(() => new Promise(() => undefined)); // never finishes: the process stops meanwhile
    s3.emit('event', notification('uploads/DOC-4/a.pdf'));
    s3.emit('event', notification('uploads/DOC-5/b.pdf'));
    await new Promise((r) => setTimeout(r, 20));
    await first.stop(10);
    s3.emit('event', notification('uploads/DOC-6/late.pdf')); // after the stop: not taken
    expect(await files(queueDir())).toHaveLength(2);

    const seen: { key: string; receipt: string }[] = [];
    const second = await start(async (e) => {
      const r = e.Records[0]!;
      seen.push({
        key: JSON.parse(r.body).Records[0].s3.object.key,
        receipt: r.attributes.ApproximateReceiveCount,
      });
      return { batchItemFailures: [] };
    }, new EventEmitter());
    await second.whenIdle();

    expect(seen).toEqual([
      { key: 'uploads/DOC-4/a.pdf', receipt: '2' }, // its first receipt was cut off by the stop
      { key: 'uploads/DOC-5/b.pdf', receipt: '1' },
    ]);
    expect(await files(queueDir())).toEqual([]);
    expect(logs.join('\n')).toMatch(/2 storage event\(s\) not finished when the system last stopped/);
  });
});
