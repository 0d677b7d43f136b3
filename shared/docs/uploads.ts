import { type DocumentRecord, ownerOf } from '../domain/document.js';
import { RuleViolation } from '../domain/errors.js';
import type { Db, WriteAction } from '../store/db.js';
import { documents, newId } from '../store/documents.js';
import type { ChangeContext } from '../store/entity-store.js';
import { checkDeclaredUpload, objectKeyOf, type UploadPurpose } from './content-types.js';
import { signPageToken, uploadPageSecret } from './page-token.js';
import { type Storage, s3Storage, UPLOAD_LINK_SECONDS, type UploadLink } from './storage.js';

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

export interface UploadLinkReply extends UploadLink {
  documentId: string;
  pageUrl: string;
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

/** Where this API is reached from outside: PUBLIC_API_URL, else the request's own host and scheme. */
export function apiBaseUrl(headers: Record<string, string | undefined>): string {
  const configured = process.env.PUBLIC_API_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const host = headers['x-forwarded-host'] ?? headers.host ?? 'localhost';
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  const proto = headers['x-forwarded-proto']?.split(',')[0]?.trim() || (loopback ? 'http' : 'https');
  return `${proto}://${host}`;
}

export const pagePath = (token: string) => `/v1/upload-pages/${token}`;

/** The presigned POST of a pending document (15 minutes) and its upload page, valid as long. */
export async function uploadLinkOf(
  document: DocumentRecord,
  opts: { baseUrl: string; storage?: Storage; secret?: string; expiresIn?: number },
): Promise<UploadLinkReply> {
  const storage = opts.storage ?? s3Storage;
  const link = await storage.uploadLink({
    documentId: document.id,
    key: document.key,
    contentType: document.contentType,
    size: document.size,
    expiresIn: opts.expiresIn ?? UPLOAD_LINK_SECONDS,
  });
  const token = signPageToken(
    opts.secret ?? (await uploadPageSecret()),
    document.id,
    new Date(link.expiresAt),
  );
  return { documentId: document.id, ...link, pageUrl: `${opts.baseUrl}${pagePath(token)}` };
}

/** Creates the pending document (with its audit record) and answers its links: the whole of a simple upload. */
export async function openUpload(
  db: Db,
  ctx: ChangeContext,
  spec: UploadSpec,
  baseUrl: string,
): Promise<UploadLinkReply> {
  const { document, actions } = newUploadDocument(spec, ctx);
  await db.write(actions);
  return uploadLinkOf(document, { baseUrl });
}
