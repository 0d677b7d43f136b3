import { createHash } from 'node:crypto';
import { rfc5322Date } from './format.js';

/**
 * A raw MIME message for SES (`SendEmailCommand` with `Content.Raw`), built by nodemailer's MailComposer:
 *
 *   multipart/mixed
 *   ├── multipart/alternative
 *   │   ├── text/plain; charset=utf-8   (base64)
 *   │   └── text/html; charset=utf-8    (base64)
 *   └── application/vnd.openxmlformats-officedocument.spreadsheetml.sheet  (base64, attachment)
 *
 * MailComposer does the encoding: CRLF line endings, base64 lines of 76 characters, headers in ASCII (the
 * subject and display name as RFC 2047 `B` words, a non-ASCII attachment name as RFC 2231 parameters).
 * Without attachments the message is the multipart/alternative alone. What stays here is what the library
 * does not decide for us: addresses and extra headers are checked (nothing may end a header or smuggle in a
 * recipient), content is never read from a path or URL, the Date is Shanghai time, and the boundaries and the
 * Message-ID come from the content, so the same input gives the same bytes.
 */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface Attachment {
  /** The file name the reader sees; any language (`监控报告.xlsx`), no path separators or control characters. */
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
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const SAFE_FILENAME = /^[^\x00-\x1f\x7f/\\"]{1,100}$/;
const HEADER_NAME = /^X-[A-Za-z0-9-]+$/;
const HEADER_VALUE = /^[\x20-\x7e]*$/;

function checkAddress(a: string): string {
  if (!ADDRESS.test(a)) throw new Error(`Not a mail address that can go in a header: ${JSON.stringify(a)}`);
  return a;
}

/** A digest of the message's content: its boundaries and Message-ID (deterministic, so a message can be rebuilt identically). */
function contentDigest(input: MimeInput): string {
  const h = createHash('sha256')
    .update(input.subject)
    .update('\0')
    .update(input.to.join(','))
    .update('\0')
    .update(input.date.toISOString())
    .update('\0')
    .update(input.text);
  for (const a of input.attachments ?? []) h.update('\0').update(a.filename).update(a.content);
  return h.digest('hex').slice(0, 24);
}

/** Text bodies in canonical form (CRLF) before base64. */
const canonical = (s: string) => s.replace(/\r?\n/g, CRLF);

export async function buildMime(input: MimeInput): Promise<Buffer> {
  // Loaded on the first message: most invocations of a function that can mail send none.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  if (!input.to.length) throw new Error('A message needs at least one recipient');
  const from = checkAddress(input.from.address);
  const to = input.to.map(checkAddress);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) throw new Error(`Bad header ${name}`);
    headers[name] = value;
  }
  const attachments = (input.attachments ?? []).map((a) => {
    if (!SAFE_FILENAME.test(a.filename) || a.filename.trim() !== a.filename)
      throw new Error(`Not an attachment name: ${JSON.stringify(a.filename)}`);
    return {
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      contentTransferEncoding: 'base64',
    };
  });
  const digest = contentDigest(input);
  const composer = new MailComposer({
    from: input.from.name ? { name: input.from.name, address: from } : from,
    to,
    subject: input.subject,
    date: rfc5322Date(input.date),
    messageId: `<${digest}.${from.replace(/^.*@/, 'bp@')}>`,
    text: canonical(input.text),
    html: canonical(input.html),
    attachments,
    headers,
    // RFC 2047 `B` words for the subject and names; base64 for the text parts (as lines of 76).
    textEncoding: 'B',
    encoding: 'base64',
    newline: 'win',
    baseBoundary: digest,
    boundaryPrefix: '=_bp',
    // Content is given in memory only: never read a file or fetch a URL named in a message.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return composer.compile().build();
}
