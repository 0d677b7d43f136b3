import * as z from 'zod';
import { uploadPageSecret, verifyPageToken } from '../../shared/docs/page-token.js';
import { messagePage, type PageReply, uploadFormPage } from '../../shared/docs/upload-page.js';
import { apiBaseUrl, pagePath } from '../../shared/docs/uploads.js';
import { assertMayRead, type DocumentRecord, documentRecord } from '../../shared/domain/document.js';
import { NotFound } from '../../shared/domain/errors.js';
import { createApiHandler } from '../../shared/http/api-handler.js';
import { Reply, route } from '../../shared/http/route.js';
import { idParams } from '../../shared/http/schemas.js';
import { documents } from '../../shared/store/documents.js';

/** Documents: their metadata and download links, and the upload page a browser opens from `pageUrl`. */
const area = 'documents' as const;
const tags = ['Documents'];

/** The record as the API shows it: everything but the storage internals, plus a download link. */
export const documentView = documentRecord
  .omit({ key: true, eTag: true, createdBy: true })
  .extend({
    downloadUrl: z.string().optional().meta({ description: 'A short-lived GET link, once received' }),
    downloadUrlExpiresAt: z.string().optional(),
  })
  .meta({ id: 'Document' });

function view(d: DocumentRecord) {
  const { key: _key, eTag: _eTag, createdBy: _by, ...rest } = d;
  return rest;
}

const html = (page: PageReply) => new Reply(page.status, page.html, page.headers);

const notFoundPage = () =>
  messagePage(
    404,
    { title: '链接无效', detail: '没有这个上传链接。请向系统重新申请上传链接。' },
    {
      title: 'No such link',
      detail: 'This upload link does not exist. Ask the system for a new upload link.',
    },
  );

export const routes = [
  route({
    area,
    method: 'GET',
    path: '/v1/documents/{id}',
    roles: ['finance', 'department', 'evaluator'],
    tags,
    summary: 'A document: its status, size, sha256 and type, and a short-lived download link once received',
    description: 'The owner (department or agency) and the bureau only; anyone else gets 404.',
    params: idParams,
    response: documentView,
    async handle(req) {
      const doc = await documents.get(req.deps.db, req.params.id);
      if (!doc) throw new NotFound(`Document ${req.params.id}`);
      assertMayRead(req.actor, doc);
      if (doc.status !== 'received') return view(doc);
      const link = await req.deps.storage.downloadUrl(doc.key, doc.fileName);
      return { ...view(doc), downloadUrl: link.url, downloadUrlExpiresAt: link.expiresAt };
    },
  }),
  route({
    area,
    method: 'GET',
    path: '/v1/upload-pages/{token}',
    roles: 'public',
    tags,
    summary: 'The upload page of one document (the signed, expiring link is the credential)',
    description:
      'An HTML form that posts the file straight to the bucket with a fresh presigned POST (the same key, ' +
      'size and type). An expired link → 410, a tampered or unknown one → 404, a used one → 410; after the ' +
      'upload S3 sends the browser back here (with `bucket`, `key`, `etag`) and the page shows the status.',
    params: z.strictObject({ token: z.string().min(1).max(200) }),
    query: z.object({
      bucket: z.string().optional(),
      key: z.string().optional(),
      etag: z.string().optional(),
    }),
    produces: 'text/html',
    also: {
      404: 'A page saying the link is tampered with or unknown',
      410: 'A page saying the link has expired or was used',
    },
    async handle(req) {
      // Links expire on the real clock, as S3 checks the presigned policy by it.
      const realNow = new Date();
      const check = verifyPageToken(await uploadPageSecret(), req.params.token, realNow);
      if (!check.ok) {
        if (check.reason !== 'expired') return html(notFoundPage());
        return html(
          messagePage(
            410,
            { title: '链接已过期', detail: '此上传链接已过期。请重新申请上传链接。' },
            { title: 'Link expired', detail: 'This upload link has expired. Ask for a new upload link.' },
          ),
        );
      }
      const doc = await documents.get(req.deps.db, check.documentId);
      if (!doc) return html(notFoundPage());
      if (req.query.key !== undefined || req.query.etag !== undefined) return html(afterUpload(doc));
      if (doc.status !== 'pending') {
        return html(
          messagePage(
            410,
            { title: '链接已使用', detail: `此链接的文件已上传（${statusZh[doc.status]}）。` },
            { title: 'Link used', detail: `The file of this link was uploaded already (${doc.status}).` },
          ),
        );
      }
      const expiresIn = Math.max(1, Math.floor((check.expiresAt.getTime() - realNow.getTime()) / 1000));
      const spec = {
        documentId: doc.id,
        key: doc.key,
        contentType: doc.contentType,
        size: doc.size,
        expiresIn,
      };
      const pageUrl = `${apiBaseUrl(req.headers)}${pagePath(req.params.token)}`;
      // One presigned POST for the plain form (S3 sends the browser back here), one for the page's script.
      const [link, xhr] = await Promise.all([
        req.deps.storage.uploadLink({ ...spec, redirect: pageUrl }),
        req.deps.storage.uploadLink({ ...spec, successStatus: '201' }),
      ]);
      return html(
        uploadFormPage({
          ...doc,
          expiresAt: check.expiresAt.toISOString(),
          url: link.url,
          fields: link.fields,
          xhrFields: xhr.fields,
          doneUrl: `${pageUrl}?key=${encodeURIComponent(doc.key)}`,
        }),
      );
    },
  }),
];

const statusZh: Record<DocumentRecord['status'], string> = {
  pending: '检查中',
  received: '已接收',
  rejected: '已拒收',
};

function afterUpload(doc: DocumentRecord): PageReply {
  if (doc.status === 'rejected') {
    return messagePage(
      200,
      { title: '文件已拒收', detail: `文件与申请时声明的不一致：${doc.reason ?? ''}` },
      { title: 'File rejected', detail: `The file is not what its link declared: ${doc.reason ?? ''}` },
      { tone: 'error' },
    );
  }
  if (doc.status === 'received') {
    return messagePage(
      200,
      { title: '上传成功', detail: `文件已接收，SHA-256：${doc.sha256}` },
      { title: 'Uploaded', detail: `The file was received; SHA-256: ${doc.sha256}` },
      { tone: 'ok' },
    );
  }
  return messagePage(
    200,
    { title: '上传完成', detail: '文件已上传，正在检查大小和类型。本页会自动刷新显示结果。' },
    {
      title: 'Uploaded',
      detail:
        'The file is uploaded and being checked (size and type). This page refreshes itself to show the result.',
    },
    { refreshSeconds: 2 },
  );
}

export const handler = createApiHandler(routes);
