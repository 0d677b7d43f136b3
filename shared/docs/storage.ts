import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  bucketName,
  contentDisposition,
  DOWNLOAD_LINK_SECONDS,
  isMissing,
  type ObjectFacts,
  type Publisher,
  type Storage,
  UPLOAD_LINK_SECONDS,
  type UploadLink,
  type UploadLinkSpec,
  unquote,
} from './bucket.js';
import { HEAD_BYTES, TAIL_BYTES, TextCheck } from './detect.js';

export * from './bucket.js';

/**
 * The documents bucket: presigned POST links for uploads, short-lived GET links for downloads, and the
 * reads the upload-arrived handler makes. One client per process, created on first use; the endpoint
 * comes from the SDK's standard AWS_ENDPOINT_URL_S3 (s3rver locally), the bucket from BUCKET_NAME.
 * Path-style addressing and checksums only when required: s3rver needs both (it would store streamed
 * bodies aws-chunked), and S3 accepts them.
 */
let client: S3Client | undefined;

export function s3Client(): S3Client {
  client ??= new S3Client({
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return client;
}

/** A presigned POST: exactly this key, exactly the declared size and type, for `expiresIn` seconds. */
export async function createUploadLink(spec: UploadLinkSpec): Promise<UploadLink> {
  const expiresIn = spec.expiresIn ?? UPLOAD_LINK_SECONDS;
  const expiresAt = new Date(Date.now() + expiresIn * 1000);
  const fields: Record<string, string> = { 'Content-Type': spec.contentType };
  if (spec.redirect) fields.success_action_redirect = spec.redirect;
  else if (spec.successStatus) fields.success_action_status = spec.successStatus;
  const post = await createPresignedPost(s3Client(), {
    Bucket: bucketName(),
    Key: spec.key,
    Conditions: [
      ['content-length-range', spec.size, spec.size],
      ['eq', '$Content-Type', spec.contentType],
    ],
    Fields: fields,
    Expires: expiresIn,
  });
  return { url: post.url, fields: post.fields, expiresAt: expiresAt.toISOString() };
}

export async function downloadUrl(
  key: string,
  fileName: string,
  expiresIn = DOWNLOAD_LINK_SECONDS,
): Promise<{ url: string; expiresAt: string }> {
  const expiresAt = new Date(Date.now() + expiresIn * 1000).toISOString();
  const command = new GetObjectCommand({
    Bucket: bucketName(),
    Key: key,
    ResponseContentDisposition: contentDisposition(fileName),
  });
  return { url: await getSignedUrl(s3Client(), command, { expiresIn }), expiresAt };
}

export async function inspectObject(
  key: string,
  opts: { keepBody?: number } = {},
): Promise<ObjectFacts | undefined> {
  let out: GetObjectCommandOutput;
  try {
    out = await s3Client().send(new GetObjectCommand({ Bucket: bucketName(), Key: key }));
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
  const hash = createHash('sha256');
  const text = new TextCheck();
  const headChunks: Buffer[] = [];
  let headSize = 0;
  let tail: Buffer = Buffer.alloc(0);
  let bodyChunks: Buffer[] | undefined = opts.keepBody !== undefined ? [] : undefined;
  let size = 0;
  for await (const piece of out.Body as Readable) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    size += chunk.length;
    hash.update(chunk);
    text.push(chunk);
    if (headSize < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - headSize);
      headChunks.push(part);
      headSize += part.length;
    }
    tail =
      chunk.length >= TAIL_BYTES
        ? chunk.subarray(-TAIL_BYTES)
        : Buffer.concat([tail, chunk]).subarray(-TAIL_BYTES);
    if (bodyChunks) {
      if (size > (opts.keepBody ?? 0)) bodyChunks = undefined;
      else bodyChunks.push(chunk);
    }
  }
  return {
    size,
    sha256: hash.digest('hex'),
    eTag: unquote(out.ETag),
    head: Buffer.concat(headChunks),
    tail,
    text: text.end(),
    body: bodyChunks ? Buffer.concat(bodyChunks) : undefined,
  };
}

export async function objectETag(key: string): Promise<string | undefined> {
  try {
    const out = await s3Client().send(new HeadObjectCommand({ Bucket: bucketName(), Key: key }));
    return unquote(out.ETag);
  } catch (err) {
    if (isMissing(err)) return undefined;
    throw err;
  }
}

export async function deleteObject(key: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: bucketName(), Key: key }));
}

/** Writes an object the system made itself (a bulletin, the public data package). */
export async function putObject(key: string, body: Buffer | string, contentType: string): Promise<void> {
  await s3Client().send(
    new PutObjectCommand({ Bucket: bucketName(), Key: key, Body: body, ContentType: contentType }),
  );
}

export const s3Publisher: Publisher = { put: putObject };

/** The bucket, as the code that uses it sees it (tests pass fakes of this). */
export const s3Storage: Storage = {
  uploadLink: createUploadLink,
  downloadUrl,
  inspect: inspectObject,
  eTag: objectETag,
  remove: deleteObject,
};
