import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's own TypeScript sources, read as text: what the structure tests check. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      const child = path.posix.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.ts')) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

export const readSource = (rel: string) => readFileSync(path.join(repoRoot, rel), 'utf8');

/**
 * The code of a file split into its comments and its string literals (quotes and template literals, the
 * `${…}` inside a template included): a small scanner, enough for this repository's sources.
 */
export function stringLiterals(source: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      i = source.indexOf('\n', i);
      if (i < 0) break;
      continue;
    }
    if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      i = end < 0 ? source.length : end + 2;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out.push(source.slice(i + 1, j));
      i = j + 1;
      continue;
    }
    i++;
  }
  return out;
}

/** Every module a file imports or re-exports (static and dynamic), as written. */
export function importSpecifiers(source: string): string[] {
  const specs = new Set<string>();
  for (const m of source.matchAll(/\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g))
    specs.add(m[1]!);
  for (const m of source.matchAll(/\bimport\s*['"]([^'"]+)['"]/g)) specs.add(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"`]([^'"`]+)['"`]\s*\)/g)) specs.add(m[1]!);
  return [...specs];
}

/** A relative import resolved to a repository path (`shared/store/db.ts`); packages stay as they are. */
export function resolveImport(fromFile: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  return path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), spec)).replace(/\.js$/, '.ts');
}
