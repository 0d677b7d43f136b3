import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { now as clockNow } from '../../shared/clock.js';
import { defaultDeps } from '../../shared/http/deps.js';
import { logger } from '../../shared/logger.js';
import { runDepartment } from '../../shared/store/sweep-runner.js';
import { systemActor } from './monitoring-sweep.js';

/**
 * The sweep worker: one SQS message = one department of one sweep. Failures are reported per message
 * (partial batch response), so one department's trouble does not redo the others; after the queue's
 * retries a message lands in the dead-letter queue, which has an alarm.
 */
const work = z.object({
  sweepId: z.string(),
  asOf: z.iso.date(),
  fiscalYear: z.int(),
  configVersion: z.int(),
  departmentId: z.string(),
});

export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const { db } = defaultDeps();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const w = work.parse(JSON.parse(record.body));
      await runDepartment(db, w, { actor: systemActor, now: clockNow(), requestId: record.messageId });
    } catch (err) {
      logger.error('sweep worker failed for a department', {
        messageId: record.messageId,
        error: err as Error,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
