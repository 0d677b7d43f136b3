import { createHash } from 'node:crypto';
import { rfc5322Date } from './format.js';

/**
 * A raw MIME message for SES (`SendEmailCommand` with `Content.Raw`), built by hand:
 *
 *   multipart/mixed
 *   ├── multipart/alternative
 *   │   ├── text/plain; charset=UTF-8   (base64)
 *   │   └── text/html; charset=UTF-8    (base64)
 *   └── application/vnd.openxmlformats-officedocument.spreadsheetml.sheet  (base64, attachment)
 *
 * CRLF line endings, base64 lines of 76 characters, headers in ASCII (the subject and display name as RFC
 * 2047 encoded words), boundaries that cannot occur in base64 (`=_`). Without attachments the message is
 * the multipart/alternative alone. Pure: the same input gives the same bytes.
 */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Attachment {
  /** ASCII file name (letters, digits, `._-`). */
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface MimeInput {
  from: { address: string; name?: string };
  to: readonly string[];
  subject: string;
  date: Date;
  text: string;
  html: string;
  attachments?: readonly Attachment[];
  /** Extra ASCII headers, e.g. `X-Report-Key`. */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';
/** Addresses as the API validates them; nothing that could end a header or smuggle another recipient. */
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;
const SAFE_FILENAME = /^[A-Za-z0-9._-]{1,100}$/;
const HEADER_NAME = /^X-[A-Za-z0-9-]+$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

/** Base64 of `data`, in lines of 76 characters. */
export function base64Lines(data: Buffer): string {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/**
 * RFC 2047 encoded words (`=?UTF-8?B?...?=`), each at most 39 bytes of UTF-8 (52 base64 characters) and never
 * splitting a character, joined by folding whitespace so no header line grows past 76 characters.
 */
export function encodeWords(value: string): string {
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (!chunk.length) return;
    words.push(`=?UTF-8?B?${Buffer.concat(chunk).toString('base64')}?=`);
    chunk = [];
    size = 0;
  };
  for (const ch of value) {
    const bytes = Buffer.from(ch, 'utf8');
    if (size + bytes.length > 39) flush();
    chunk.push(bytes);
    size += bytes.length;
  }
  flush();
  return words.join(`${CRLF} `);
}

function checkAddress(a: string): string {
  if (!ADDRESS.test(a)) throw new Error(`Not a mail address that can go in a header: ${JSON.stringify(a)}`);
  return a;
}

/** A boundary unique to this message's content (deterministic, so a message can be rebuilt identically). */
function boundaries(input: MimeInput): { mixed: string; alt: string } {
  const h = createHash('sha256')
    .update(input.subject)
    .update(input.to.join(','))
    .update(input.date.toISOString())
    .update(input.text)
    .digest('hex')
    .slice(0, 24);
  return { mixed: `=_bp_mixed_${h}`, alt: `=_bp_alt_${h}` };
}

function part(headers: string[], body: string): string {
  return `${headers.join(CRLF)}${CRLF}${CRLF}${body}`;
}

/** Text bodies in canonical form (CRLF) before base64. */
const canonical = (s: string) => Buffer.from(s.replace(/\r?\n/g, CRLF), 'utf8');

export function buildMime(input: MimeInput): Buffer {
  if (!input.to.length) throw new Error('A message needs at least one recipient');
  const from = checkAddress(input.from.address);
  const to = input.to.map(checkAddress);
  const { mixed, alt } = boundaries(input);
  const attachments = input.attachments ?? [];

  const alternative = [
    `--${alt}`,
    part(
      ['Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: base64'],
      base64Lines(canonical(input.text)),
    ),
    `--${alt}`,
    part(
      ['Content-Type: text/html; charset=UTF-8', 'Content-Transfer-Encoding: base64'],
      base64Lines(canonical(input.html)),
    ),
    `--${alt}--`,
    '',
  ].join(CRLF);
  const altType = `Content-Type: multipart/alternative; boundary="${alt}"`;

  const headers = [
    `From: ${input.from.name ? `${encodeWords(input.from.name)} <${from}>` : from}`,
    `To: ${to.join(`,${CRLF} `)}`,
    `Subject: ${encodeWords(input.subject)}`,
    `Date: ${rfc5322Date(input.date)}`,
    'MIME-Version: 1.0',
  ];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) throw new Error(`Bad header ${name}`);
    headers.push(`${name}: ${value}`);
  }

  if (!attachments.length) {
    return Buffer.from(part([...headers, altType], alternative), 'utf8');
  }
  const sections = [`--${mixed}`, part([altType], alternative)];
  for (const a of attachments) {
    if (!SAFE_FILENAME.test(a.filename))
      throw new Error(`Attachment name must be plain ASCII: ${a.filename}`);
    sections.push(
      `--${mixed}`,
      part(
        [
          `Content-Type: ${a.contentType}; name="${a.filename}"`,
          `Content-Disposition: attachment; filename="${a.filename}"`,
          'Content-Transfer-Encoding: base64',
        ],
        base64Lines(a.content),
      ),
    );
  }
  sections.push(`--${mixed}--`, '');
  return Buffer.from(
    part([...headers, `Content-Type: multipart/mixed; boundary="${mixed}"`], sections.join(CRLF)),
    'utf8',
  );
}
