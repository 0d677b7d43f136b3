// Every key string of the single table lives in shared/store/keys.ts: a `PREFIX#` literal anywhere else in
// shared/ or functions/ (comments aside) fails here, naming the file and the literal.
import { describe, expect, it } from 'vitest';
import { readSource, sourceFiles, stringLiterals } from './source-files.js';

const KEY_PREFIX = /\b[A-Z][A-Z0-9_]*#/;

const offenders = (files: string[]) =>
  files.flatMap((f) =>
    stringLiterals(readSource(f))
      .filter((s) => KEY_PREFIX.test(s))
      .map((s) => `${f}: ${s.slice(0, 60)}`),
  );

describe('key strings', () => {
  it('appear as literals only in shared/store/keys.ts', () => {
    const files = [...sourceFiles('shared'), ...sourceFiles('functions')].filter(
      (f) => f !== 'shared/store/keys.ts',
    );

    expect(offenders(files)).toEqual([]);
  });

  it('the check sees a literal in code and ignores one in a comment', () => {
    const literals = stringLiterals(
      "// pk: `PROJECT#<id>`\n/* 'DEPT#x' */ const k = { pk: `SWEEP#` + id, sk: 'DEPT#' + d }; const u = 'http://x#y';",
    );

    expect(literals.filter((s) => KEY_PREFIX.test(s))).toEqual(['SWEEP#', 'DEPT#']);
  });

  it('keys.ts itself holds them (the check is not vacuous)', () => {
    expect(offenders(['shared/store/keys.ts']).length).toBeGreaterThan(20);
  });
});
