import { UPLOADS_PREFIX } from '../../shared/docs/content-types.js';
import type { Access } from '../jobs/schedules.js';

/**
 * Every function that reacts to the documents bucket, declared once. In AWS, S3 notifies a queue of
 * every `s3:ObjectCreated:*` under `prefix`, and the function (built from `entry`, with the grants of
 * `access`) consumes it with partial batch failures: an event whose handling fails or is cut off (a
 * timeout, a crash) is received again, `maxReceiveCount` times at most, then kept in a dead-letter queue.
 * Locally (infra/local/storage-events.ts) s3rver's events go through a queue kept in the data folder to
 * the same `handler` export, in the same SQS shape, with the same receive limit, so an event that was not
 * finished when the system stopped is delivered again at the next start.
 */
export interface StorageEventDef {
  /** Unique, kebab-case: names the function and, in AWS, its resources. */
  name: string;
  description: string;
  /** The module whose `handler` export takes the S3 event (a Lambda entry). */
  entry: string;
  /** Object keys it reacts to. */
  prefix: string;
  /** Seconds it may take for one event (an import of 10,000 rows takes a few seconds; allow plenty). */
  timeoutSeconds: number;
  /** Receipts of one event before it moves to the dead-letter queue (SQS's maxReceiveCount; locally the same). */
  maxReceiveCount: number;
  /** Events per invocation (SQS batch size). */
  batchSize: number;
  access: Access;
}

export const storageEvents: StorageEventDef[] = [
  {
    name: 'upload-arrived',
    description:
      'Checks each uploaded document (size, type by magic bytes, sha256) and runs expenditure imports',
    entry: 'functions/events/upload-arrived.ts',
    prefix: 'uploads/',
    timeoutSeconds: 300,
    maxReceiveCount: 5,
    // One upload per invocation: an import of many rows may take a good part of the timeout.
    batchSize: 1,
    // Reads each upload to check it, and deletes the ones it rejects.
    access: { table: 'readWrite', bucket: { get: [UPLOADS_PREFIX], delete: [UPLOADS_PREFIX] } },
  },
];
