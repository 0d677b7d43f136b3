// The layers of the house, checked mechanically on every source file's import lines (README "Layout"):
// store talks to DynamoDB only, mail and docs know no table, handlers know nothing of the infrastructure, jobs
// nothing of the HTTP stack, the domain nothing but itself. A move that breaks a layer fails here by name.
import { describe, expect, it } from 'vitest';
import { importSpecifiers, readSource, resolveImport, sourceFiles } from './source-files.js';

const files = [...sourceFiles('shared'), ...sourceFiles('functions')];
const imports = new Map(
  files.map((f) => [f, importSpecifiers(readSource(f)).map((s) => resolveImport(f, s))]),
);

/** `file → import` pairs breaking a rule: files under `from` importing anything under one of `banned`. */
function offences(from: string, banned: string[]): string[] {
  return [...imports]
    .filter(([file]) => file.startsWith(from))
    .flatMap(([file, deps]) =>
      deps.filter((d) => banned.some((b) => d.startsWith(b))).map((d) => `${file} → ${d}`),
    );
}

/** Everything `file` reaches through relative imports. */
function closure(file: string, seen = new Set<string>()): Set<string> {
  for (const d of imports.get(file) ?? []) {
    if (d.endsWith('.ts') && !seen.has(d)) {
      seen.add(d);
      closure(d, seen);
    }
  }
  return seen;
}

describe('the import rules', () => {
  it('reads real import lines (the scanner finds what a file imports)', () => {
    expect(imports.get('shared/app/sweep.ts')).toContain('shared/store/monitoring.ts');
    expect(imports.get('functions/http/meta.ts')).toContain('zod');
    expect(imports.get('functions/http/meta.ts')).toContain('functions/http/openapi-document.ts'); // import('./openapi-document.js')
    expect(files.length).toBeGreaterThan(80);
  });

  it('shared/store imports nothing from shared/mail, shared/docs, shared/app (nor the container or HTTP)', () => {
    expect(
      offences('shared/store/', [
        'shared/mail/',
        'shared/docs/',
        'shared/app/',
        'shared/http/',
        'shared/deps.ts',
      ]),
    ).toEqual([]);
  });

  it('shared/mail and shared/docs import nothing from shared/store (nor shared/app)', () => {
    expect(offences('shared/mail/', ['shared/store/', 'shared/app/', 'shared/docs/'])).toEqual([]);
    expect(offences('shared/docs/', ['shared/store/', 'shared/app/', 'shared/mail/'])).toEqual([]);
  });

  it('shared/domain imports only shared/domain (pure: no store, no AWS)', () => {
    const outside = [...imports]
      .filter(([file]) => file.startsWith('shared/domain/'))
      .flatMap(([file, deps]) =>
        deps
          .filter((d) => (d.endsWith('.ts') ? !d.startsWith('shared/domain/') : d.startsWith('@aws-sdk')))
          .map((d) => `${file} → ${d}`),
      );
    expect(outside).toEqual([]);
  });

  it('shared/app, the use cases, import no handler, no HTTP stack and no container', () => {
    expect(offences('shared/app/', ['functions/', 'infra/', 'shared/http/', 'shared/deps.ts'])).toEqual([]);
  });

  it('nothing in shared/ or functions/ imports infra/**, and shared/ imports no functions/**', () => {
    expect(offences('functions/', ['infra/'])).toEqual([]);
    expect(offences('shared/', ['infra/', 'functions/'])).toEqual([]);
  });

  it('no job, queue consumer or storage event imports shared/http, not even through another module', () => {
    const entries = files.filter((f) => f.startsWith('functions/jobs/') || f.startsWith('functions/events/'));
    const reached = entries.flatMap((f) =>
      [...closure(f)].filter((d) => d.startsWith('shared/http/')).map((d) => `${f} ⇒ ${d}`),
    );
    expect(entries.length).toBeGreaterThanOrEqual(6);
    expect(reached).toEqual([]);
  });

  it('every job and queue consumer is built by a factory of its dependencies and exports handler', () => {
    const jobs = files.filter(
      (f) =>
        (f.startsWith('functions/jobs/') || f.startsWith('functions/events/')) &&
        !f.endsWith('schedules.ts') &&
        !f.endsWith('registry.ts'),
    );
    const missing = jobs.filter(
      (f) => !/export const handler = create\w+Handler\(defaultDeps\);/.test(readSource(f)),
    );
    expect(missing).toEqual([]);
  });

  it('no job reads the environment to choose a path (the container decides)', () => {
    const jobs = files.filter((f) => f.startsWith('functions/jobs/') || f.startsWith('functions/events/'));
    expect(jobs.filter((f) => /process\.env/.test(readSource(f)))).toEqual([]);
  });
});
