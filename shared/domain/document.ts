import * as z from 'zod';
import type { Actor } from './actor.js';
import { NotFound } from './errors.js';

/**
 * Documents (api-contract.md, "Documents"): a file uploaded through a presigned link, kept generic so that
 * any feature can own one (an evaluation's plan or report, a project's evidence, an expenditure import).
 * `size` and `contentType` are what the link declared; when the upload arrives its real size, type (by
 * magic bytes) and sha256 are recorded, and a file that differs from the declaration is `rejected` (and
 * removed from the bucket). Pure: no I/O, the moment passed in.
 */
export const documentStatuses = ['pending', 'received', 'rejected'] as const;
export type DocumentStatus = (typeof documentStatuses)[number];
export const ownerTypes = ['department', 'agency', 'bureau'] as const;
export type OwnerType = (typeof ownerTypes)[number];

export const documentRecord = z.object({
  id: z.string(),
  version: z.int(),
  ownerType: z.enum(ownerTypes),
  departmentId: z.string().optional(),
  agencyId: z.string().optional(),
  projectId: z.string().optional(),
  evaluationId: z.string().optional(),
  importId: z.string().optional(),
  /** What it is for: `plan`, `report`, `evidence`, `expenditure-import`, … */
  kind: z.string(),
  fileName: z.string(),
  /** The object's key in the bucket: `uploads/<id>/<sanitised file name>`. */
  key: z.string(),
  contentType: z.string(),
  /** Declared, in bytes. */
  size: z.int(),
  status: z.enum(documentStatuses),
  sha256: z.string().optional(),
  actualSize: z.int().optional(),
  detectedType: z.string().optional(),
  /** The ETag of the object that was checked: a redelivered event names the same one. */
  eTag: z.string().optional(),
  reason: z.string().optional(),
  createdAt: z.string(),
  createdBy: z.string(),
  receivedAt: z.string().optional(),
  checkedAt: z.string().optional(),
});
export type DocumentRecord = z.infer<typeof documentRecord>;

/** The owner of what an actor uploads: their department, their agency, or the bureau. */
export function ownerOf(actor: Actor): Pick<DocumentRecord, 'ownerType' | 'departmentId' | 'agencyId'> {
  if (actor.role === 'department') return { ownerType: 'department', departmentId: actor.departmentId };
  if (actor.role === 'evaluator') return { ownerType: 'agency', agencyId: actor.agencyId };
  return { ownerType: 'bureau' };
}

/** The owner or the bureau; anyone else is told it does not exist. */
export function assertMayRead(actor: Actor, doc: DocumentRecord): void {
  const own =
    actor.role === 'finance' ||
    (actor.role === 'department' &&
      doc.ownerType === 'department' &&
      doc.departmentId === actor.departmentId) ||
    (actor.role === 'evaluator' && doc.ownerType === 'agency' && doc.agencyId === actor.agencyId);
  if (!own) throw new NotFound(`Document ${doc.id}`);
}

export interface ObjectSeen {
  size: number;
  sha256: string;
  detectedType?: string;
  eTag?: string;
}

/** The verdict on an arrived upload: `received` when size and real type are as declared, else `rejected`. */
export function judgeUpload(doc: DocumentRecord, seen: ObjectSeen, now: Date): DocumentRecord {
  const reasons: string[] = [];
  if (seen.size !== doc.size) {
    reasons.push(`the file has ${seen.size} bytes, not the ${doc.size} its link declared`);
  }
  if (seen.detectedType !== doc.contentType) {
    reasons.push(
      `the file is ${seen.detectedType ? `a ${seen.detectedType}` : 'of no allowed type'} by its content, not the ${doc.contentType} its link declared`,
    );
  }
  const at = now.toISOString();
  const checked: DocumentRecord = {
    ...doc,
    sha256: seen.sha256,
    actualSize: seen.size,
    detectedType: seen.detectedType,
    eTag: seen.eTag,
    checkedAt: at,
    version: doc.version + 1,
  };
  return reasons.length
    ? { ...checked, status: 'rejected', reason: reasons.join('; ') }
    : { ...checked, status: 'received', receivedAt: at, reason: undefined };
}

/** A received document whose object was overwritten afterwards (the link was still valid): no longer trusted. */
export function replacedAfterReceipt(doc: DocumentRecord, now: Date): DocumentRecord {
  return {
    ...doc,
    status: 'rejected',
    reason: 'the file was replaced after it had been received; request a new upload link',
    checkedAt: now.toISOString(),
    version: doc.version + 1,
  };
}
