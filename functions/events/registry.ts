import { UPLOADS_PREFIX } from '../../shared/docs/content-types.js';
import type { Access } from '../jobs/schedules.js';

/**
 * Every function that reacts to the documents bucket, declared once: CDK wires an S3 notification
 * (`s3:ObjectCreated:*`, filtered by `prefix`) to a Lambda built from `entry` with the grants of `access`;
 * the local runner (infra/local/storage-events.ts) calls the same `handler` export for s3rver's events.
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
    // Reads each upload to check it, and deletes the ones it rejects.
    access: { table: 'readWrite', bucket: { get: [UPLOADS_PREFIX], delete: [UPLOADS_PREFIX] } },
  },
];
