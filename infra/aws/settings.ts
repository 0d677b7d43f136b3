import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';

/** The repository root: entries in the declarations (`functions/...`) are relative to it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What differs between deployments. Read from CDK context, so each is set with
 * `npm run synth -- -c key=value` (or `cdk deploy -c ...`) or under "context" in cdk.json:
 * - `sesSenderEmail`: the address mails are sent from (`SES_FROM`); an SES email identity is created for it.
 *   Synth works without it (a placeholder, with a warning); a deployment needs the real address.
 * - `sesSenderDomain` (optional): verify this whole domain in SES instead of the single address; the
 *   sender then defaults to `no-reply@<domain>`.
 * - `bureauAlarmEmail` (optional): subscribed by email to the alarm topic.
 * - `allowedOrigins` (optional): browser origins of the portals, comma-separated or a JSON array
 *   (`https://portal.example.gov.cn`); they get CORS on the API and presigned uploads to the bucket.
 */
export interface Settings {
  senderEmail: string;
  senderDomain?: string;
  alarmEmail?: string;
  allowedOrigins: string[];
}

export const placeholderSender = 'no-reply@example.org';

const origin = /^https?:\/\/[^/\s]+$/;
const email = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function text(node: Node, key: string): string | undefined {
  const value = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context ${key} must be a string`);
  return value.trim();
}

function list(node: Node, key: string): string[] {
  const value = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return [];
  const items: unknown = Array.isArray(value)
    ? value
    : String(value).trim().startsWith('[')
      ? JSON.parse(String(value))
      : String(value).split(',');
  if (!Array.isArray(items)) throw new Error(`Context ${key} must be a list`);
  return items.map((i) => String(i).trim()).filter(Boolean);
}

export function settingsFromContext(node: Node): Settings {
  const senderDomain = text(node, 'sesSenderDomain');
  const senderEmail =
    text(node, 'sesSenderEmail') ?? (senderDomain ? `no-reply@${senderDomain}` : placeholderSender);
  const alarmEmail = text(node, 'bureauAlarmEmail');
  const allowedOrigins = list(node, 'allowedOrigins');
  for (const address of [senderEmail, alarmEmail]) {
    if (address !== undefined && !email.test(address)) throw new Error(`Not an email address: ${address}`);
  }
  if (senderDomain && !senderEmail.endsWith(`@${senderDomain}`)) {
    throw new Error(`sesSenderEmail ${senderEmail} is not at sesSenderDomain ${senderDomain}`);
  }
  for (const o of allowedOrigins) {
    if (!origin.test(o))
      throw new Error(`allowedOrigins: ${o} is not an origin like https://portal.example.org`);
  }
  return { senderEmail, senderDomain, alarmEmail, allowedOrigins };
}
