import { type ParsedMail, simpleParser } from 'mailparser';

/**
 * A raw MIME message read back with mailparser (the library most mail tooling on Node uses), for the tests:
 * the decoded headers, subject, addresses, text, HTML and attachments as a mail client would see them.
 */
export async function readMail(raw: Buffer | Uint8Array): Promise<ParsedMail> {
  return simpleParser(Buffer.from(raw), { skipTextToHtml: true, skipTextLinks: true });
}

/**
 * The media type of every part, in the order the message carries them (the root first). mailparser flattens
 * the tree into text, HTML and attachments; this reads the `Content-Type` header lines of the raw message
 * (unfolded), so a test can see how the parts nest.
 */
export function partTypes(raw: Buffer | Uint8Array): string[] {
  const unfolded = Buffer.from(raw)
    .toString('latin1')
    .replace(/\r\n[ \t]+/g, ' ');
  return [...unfolded.matchAll(/^Content-Type:\s*([^;\r\n]+)/gim)].map((m) => m[1]!.trim().toLowerCase());
}

/** The value of one header as written in the raw message (unfolded, still encoded). */
export function rawHeader(raw: Buffer | Uint8Array, name: string): string | undefined {
  const text = Buffer.from(raw).toString('latin1');
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const unfolded = head.replace(/\r\n[ \t]+/g, ' ');
  const line = unfolded.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
