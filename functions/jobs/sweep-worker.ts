import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { consumeDepartmentWork, type SweepDeps } from '../../shared/app/sweep.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { observed } from '../../shared/lambda.js';

/**
 * The sweep worker: one SQS message = one department of one sweep (the same consumer code the in-process
 * queue runs: shared/app/sweep.ts consumeDepartmentWork). Failures are reported per message (partial batch
 * response), so one department's trouble does not redo the others; after the queue's retries a message
 * lands in the dead-letter queue, which has an alarm.
 */
export type SweepWorkerDeps = SweepDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export function createSweepWorkerHandler(source: DepsSource<SweepWorkerDeps>) {
  return observed(
    async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const deps = resolveDeps(source);
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await consumeDepartmentWork(deps, record.body, record.messageId);
        } catch (err) {
          deps.logger.error('sweep worker failed for a department', {
            messageId: record.messageId,
            error: err as Error,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createSweepWorkerHandler(defaultDeps);
