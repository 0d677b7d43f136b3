import { checkDeclaredUpload, objectKeyOf, type UploadPurpose } from '../docs/content-types.js';
import { type UploadLinkReply, uploadLinkOf } from '../docs/uploads.js';
import { type DocumentRecord, ownerOf } from '../domain/document.js';
import { RuleViolation } from '../domain/errors.js';
import type { Db, WriteAction } from '../store/db.js';
import { documents, newId } from '../store/documents.js';
import type { ChangeContext } from '../store/entity-store.js';

export { type UploadLinkReply, uploadLinkOf };

/**
 * Opening an upload, for any feature that takes a file: a `pending` document (with its audit record),
 * a presigned POST for exactly that file, and the upload page's signed link for a browser. The caller
 * writes `actions` in its own transaction (with whatever else the upload belongs to), then asks for the
 * link:
 *
 *   const { document, actions } = newUploadDocument({ purpose: 'document', kind: 'plan', ... }, ctx);
 *   await db.write([...actions, ...mine]);
 *   return uploadLinkOf(document, { baseUrl: apiBaseUrl(req.headers) });
 */
export interface UploadSpec {
  purpose: UploadPurpose;
  kind: string;
  fileName: string;
  contentType: string;
  size: number;
  projectId?: string;
  evaluationId?: string;
  importId?: string;
  /** Default: the actor's department, agency, or the bureau. */
  owner?: Pick<DocumentRecord, 'ownerType' | 'departmentId' | 'agencyId'>;
}

/** The pending document and the writes that create it; a declared type or size not allowed → 422. */
export function newUploadDocument(
  spec: UploadSpec,
  ctx: ChangeContext,
): { document: DocumentRecord; actions: WriteAction[] } {
  const errors = checkDeclaredUpload(spec.purpose, spec);
  if (errors.length) throw new RuleViolation('This file may not be uploaded here', errors);
  const id = newId('DOC');
  const document: DocumentRecord = {
    id,
    version: 1,
    ...(spec.owner ?? ownerOf(ctx.actor)),
    projectId: spec.projectId,
    evaluationId: spec.evaluationId,
    importId: spec.importId,
    kind: spec.kind,
    fileName: spec.fileName,
    key: objectKeyOf(id, spec.fileName),
    contentType: spec.contentType,
    size: spec.size,
    status: 'pending',
    createdAt: ctx.now.toISOString(),
    createdBy: ctx.actor.sub,
  };
  return { document, actions: documents.createActions(document, ctx) };
}

/** Creates the pending document (with its audit record) and answers its links: the whole of a simple upload. */
export async function openUpload(
  deps: { db: Db },
  ctx: ChangeContext,
  spec: UploadSpec,
  baseUrl: string,
): Promise<UploadLinkReply> {
  const { document, actions } = newUploadDocument(spec, ctx);
  await deps.db.write(actions);
  return uploadLinkOf(document, { baseUrl });
}
