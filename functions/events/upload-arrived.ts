import { planArrived } from '../../shared/app/evaluations.js';
import { type ImportRunDeps, runExpenditureImport } from '../../shared/app/expenditure-import.js';
import { type ArrivalDeps, processArrival } from '../../shared/app/upload-arrival.js';
import { type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { bucketName } from '../../shared/docs/bucket.js';
import { isObjectCreated, s3Event } from '../../shared/docs/s3-event.js';
import { observed } from '../../shared/lambda.js';
import { logger as processLogger } from '../../shared/logger.js';
import { noMetrics } from '../../shared/metrics.js';

/**
 * An upload arrived (S3 `ObjectCreated:*` under `uploads/`, declared in ./registry.ts): each record's
 * document is judged (shared/app/upload-arrival.ts) and, for an expenditure import, the import runs. Every step
 * is idempotent, so a redelivered event changes nothing; a record that fails is retried by a redelivery
 * (the error is rethrown after the other records are done).
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
  return observed(handle, () => resolveDeps(source).metrics ?? noMetrics);

  async function handle(event: unknown): Promise<{ results: RecordResult[] }> {
    const parsed = s3Event.safeParse(event);
    if (!parsed.success) {
      throw new Error(
        `Not an S3 event notification: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    const deps = resolveDeps(source);
    const logger = deps.logger ?? processLogger;
    const bucket = bucketName();
    const results: RecordResult[] = [];
    const failures: unknown[] = [];
    for (const record of parsed.data.Records) {
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
        const imported = await runExpenditureImport(deps, document, (m, extra) =>
          logger.info(m, extra ?? {}),
        );
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
    if (failures.length) throw failures[0];
    return { results };
  }
}

export const handler = createUploadArrivedHandler(defaultDeps);
