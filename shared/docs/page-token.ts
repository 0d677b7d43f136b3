import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The upload page's link is its own credential: `<documentId>.<expiry in epoch seconds>.<signature>`,
 * the signature an HMAC-SHA256 of both under UPLOAD_PAGE_SECRET (base64url). It names one document and
 * nothing else, and stops working at its expiry. Pure: the secret and the moment are passed in.
 */
export type PageTokenCheck =
  | { ok: true; documentId: string; expiresAt: Date }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired'; expiresAt?: Date };

const SHAPE = /^([A-Za-z0-9-]{1,64})\.(\d{9,12})\.([A-Za-z0-9_-]{43})$/;

function mac(secret: string, documentId: string, exp: number): Buffer {
  return createHmac('sha256', secret).update(`upload-page:v1:${documentId}:${exp}`).digest();
}

export function signPageToken(secret: string, documentId: string, expiresAt: Date): string {
  if (!secret) throw new Error('UPLOAD_PAGE_SECRET is not set');
  if (!/^[A-Za-z0-9-]{1,64}$/.test(documentId)) throw new Error(`not a document id: ${documentId}`);
  const exp = Math.floor(expiresAt.getTime() / 1000);
  return `${documentId}.${exp}.${mac(secret, documentId, exp).toString('base64url')}`;
}

export function verifyPageToken(secret: string, token: string, now: Date): PageTokenCheck {
  if (!secret) throw new Error('UPLOAD_PAGE_SECRET is not set');
  const m = SHAPE.exec(token);
  if (!m) return { ok: false, reason: 'malformed' };
  const documentId = m[1]!;
  const exp = Number(m[2]);
  const given = Buffer.from(m[3]!, 'base64url');
  const expected = mac(secret, documentId, exp);
  // Only the canonical encoding: the last character's spare bits would let several tokens decode alike.
  const canonical = given.toString('base64url') === m[3];
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  const expiresAt = new Date(exp * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: 'expired', expiresAt };
  return { ok: true, documentId, expiresAt };
}

let cached: Promise<string> | undefined;

/**
 * The secret of this deployment: locally UPLOAD_PAGE_SECRET (a random one per data folder); in AWS a
 * Secrets Manager secret the stack generates, named by UPLOAD_PAGE_SECRET_ARN and read once per process.
 */
export function uploadPageSecret(): Promise<string> {
  cached ??= (async () => {
    if (process.env.UPLOAD_PAGE_SECRET) return process.env.UPLOAD_PAGE_SECRET;
    const arn = process.env.UPLOAD_PAGE_SECRET_ARN;
    if (!arn) throw new Error('Neither UPLOAD_PAGE_SECRET nor UPLOAD_PAGE_SECRET_ARN is set');
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
    if (!out.SecretString) throw new Error(`The secret ${arn} has no string value`);
    return out.SecretString;
  })().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
