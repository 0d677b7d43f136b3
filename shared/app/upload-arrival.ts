import { documentIdOfKey } from '../docs/content-types.js';
import { detectType } from '../docs/detect.js';
import type { Storage } from '../docs/storage.js';
import type { Actor } from '../domain/actor.js';
import { type DocumentRecord, judgeUpload, replacedAfterReceipt } from '../domain/document.js';
import type { Db } from '../store/db.js';
import { documents } from '../store/documents.js';
import { retryOnConcurrentChange } from './retry.js';

/**
 * An upload arrived (the bucket's object-created event): find its document by the key, read the object
 * once as a stream (size, sha256, magic bytes), and record the verdict with its audit record in one
 * transaction: `received`, or `rejected` with the reason — and then the object is deleted. Idempotent:
 * a document already judged is left alone when the event names the object that was judged (a
 * redelivery); a rejected document's key keeps no object; a received document whose object was
 * overwritten afterwards (its link was still valid) is no longer trusted and becomes rejected.
 */
export const uploadActor: Actor = { sub: 'system:upload-arrived', role: 'finance' };

export interface ArrivalDeps {
  db: Db;
  storage: Storage;
  now: () => Date;
}

export interface ArrivedObject {
  /** As the event names it (URL-encoded in AWS). */
  key: string;
  eTag?: string;
  /** Correlates the audit record with the event. */
  requestId?: string;
}

export type ArrivalOutcome =
  | { outcome: 'unknown'; key: string }
  | { outcome: 'received' | 'rejected' | 'unchanged'; document: DocumentRecord };

export async function processArrival(deps: ArrivalDeps, object: ArrivedObject): Promise<ArrivalOutcome> {
  const parsed = documentIdOfKey(object.key);
  if (!parsed) return { outcome: 'unknown', key: object.key };
  // Another delivery of the same event may judge it meanwhile (a ConcurrentChange): read it again and see.
  return retryOnConcurrentChange(
    async () => {
      const doc = await documents.get(deps.db, parsed.documentId);
      if (!doc || doc.key !== parsed.key) return { outcome: 'unknown', key: parsed.key };
      return judge(deps, doc, object);
    },
    { what: `Document ${parsed.documentId}` },
  );
}

async function judge(deps: ArrivalDeps, doc: DocumentRecord, object: ArrivedObject): Promise<ArrivalOutcome> {
  const ctx = { actor: uploadActor, now: deps.now(), requestId: object.requestId };
  if (doc.status === 'rejected') {
    await deps.storage.remove(doc.key);
    return { outcome: 'unchanged', document: doc };
  }
  if (doc.status === 'received') {
    if (object.eTag && object.eTag === doc.eTag) return { outcome: 'unchanged', document: doc };
    const current = await deps.storage.eTag(doc.key);
    if (current === undefined || current === doc.eTag) return { outcome: 'unchanged', document: doc };
    const after = replacedAfterReceipt(doc, ctx.now);
    await deps.db.write(documents.updateActions(doc, after, ctx, 'reject-replaced'));
    await deps.storage.remove(doc.key);
    return { outcome: 'rejected', document: after };
  }
  const facts = await deps.storage.inspect(doc.key);
  if (!facts) return { outcome: 'unchanged', document: doc }; // gone already: a late event of a deleted object
  let detectedType = detectType(facts.head, facts.tail);
  if (detectedType === 'text/csv' && !facts.text) detectedType = undefined;
  const after = judgeUpload(
    doc,
    { size: facts.size, sha256: facts.sha256, detectedType, eTag: facts.eTag },
    ctx.now,
  );
  await deps.db.write(
    documents.updateActions(doc, after, ctx, after.status === 'received' ? 'receive' : 'reject'),
  );
  if (after.status === 'rejected') await deps.storage.remove(doc.key);
  return { outcome: after.status === 'received' ? 'received' : 'rejected', document: after };
}
