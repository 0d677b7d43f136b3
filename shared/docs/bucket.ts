/**
 * The documents bucket as the code sees it, without the S3 client: the names, the limits and the interfaces.
 * The S3 implementation (./storage.ts) is loaded only by what really reaches the bucket (shared/deps.ts loads
 * it on first use), so a function that never touches a document does not load the S3 SDK.
 */
export function bucketName(): string {
  const name = process.env.BUCKET_NAME;
  if (!name) throw new Error('BUCKET_NAME is not set');
  return name;
}

export const UPLOAD_LINK_SECONDS = 900;
export const DOWNLOAD_LINK_SECONDS = 300;

export interface UploadLink {
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
}

export interface UploadLinkSpec {
  documentId: string;
  key: string;
  contentType: string;
  size: number;
  /** Seconds; 900 (15 minutes) unless given. */
  expiresIn?: number;
  /** Where S3 sends the browser after a successful form upload (the upload page); part of the policy. */
  redirect?: string;
  /** Or the status S3 answers a successful POST with (a script's upload: no redirect to follow). */
  successStatus?: '200' | '201' | '204';
}

/** What an object turned out to be, read once as a stream. */
export interface ObjectFacts {
  size: number;
  /** Lowercase hex. */
  sha256: string;
  eTag?: string;
  head: Uint8Array;
  tail: Uint8Array;
  /** The whole object is valid UTF-8 without NUL bytes. */
  text: boolean;
  /** The whole body, when asked for and not larger than asked. */
  body?: Buffer;
}

export interface Storage {
  uploadLink(spec: UploadLinkSpec): Promise<UploadLink>;
  downloadUrl(key: string, fileName: string, expiresIn?: number): Promise<{ url: string; expiresAt: string }>;
  /** Reads the object (undefined when there is none); `keepBody` keeps its bytes when it is no larger. */
  inspect(key: string, opts?: { keepBody?: number }): Promise<ObjectFacts | undefined>;
  /** The object's ETag (no quotes), or undefined when there is none. */
  eTag(key: string): Promise<string | undefined>;
  /** Deletes the object; deleting a missing object is not an error. */
  remove(key: string): Promise<void>;
}

export const unquote = (eTag: string | undefined) => eTag?.replace(/^"+|"+$/g, '');

export const isMissing = (err: unknown) => {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404;
};

/** `attachment` with the name in ASCII and, for every other character, RFC 5987's UTF-8 form. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** What a use case needs to publish files (tests pass fakes of this). */
export interface Publisher {
  put(key: string, body: Buffer | string, contentType: string): Promise<void>;
}
