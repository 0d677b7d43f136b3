import { describe, expect, it } from 'vitest';
import {
  checkDeclaredUpload,
  contentTypes,
  documentIdOfKey,
  objectKeyOf,
  sanitiseFileName,
} from '../../shared/docs/content-types.js';
import { detectType, isText, TextCheck, zipEntryNames } from '../../shared/docs/detect.js';
import { type DocumentRecord, judgeUpload } from '../../shared/domain/document.js';

// Unit tier: the real type of a file by its magic bytes, on hand-made file starts (no I/O).

const bytes = (...parts: (number[] | string | Uint8Array)[]) =>
  Buffer.concat(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p as Uint8Array))),
  );

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A stored (uncompressed) ZIP of these entries: local headers, central directory, end record. */
function zip(entries: { name: string; data?: string }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const data = Buffer.from(e.data ?? 'x');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const officeEntries = (dir: 'word' | 'xl') => [
  { name: '[Content_Types].xml', data: '<Types/>' },
  { name: '_rels/.rels', data: '<Relationships/>' },
  { name: dir === 'word' ? 'word/document.xml' : 'xl/workbook.xml', data: '<x/>' },
];

describe('detectType', () => {
  it('knows a PDF by %PDF-', () => {
    expect(detectType(bytes('%PDF-1.7\n%âãÏÓ\n1 0 obj'))).toBe(contentTypes.pdf);
  });

  it('knows a PNG by its eight-byte signature', () => {
    expect(detectType(bytes(PNG, [0, 0, 0, 13], 'IHDR'))).toBe(contentTypes.png);
  });

  it('knows a JPEG by FF D8 FF', () => {
    expect(detectType(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'))).toBe(contentTypes.jpeg);
  });

  it('knows a DOCX by a word/ entry of its ZIP', () => {
    expect(detectType(zip(officeEntries('word')))).toBe(contentTypes.docx);
  });

  it('knows an XLSX by an xl/ entry of its ZIP', () => {
    expect(detectType(zip(officeEntries('xl')))).toBe(contentTypes.xlsx);
  });

  it('finds the Office entry in the central directory (the tail) when the start does not show it', () => {
    const file = zip([
      { name: '[Content_Types].xml', data: 'y'.repeat(70_000) },
      { name: 'word/document.xml', data: '<w/>' },
    ]);
    const head = file.subarray(0, 1024);

    expect(detectType(head)).toBe('application/zip');
    expect(detectType(head, file.subarray(-4096))).toBe(contentTypes.docx);
  });

  it('calls a ZIP without word/ or xl/ entries a plain ZIP (not allowed anywhere)', () => {
    expect(detectType(zip([{ name: 'readme.txt' }]))).toBe('application/zip');
  });

  it('knows CSV (text): UTF-8 without NUL bytes, Chinese included', () => {
    expect(detectType(Buffer.from('\ufeffvoucherNo,projectId,date,amount\r\n', 'utf8'))).toBe(
      contentTypes.csv,
    );
    expect(detectType(Buffer.from('凭证号,项目,日期,金额\n', 'utf8'))).toBe(contentTypes.csv);
  });

  it('sees a PNG renamed to .pdf for what it is: a PNG, so a link that declared a PDF rejects it', () => {
    const detected = detectType(bytes(PNG, 'rest of the image'));
    const doc: DocumentRecord = {
      id: 'DOC-1',
      version: 1,
      ownerType: 'department',
      departmentId: 'D-EDU',
      kind: 'evidence',
      fileName: 'scan.pdf',
      key: 'uploads/DOC-1/scan.pdf',
      contentType: contentTypes.pdf,
      size: 25,
      status: 'pending',
      createdAt: '2026-01-01T00:00:00.000Z',
      createdBy: 'u',
    };

    const after = judgeUpload(doc, { size: 25, sha256: 'ab', detectedType: detected }, new Date());

    expect(detected).toBe(contentTypes.png);
    expect(after.status).toBe('rejected');
    expect(after.reason).toMatch(/image\/png.*application\/pdf/);
  });

  it('knows nothing of an empty file, binary noise, a NUL byte or invalid UTF-8', () => {
    expect(detectType(new Uint8Array())).toBeUndefined();
    expect(detectType(bytes([0x00, 0x01, 0x02, 0xfe]))).toBeUndefined();
    expect(detectType(bytes('a,b\n', [0], 'c'))).toBeUndefined();
    expect(detectType(bytes([0x61, 0xc3, 0x28]))).toBeUndefined();
  });
});

describe('isText and TextCheck', () => {
  it('accept a start of a file cut inside a multi-byte character', () => {
    const cut = Buffer.from('金额', 'utf8').subarray(0, 4);

    expect(isText(cut)).toBe(true);
  });

  it('TextCheck follows a stream across chunk boundaries and rejects an unfinished last character', () => {
    const whole = Buffer.from('项目,金额\n', 'utf8');
    const ok = new TextCheck();
    ok.push(whole.subarray(0, 2));
    ok.push(whole.subarray(2));
    const cut = new TextCheck();
    cut.push(whole.subarray(0, 2));

    expect(ok.end()).toBe(true);
    expect(cut.end()).toBe(false);
  });
});

describe('zipEntryNames', () => {
  it('reads local and central directory names, and ignores a truncated header', () => {
    const file = zip([{ name: 'a.txt' }, { name: 'xl/workbook.xml' }]);

    expect(zipEntryNames(file)).toEqual(['a.txt', 'xl/workbook.xml', 'a.txt', 'xl/workbook.xml']);
    expect(zipEntryNames(file.subarray(0, 20))).toEqual([]);
  });
});

describe('declared uploads', () => {
  it('allow the five document types up to 50 MiB, and CSV for expenditure imports up to 20 MiB', () => {
    expect(
      checkDeclaredUpload('document', { contentType: contentTypes.docx, size: 50 * 1024 * 1024 }),
    ).toEqual([]);
    expect(
      checkDeclaredUpload('expenditure-import', { contentType: 'text/csv', size: 20 * 1024 * 1024 }),
    ).toEqual([]);
  });

  it('refuse another type, CSV as a document, a size of 0 or over the limit', () => {
    const paths = (e: { path: string }[]) => e.map((x) => x.path);

    expect(paths(checkDeclaredUpload('document', { contentType: 'application/zip', size: 10 }))).toEqual([
      'contentType',
    ]);
    expect(paths(checkDeclaredUpload('document', { contentType: 'text/csv', size: 10 }))).toEqual([
      'contentType',
    ]);
    expect(paths(checkDeclaredUpload('document', { contentType: contentTypes.pdf, size: 0 }))).toEqual([
      'size',
    ]);
    expect(
      paths(
        checkDeclaredUpload('expenditure-import', { contentType: 'text/csv', size: 20 * 1024 * 1024 + 1 }),
      ),
    ).toEqual(['size']);
  });
});

describe('object keys', () => {
  it('sanitise a file name: no path, no reserved characters, Chinese kept', () => {
    expect(sanitiseFileName('..\\..\\etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('绩效 报告 #1 (final)+%.pdf')).toBe('绩效_报告__1_(final)__.pdf');
    expect(sanitiseFileName('...')).toBe('file');
  });

  it('give the document id back from a key, raw (s3rver) or URL-encoded (S3 events)', () => {
    const key = objectKeyOf('DOC-ABC', '绩效 报告.pdf');

    expect(key).toBe('uploads/DOC-ABC/绩效_报告.pdf');
    expect(documentIdOfKey(key)).toEqual({ documentId: 'DOC-ABC', key });
    expect(documentIdOfKey(encodeURIComponent(key).replace(/%2F/g, '/'))).toEqual({
      documentId: 'DOC-ABC',
      key,
    });
    expect(documentIdOfKey('other/DOC-ABC/x.pdf')).toBeUndefined();
    expect(documentIdOfKey('uploads/DOC-ABC/a/b.pdf')).toBeUndefined();
    expect(documentIdOfKey('uploads/%E0%A4%A/x')).toBeUndefined();
  });
});
