import type { DocumentRecord } from '../domain/document.js';
import { type Storage, UPLOAD_LINK_SECONDS, type UploadLink } from './bucket.js';
import { signPageToken, uploadPageSecret } from './page-token.js';

/**
 * The links of an upload: the presigned POST for exactly that file and the upload page's signed link for a
 * browser. Opening an upload (the pending document and its audit record) is shared/app/uploads.ts.
 */
export interface UploadLinkReply extends UploadLink {
  documentId: string;
  pageUrl: string;
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
  const storage = opts.storage ?? (await import('./storage.js')).s3Storage;
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
