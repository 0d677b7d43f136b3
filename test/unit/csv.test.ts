import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../shared/domain/csv.js';
import {
  CHUNK_ROWS,
  ImportFileError,
  planChunks,
  readExpenditureCsv,
} from '../../shared/domain/expenditure-import.js';

// Unit tier: the CSV reader and the expenditure file built on it (pure, no I/O).

describe('parseCsv', () => {
  it('splits lines and fields, with LF or CRLF line ends', () => {
    expect(parseCsv('a,b\r\nc,d\ne,f').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
    ]);
  });

  it('drops a UTF-8 byte-order mark', () => {
    expect(parseCsv('\ufeffvoucherNo,amount\n').records[0]!.fields).toEqual(['voucherNo', 'amount']);
  });

  it('reads quoted fields: commas, doubled quotes and line breaks inside; the next record keeps its line', () => {
    const { records, errors } = parseCsv('"a,1","say ""hi""","two\r\nlines"\r\nx,"",z\r\n');

    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a,1', 'say "hi"', 'two\r\nlines'] },
      { line: 3, fields: ['x', '', 'z'] },
    ]);
  });

  it('skips blank lines and lines of empty fields only (",,," from spreadsheets), keeping line numbers', () => {
    expect(parseCsv('a,b\n\n,,\n  \r\nc,d\n\n').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 5, fields: ['c', 'd'] },
    ]);
  });

  it('reports a bad line by its number and goes on with the next', () => {
    const { records, errors } = parseCsv('a,b\nx"y,1\n"z"q,2\nc,d\n"open,3\ne,f\n');

    expect(errors).toEqual([
      { line: 2, message: expect.stringMatching(/quote inside an unquoted field/) },
      { line: 3, message: expect.stringMatching(/after a closing quote/) },
      { line: 5, message: expect.stringMatching(/opened on line 5 is never closed/) },
    ]);
    expect(records.map((r) => r.line)).toEqual([1, 4]);
  });
});

const HEADER = 'voucherNo,projectId,date,amount';

describe('readExpenditureCsv', () => {
  it('reads rows into expenditure inputs, with BOM, CRLF, quotes and an optional note column', () => {
    const file = readExpenditureCsv(
      `\ufeffvoucherNo,projectId,date,amount,note\r\nV1,P1,2026-03-01,1200.50,"教材, 第一批"\r\nV2,P1,2026-03-02,800,\r\n`,
    );

    expect(file.total).toBe(2);
    expect(file.refused).toEqual([]);
    expect(file.rows).toEqual([
      {
        line: 2,
        projectId: 'P1',
        input: { voucherNo: 'V1', date: '2026-03-01', amount: 1200.5, note: '教材, 第一批' },
      },
      { line: 3, projectId: 'P1', input: { voucherNo: 'V2', date: '2026-03-02', amount: 800 } },
    ]);
  });

  it('accepts the columns in any order and any case', () => {
    const file = readExpenditureCsv('Amount,DATE,projectid,voucherno\n5,2026-01-02,P9,V9\n');

    expect(file.rows[0]).toEqual({
      line: 2,
      projectId: 'P9',
      input: { voucherNo: 'V9', date: '2026-01-02', amount: 5 },
    });
  });

  it('fails the file when the header misses a column, names an unknown one, or repeats one', () => {
    expect(() => readExpenditureCsv('voucherNo,projectId,date\nV1,P1,2026-01-01\n')).toThrow(
      /missing column amount/,
    );
    expect(() => readExpenditureCsv(`${HEADER},payee\n`)).toThrow(/unknown column "payee"/);
    expect(() => readExpenditureCsv(`${HEADER},date\n`)).toThrow(/date appears twice/);
    expect(() => readExpenditureCsv('')).toThrow(ImportFileError);
  });

  it('refuses bad rows with their line and reason, and keeps the good ones', () => {
    const file = readExpenditureCsv(
      [
        HEADER,
        'V1,P1,2026-03-01,100',
        'V2,P1,2026-02-30,100', // no such date
        'V3,P1,2026-03-01,12.345', // three decimals
        'V4,,2026-03-01,10', // no project
        'V5,P1,2026-03-01', // a field short
        'V6,P1,2026-03-01,1e3', // not a plain number
        'V7,P1,"2026-03-01"x,5', // malformed
        '',
        'V8,P2,2026-03-05,7',
      ].join('\n'),
    );

    expect(file.total).toBe(8);
    expect(file.rows.map((r) => r.line)).toEqual([2, 10]);
    expect(file.refused).toEqual([
      {
        line: 3,
        voucherNo: 'V2',
        projectId: 'P1',
        outcome: 'refused',
        reason: expect.stringMatching(/^date:/),
      },
      {
        line: 4,
        voucherNo: 'V3',
        projectId: 'P1',
        outcome: 'refused',
        reason: expect.stringMatching(/^amount:.*two decimals/),
      },
      { line: 5, voucherNo: 'V4', outcome: 'refused', reason: 'projectId: required' },
      {
        line: 6,
        voucherNo: 'V5',
        projectId: 'P1',
        outcome: 'refused',
        reason: 'expected 4 fields as in the header, found 3',
      },
      {
        line: 7,
        voucherNo: 'V6',
        projectId: 'P1',
        outcome: 'refused',
        reason: expect.stringMatching(/^amount:/),
      },
      { line: 8, outcome: 'refused', reason: expect.stringMatching(/after a closing quote/) },
    ]);
  });
});

describe('planChunks', () => {
  it('makes chunks of one project, at most CHUNK_ROWS rows, in file order; refused rows apart', () => {
    const lines = [HEADER];
    for (let i = 0; i < 200; i++) lines.push(`V${i},${i % 2 ? 'PB' : 'PA'},2026-01-01,1`);
    lines.push('bad line');
    const chunks = planChunks(readExpenditureCsv(lines.join('\n')));

    expect(chunks.map((c) => [c.projectId, c.firstLine, c.rows.length + c.refused.length])).toEqual([
      ['PA', 2, CHUNK_ROWS],
      ['PB', 3, CHUNK_ROWS],
      ['PA', 182, 10],
      ['PB', 183, 10],
      [undefined, 202, 1],
    ]);
  });
});
