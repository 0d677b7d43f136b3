import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from './logger.js';
import type { BusinessMetrics } from './metrics.js';
import { tracer } from './tracer.js';

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

/**
 * A worker of an SQS queue: each message is consumed on its own and a failed one is reported (partial batch
 * response), so only it is received again; after the queue's receive limit it lands in the dead-letter
 * queue, which has an alarm.
 */
export function queueWorker<
  D extends { logger: Pick<Logger, 'error'>; metrics: Pick<BusinessMetrics, 'flush'> },
>(deps: () => D, failed: string, consume: (deps: D, record: SQSRecord) => Promise<unknown>) {
  return observed(
    async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const d = deps();
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await consume(d, record);
        } catch (err) {
          d.logger.error(failed, { messageId: record.messageId, error: err as Error });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },
    () => deps().metrics,
  );
}
