// One Lambda instance of `npm run bench -- fanout`: a long-lived Node process (bundled with esbuild as the
// functions are) holding the sweep worker's real handler (functions/jobs/sweep-worker.ts, with the
// product's default dependencies and document client). The parent (the modelled SQS event source) sends it
// one event at a time over IPC; it answers the handler's batch item failures with its own figures for that
// invocation: wall and CPU milliseconds, requests by command (request-counter.ts) and capacity units
// (capacity.ts), peak RSS so far.
import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { handler } from '../../functions/jobs/sweep-worker.js';
import { documentClient } from '../../shared/store/client.js';
import { countCapacity } from './capacity.js';
import { countRequests } from './request-counter.js';

const sizes = JSON.parse(process.argv[2] ?? '{}') as Record<string, number>;
const stack = documentClient().middlewareStack;
const requests = countRequests(stack, 'fanout');
const capacity = countCapacity(stack, {
  // The item's size after an update, by its key's kind (PROJECT#, RECT#, CLAW#), as measured on the seed.
  updatedItemBytes: (kind) => sizes[kind] ?? 1024,
});

const peakRssMb = () =>
  Math.round(
    Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 102.4,
  ) / 10;

process.on('message', async (m: { messageId: string; body: string; receiveCount: number }) => {
  requests.reset();
  capacity.reset();
  const event = {
    Records: [
      {
        messageId: m.messageId,
        receiptHandle: m.messageId,
        body: m.body,
        attributes: { ApproximateReceiveCount: String(m.receiveCount) },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench-fanout',
        awsRegion: 'us-east-1',
      },
    ],
  } as unknown as SQSEvent;
  const cpu = process.cpuUsage();
  const started = performance.now();
  let failures = 1;
  try {
    failures = (await handler(event, {} as never)).batchItemFailures.length;
  } catch {
    failures = 1;
  }
  const used = process.cpuUsage(cpu);
  process.send?.({
    messageId: m.messageId,
    failures,
    ms: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
    requests: requests.byCommand(),
    capacity: capacity.totals(),
    peakRssMb: peakRssMb(),
  });
});
process.send?.({ ready: true });
