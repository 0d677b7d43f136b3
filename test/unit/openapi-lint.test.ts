// /openapi.json as a portal developer's tools see it: @redocly/cli (its recommended rules) and
// @stoplight/spectral-cli (spectral:oas) find no error and no warning. The document is built in process,
// exactly as GET /openapi.json builds it, written to a temporary folder and linted by the local CLIs.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiInfo } from '../../functions/http/openapi-document.js';
import { allRoutes } from '../../functions/http/registry.js';
import { openApiDocument } from '../../shared/http/openapi.js';
import { repoRoot } from './source-files.js';

const run = promisify(execFile);
const bin = (name: string) => path.join(repoRoot, 'node_modules/.bin', name);

let dir: string;
let file: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'openapi-lint-'));
  file = path.join(dir, 'openapi.json');
  const doc = openApiDocument(allRoutes, { ...apiInfo, serverUrl: 'http://127.0.0.1:3000' });
  writeFileSync(file, JSON.stringify(doc, null, 2));
  writeFileSync(path.join(dir, '.spectral.yaml'), 'extends: ["spectral:oas"]\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a CLI in the temporary folder (no configuration of the repository applies), exit code aside. */
async function lint(cmd: string, args: string[]): Promise<string> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  try {
    return (await run(bin(cmd), args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (err) {
    // A lint with findings exits non-zero; its report is still on stdout.
    const out = (err as { stdout?: string }).stdout;
    if (out) return out;
    throw err;
  }
}

describe('the OpenAPI document under the portal developers’ linters', () => {
  it('passes @redocly/cli lint (recommended) with no error and no warning', async () => {
    const report = JSON.parse(await lint('redocly', ['lint', file, '--format=json'])) as {
      problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
    };

    const found = report.problems.map(
      (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`,
    );
    expect(found).toEqual([]);
  }, 60_000);

  it('passes @stoplight/spectral-cli lint (spectral:oas) with nothing to report', async () => {
    const results = JSON.parse(
      await lint('spectral', [
        'lint',
        file,
        '--ruleset',
        path.join(dir, '.spectral.yaml'),
        '-f',
        'json',
        '-q',
      ]),
    ) as { code: string; message: string; severity: number; path: string[] }[];

    const found = results.map((r) => `${r.severity} ${r.code}: ${r.message} at ${r.path.join('/')}`);
    expect(found).toEqual([]);
  }, 60_000);
});
