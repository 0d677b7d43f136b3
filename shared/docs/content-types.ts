import type { FieldError } from '../domain/errors.js';

/**
 * What may be uploaded (api-contract.md, "Documents"): PDF, DOCX, XLSX, JPEG or PNG up to 50 MiB; and, for
 * the treasury's expenditure exports only, CSV up to 20 MiB. The declared type is checked when a link is
 * made; the real type (magic bytes, detect.ts) when the upload arrives.
 */
export const contentTypes = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  jpeg: 'image/jpeg',
  png: 'image/png',
  csv: 'text/csv',
} as const;
export type ContentType = (typeof contentTypes)[keyof typeof contentTypes];

const MiB = 1024 * 1024;
export const DOCUMENT_MAX_BYTES = 50 * MiB;
export const IMPORT_MAX_BYTES = 20 * MiB;

export const documentTypes: readonly ContentType[] = [
  contentTypes.pdf,
  contentTypes.docx,
  contentTypes.xlsx,
  contentTypes.jpeg,
  contentTypes.png,
];

/** What an upload is for decides what it may be. */
export type UploadPurpose = 'document' | 'expenditure-import';

const rules: Record<UploadPurpose, { types: readonly ContentType[]; maxBytes: number }> = {
  document: { types: documentTypes, maxBytes: DOCUMENT_MAX_BYTES },
  'expenditure-import': { types: [contentTypes.csv], maxBytes: IMPORT_MAX_BYTES },
};

/** The 422 field errors of a declared upload (none when it may be uploaded). */
export function checkDeclaredUpload(
  purpose: UploadPurpose,
  declared: { contentType: string; size: number },
): FieldError[] {
  const rule = rules[purpose];
  const errors: FieldError[] = [];
  if (!rule.types.includes(declared.contentType as ContentType)) {
    errors.push({ path: 'contentType', message: `must be one of ${rule.types.join(', ')}` });
  }
  if (!Number.isInteger(declared.size) || declared.size < 1 || declared.size > rule.maxBytes) {
    errors.push({
      path: 'size',
      message: `must be a whole number of bytes from 1 to ${rule.maxBytes} (${rule.maxBytes / MiB} MiB)`,
    });
  }
  return errors;
}

/** A file name safe in an object key and a download header: no path, no control or reserved characters. */
export function sanitiseFileName(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[%+#?&*:"<>|`'{}[\]^~\\$=;,@!]/g, '_')
    .replace(/\s+/g, '_')
    .replace(/^\.+/, '')
    .slice(0, 120);
  return cleaned || 'file';
}

/** `uploads/<documentId>/<sanitised file name>`: the key of a document's object. */
export function objectKeyOf(documentId: string, fileName: string): string {
  return `${UPLOADS_PREFIX}${documentId}/${sanitiseFileName(fileName)}`;
}

export const UPLOADS_PREFIX = 'uploads/';
/** Where the published bulletins (HTML page, workbook) are kept: `bulletins/<year>/<publication>/`. */
export const BULLETINS_PREFIX = 'bulletins/';

/**
 * The document id of an object key, or undefined. Keys in S3 events are URL-encoded (spaces as `+`);
 * sanitised names hold neither `+` nor `%`, so decoding is safe for raw keys too (s3rver sends them raw).
 */
export function documentIdOfKey(eventKey: string): { documentId: string; key: string } | undefined {
  let key: string;
  try {
    key = decodeURIComponent(eventKey.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
  const m = /^uploads\/([A-Za-z0-9-]{1,64})\/[^/]+$/.exec(key);
  return m ? { documentId: m[1]!, key } : undefined;
}
