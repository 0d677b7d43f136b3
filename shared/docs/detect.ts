import { type ContentType, contentTypes } from './content-types.js';

/**
 * The real type of a file, by its magic bytes (never by its name or declared type). `head` is the start
 * of the file (read HEAD_BYTES of it); `tail`, optional, its end: an Office file is a ZIP, and which
 * Office file it is shows in its entry names — in the local headers near the start and, always, in the
 * central directory at the end. Text (CSV) is valid UTF-8 without NUL bytes. Pure: no I/O.
 */
export const HEAD_BYTES = 64 * 1024;
export const TAIL_BYTES = 64 * 1024;

const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const ZIP_LOCAL = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4
const ZIP_CENTRAL = [0x50, 0x4b, 0x01, 0x02]; // PK\1\2

export type DetectedType = ContentType | 'application/zip';

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((b, i) => bytes[at + i] === b);
}

export function detectType(head: Uint8Array, tail?: Uint8Array): DetectedType | undefined {
  if (head.length === 0) return undefined;
  if (startsWith(head, PDF)) return contentTypes.pdf;
  if (startsWith(head, PNG)) return contentTypes.png;
  if (startsWith(head, JPEG)) return contentTypes.jpeg;
  if (startsWith(head, ZIP_LOCAL)) return officeType([...zipEntryNames(head), ...zipEntryNames(tail)]);
  if (isText(head)) return contentTypes.csv;
  return undefined;
}

function officeType(names: string[]): DetectedType {
  if (names.some((n) => n.startsWith('word/'))) return contentTypes.docx;
  if (names.some((n) => n.startsWith('xl/'))) return contentTypes.xlsx;
  return 'application/zip';
}

/**
 * The entry names a ZIP fragment shows: each local file header (PK\3\4, name length at +26, name at +30)
 * and each central directory header (PK\1\2, name length at +28, name at +46) found in it.
 */
export function zipEntryNames(bytes: Uint8Array | undefined): string[] {
  if (!bytes) return [];
  const names: string[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (bytes[i] !== 0x50 || bytes[i + 1] !== 0x4b) continue;
    const local = startsWith(bytes, ZIP_LOCAL, i);
    const central = !local && startsWith(bytes, ZIP_CENTRAL, i);
    if (!local && !central) continue;
    const lengthAt = i + (local ? 26 : 28);
    const nameAt = i + (local ? 30 : 46);
    if (lengthAt + 2 > bytes.length) continue;
    const length = view.getUint16(lengthAt, true);
    if (length === 0 || nameAt + length > bytes.length) continue;
    names.push(Buffer.from(bytes.subarray(nameAt, nameAt + length)).toString('latin1'));
  }
  return names;
}

/**
 * Valid UTF-8 and no NUL byte. `head` may end inside a multi-byte character when it is only the start of
 * the file: a streaming decode accepts an incomplete last sequence, and rejects every invalid one.
 */
export function isText(head: Uint8Array): boolean {
  if (head.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/** Follows a whole stream: whether every chunk so far is valid UTF-8 without NUL bytes. */
export class TextCheck {
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  ok = true;

  push(chunk: Uint8Array): void {
    if (!this.ok) return;
    if (chunk.includes(0)) {
      this.ok = false;
      return;
    }
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.ok = false;
    }
  }

  end(): boolean {
    if (!this.ok) return false;
    try {
      this.decoder.decode();
      return true;
    } catch {
      return false;
    }
  }
}
