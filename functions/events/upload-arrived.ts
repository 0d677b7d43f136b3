import type { Context, SQSBatchResponse } from 'aws-lambda';
import { planArrived } from '../../shared/app/evaluations.js';
import { type ImportRunDeps, runExpenditureImport } from '../../shared/app/expenditure-import.js';
import { type ArrivalDeps, processArrival } from '../../shared/app/upload-arrival.js';
import { type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { bucketName } from '../../shared/docs/bucket.js';
import {
  isObjectCreated,
  type S3Event,
  type SqsEvent,
  s3Event,
  s3EventOfBody,
  sqsEvent,
} from '../../shared/docs/s3-event.js';
import { observed } from '../../shared/lambda.js';
import { logger as processLogger } from '../../shared/logger.js';
import { noMetrics } from '../../shared/metrics.js';

/**
 * An upload arrived (S3 `ObjectCreated:*` under `uploads/`, declared in ./registry.ts): each record's
 * document is judged (shared/app/upload-arrival.ts) and, for an expenditure import, the import runs (or
 * resumes where an earlier delivery stopped). Every step is idempotent, so a redelivered event changes
 * nothing that was done and finishes what was not.
 *
 * Two shapes arrive: the S3 notification through a queue (SQS records whose bodies are notifications: in
 * AWS, and from the local runner's queue) — answered with SQS partial batch failures, so only the messages
 * that failed are received again — and the bare S3 notification (tests, a direct invocation), where a
 * failure is rethrown after the other records are done.
 */
export interface RecordResult {
  key: string;
  outcome: string;
  documentId?: string;
  importStatus?: string;
  evaluationOutcome?: string;
}

export type UploadArrivedDeps = ArrivalDeps & ImportRunDeps & { logger?: typeof processLogger };

export function createUploadArrivedHandler(source: DepsSource<UploadArrivedDeps>) {
  async function handle(event: unknown): Promise<SQSBatchResponse | { results: RecordResult[] }> {
    const deps = resolveDeps(source);
    const logger = deps.logger ?? processLogger;
    const queued = sqsEvent.safeParse(event);
    if (queued.success) {
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const message of queued.data.Records) {
        const body = s3EventOfBody(message.body);
        if ('error' in body) {
          // It will not parse next time either: after its receipts it waits in the dead-letter queue.
          logger.error('a message that is not an S3 notification', {
            messageId: message.messageId,
            reason: body.error,
          });
          batchItemFailures.push({ itemIdentifier: message.messageId });
          continue;
        }
        const { failures } = await handleRecords(deps, logger, body.event);
        if (failures.length) batchItemFailures.push({ itemIdentifier: message.messageId });
      }
      return { batchItemFailures };
    }
    const parsed = s3Event.safeParse(event);
    if (!parsed.success) {
      throw new Error(
        `Not an S3 event notification: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    const { results, failures } = await handleRecords(deps, logger, parsed.data);
    if (failures.length) throw failures[0];
    return { results };
  }
  // Typed per shape: a queue's batch gets its partial batch response, a bare notification its results.
  return observed(handle, () => resolveDeps(source).metrics ?? noMetrics) as {
    (event: SqsEvent, context?: Context): Promise<SQSBatchResponse>;
    (event: unknown, context?: Context): Promise<{ results: RecordResult[] }>;
  };
}

async function handleRecords(
  deps: UploadArrivedDeps,
  logger: typeof processLogger,
  event: S3Event,
): Promise<{ results: RecordResult[]; failures: unknown[] }> {
  const bucket = bucketName();
  const results: RecordResult[] = [];
  const failures: unknown[] = [];
  for (const record of event.Records) {
    const { key, eTag } = record.s3.object;
    if (!isObjectCreated(record) || record.s3.bucket.name !== bucket) {
      results.push({ key, outcome: 'ignored' });
      continue;
    }
    try {
      const requestId = record.responseElements?.['x-amz-request-id'] ?? record.s3.object.sequencer;
      const arrival = await processArrival(deps, { key, eTag, requestId });
      if (arrival.outcome === 'unknown') {
        logger.warn('an upload with no pending document', { key });
        results.push({ key, outcome: 'unknown' });
        continue;
      }
      const { document } = arrival;
      const imported = await runExpenditureImport(deps, document, (m, extra) => logger.info(m, extra ?? {}));
      // A received evaluation plan moves its evaluation to plan_submitted (idempotent: also on a redelivery).
      const plan = await planArrived(deps, document, requestId);
      logger.info('upload checked', {
        documentId: document.id,
        outcome: arrival.outcome,
        status: document.status,
      });
      results.push({
        key,
        outcome: arrival.outcome,
        documentId: document.id,
        importStatus: imported?.status,
        ...(plan.outcome !== 'not-a-plan' ? { evaluationOutcome: plan.outcome } : {}),
      });
    } catch (err) {
      logger.error('upload check failed', { key, error: err as Error });
      failures.push(err);
      results.push({ key, outcome: 'failed' });
    }
  }
  return { results, failures };
}

export const handler = createUploadArrivedHandler(defaultDeps);
