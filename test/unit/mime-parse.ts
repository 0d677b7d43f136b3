// A small, strict MIME reader for the unit tests: it reads back what shared/mail/mime.ts writes (headers with
// folding and RFC 2047 words, nested multiparts by boundary, base64 bodies) and fails loudly on anything else.
export interface Part {
  headers: Record<string, string>;
  /** The body as written (still transfer-encoded). */
  raw: string;
  /** The boundary of a multipart, and its parts in order. */
  boundary?: string;
  parts: Part[];
}

const CRLF = '\r\n';

export function parseHeaders(block: string): Record<string, string> {
  const unfolded = block.replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of unfolded.split(CRLF)) {
    const m = /^([A-Za-z0-9-]+):\s?(.*)$/.exec(line);
    if (!m) throw new Error(`not a header line: ${JSON.stringify(line)}`);
    headers[m[1]!.toLowerCase()] = m[2]!;
  }
  return headers;
}

export function parsePart(text: string): Part {
  const split = text.indexOf(CRLF + CRLF);
  if (split < 0) throw new Error('no blank line after the headers');
  const headers = parseHeaders(text.slice(0, split));
  const raw = text.slice(split + 4);
  const type = headers['content-type'] ?? '';
  const b = /boundary="([^"]+)"/.exec(type)?.[1];
  if (!/^multipart\//.test(type)) return { headers, raw, parts: [] };
  if (!b) throw new Error(`multipart without a boundary: ${type}`);
  const delimiter = `--${b}`;
  const closing = `${CRLF}--${b}--`;
  const end = raw.indexOf(closing);
  // What mime.ts writes: no preamble, the first delimiter opens the body.
  if (!raw.startsWith(delimiter)) throw new Error(`the body of ${b} does not open with its delimiter`);
  if (end < 0) throw new Error(`multipart ${b} is not closed`);
  const inner = raw.slice(delimiter.length, end);
  const parts = inner.split(`${CRLF}${delimiter}`).map((p) => {
    if (!p.startsWith(CRLF)) throw new Error('a delimiter must end its line');
    return parsePart(p.slice(CRLF.length));
  });
  return { headers, raw, boundary: b, parts };
}

/** RFC 2047 `=?UTF-8?B?...?=` words (adjacent words joined: the whitespace between them is not text). */
export function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_m, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );
}

export function decodeBody(p: Part): Buffer {
  const enc = (p.headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (enc !== 'base64') throw new Error(`unexpected transfer encoding ${enc}`);
  for (const line of p.raw.replace(/\r\n$/, '').split(CRLF)) {
    if (line.length > 76) throw new Error(`base64 line of ${line.length} characters`);
    if (!/^[A-Za-z0-9+/=]*$/.test(line)) throw new Error(`not base64: ${line}`);
  }
  return Buffer.from(p.raw.replace(/\r\n/g, ''), 'base64');
}

export const bodyText = (p: Part) => decodeBody(p).toString('utf8');
