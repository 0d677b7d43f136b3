import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from './logger.js';
import type { BusinessMetrics } from './metrics.js';
import { tracer } from './tracer.js';
import { RetryLater } from './work-queue.js';

/**
 * What every Lambda entry runs inside (the API's stack in shared/http adds its own on top): the Powertools
 * logger gets the invocation's context (cold start, function name, request id in every line), the tracer a
 * segment per invocation, and the business metrics stored meanwhile are published when it ends, failed or
 * not. Called without a context (the local runner, tests) it runs all the same.
 */
export function observed<E, R>(
  fn: (event: E, context: Context) => Promise<R>,
  metrics: () => Pick<BusinessMetrics, 'flush'>,
) {
  const flush = () => metrics().flush();
  const wrapped = middy<E, R, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(captureLambdaHandler(tracer))
    .use({ after: flush, onError: flush })
    .handler(fn);
  return (event: E, context?: Context): Promise<R> => wrapped(event, context ?? ({} as Context));
}

/** The SQS client of RetryLater's shorter waits, loaded by the first one (most invocations never defer). */
let sqs: Promise<(record: SQSRecord, seconds: number) => Promise<void>> | undefined;
const loadSqs = () => {
  sqs ??= Promise.all([import('@aws-sdk/client-sqs'), import('./sqs-queue.js')]).then(
    ([{ SQSClient }, { changeVisibility }]) => {
      // The endpoint comes from the region (or AWS_ENDPOINT_URL_SQS), not from the queue URL: in Lambda they are
      // the same host; in the fan-out bench the queue is modelled and the call must not leave the machine.
      const client = tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: false }));
      return (record: SQSRecord, seconds: number) => changeVisibility(client, record, seconds);
    },
    (err) => {
      sqs = undefined;
      throw err;
    },
  );
  return sqs;
};

/** How long a message answered RetryLater waits by default: its own `retryAfterSeconds` × its receive count. */
export const deferralSeconds = (err: RetryLater, receiveCount: number) =>
  err.retryAfterSeconds * Math.max(1, receiveCount);

/**
 * A worker of an SQS queue: each message is consumed on its own and a failed one is reported (partial batch
 * response), so only it is received again; after the queue's receive limit it lands in the dead-letter
 * queue, which has an alarm. A consumer's RetryLater ("not now", shared/work-queue.ts) is no error: it is
 * logged as a warning with its reason, and its message comes back after `deferFor` seconds (SQS
 * ChangeMessageVisibility on its receipt handle) rather than the queue's visibility timeout; its receipts
 * still count toward the receive limit. Any other failure keeps the queue's visibility timeout.
 */
export function queueWorker<
  D extends { logger: Pick<Logger, 'error' | 'warn'>; metrics: Pick<BusinessMetrics, 'flush'> },
>(
  deps: () => D,
  failed: string,
  consume: (deps: D, record: SQSRecord) => Promise<unknown>,
  opts: { deferFor?: (err: RetryLater, receiveCount: number) => number } = {},
) {
  const deferFor = opts.deferFor ?? deferralSeconds;
  return observed(
    async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const d = deps();
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await consume(d, record);
        } catch (err) {
          batchItemFailures.push({ itemIdentifier: record.messageId });
          if (!(err instanceof RetryLater)) {
            d.logger.error(failed, { messageId: record.messageId, error: err as Error });
            continue;
          }
          const receiveCount = Number(record.attributes?.ApproximateReceiveCount) || 1;
          const seconds = deferFor(err, receiveCount);
          d.logger.warn(`${failed}: deferred`, {
            messageId: record.messageId,
            reason: err.message,
            receiveCount,
            retryAfterSeconds: seconds,
          });
          try {
            await (await loadSqs())(record, seconds);
          } catch (e) {
            // The message still comes back, after the queue's visibility timeout.
            d.logger.warn("could not shorten a deferred message's wait", {
              messageId: record.messageId,
              error: e as Error,
            });
          }
        }
      }
      return { batchItemFailures };
    },
    () => deps().metrics,
  );
}
