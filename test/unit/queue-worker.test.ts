import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sweepDeferral } from '../../functions/jobs/sweep-worker.js';
import { queueWorker } from '../../shared/lambda.js';
import { queueUrlOf } from '../../shared/sqs-queue.js';
import { RetryLater } from '../../shared/work-queue.js';

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

const ARN = 'arn:aws-cn:sqs:cn-north-1:123456789012:Stack-SweepQueue';

function record(messageId: string, receiveCount = 1): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-of-${messageId}`,
    body: messageId,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '0',
      SenderId: 'x',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: ARN,
    awsRegion: 'cn-north-1',
  };
}

function worker(consume: (body: string) => Promise<void>, deferFor?: typeof sweepDeferral) {
  const logger = { error: vi.fn(), warn: vi.fn() };
  const handler = queueWorker(
    () => ({ logger, metrics: { flush: () => {} } }),
    'worker failed',
    (_d, r) => consume(r.body),
    { deferFor },
  );
  return { handler, logger };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

describe('queueWorker (shared/lambda.ts): a RetryLater shortens its message’s wait', () => {
  it('gives a RetryLater record a short visibility on its receipt handle, reports it, and leaves an ordinary failure alone', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const { handler, logger } = worker(async (body) => {
      if (body === 'later') throw new RetryLater('the earlier sweep holds it', { retryAfterSeconds: 45 });
      if (body === 'broken') throw new Error('boom');
    });
    const out = await handler(event(record('ok'), record('later', 2), record('broken')));

    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'later' }, { itemIdentifier: 'broken' }]);
    const calls = sqs.commandCalls(ChangeMessageVisibilityCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      {
        QueueUrl: 'https://sqs.cn-north-1.amazonaws.com.cn/123456789012/Stack-SweepQueue',
        ReceiptHandle: 'handle-of-later',
        VisibilityTimeout: 90, // its 45 s × its receive count (2)
      },
    ]);
    // RetryLater is a warning with its reason, the ordinary failure an error.
    expect(logger.warn).toHaveBeenCalledWith(
      'worker failed: deferred',
      expect.objectContaining({ messageId: 'later', reason: 'the earlier sweep holds it', receiveCount: 2 }),
    );
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      'worker failed',
      expect.objectContaining({ messageId: 'broken' }),
    );
  });

  it('still reports a RetryLater record when SQS refuses the shorter wait (it comes back after the queue’s timeout)', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('AccessDenied'));
    const { handler, logger } = worker(async () => {
      throw new RetryLater('not now');
    });
    const out = await handler(event(record('later')));
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'later' }]);
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      "could not shorten a deferred message's wait",
      expect.objectContaining({ messageId: 'later' }),
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('waits for the sweep worker: the error’s 60 s, the worker’s timeout (a live holder has ended), the visibility timeout (a killed one’s message has come back)', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const { handler } = worker(async () => {
      throw new RetryLater('held');
    }, sweepDeferral);
    await handler(event(record('a', 1), record('b', 2), record('c', 3), record('d', 4)));
    expect(
      sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input.VisibilityTimeout),
    ).toEqual([60, 900, 5400, 5400]);
  });

  it('names the queue of an event source ARN by its URL', () => {
    expect(queueUrlOf('arn:aws:sqs:eu-west-1:111122223333:q')).toBe(
      'https://sqs.eu-west-1.amazonaws.com/111122223333/q',
    );
    expect(() => queueUrlOf('not-an-arn')).toThrow();
  });
});
