// Generates api.d.ts, the types a portal's client has, from the OpenAPI document, as a new user does:
// openapi-typescript through npx (it needs TypeScript 5's compiler API; the project compiles with 7, so it
// runs in a folder of its own). `npm run client:generate`; test/unit/client-types.test.ts says when it is due.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientDocument, documentHash, hashLine, OPENAPI_TYPESCRIPT } from './document.js';

const out = fileURLToPath(new URL('./api.d.ts', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'client-generate-'));
try {
  const input = path.join(dir, 'openapi.json');
  const generated = path.join(dir, 'api.d.ts');
  writeFileSync(input, JSON.stringify(clientDocument(), null, 2));
  execFileSync(
    'npx',
    [
      '-y',
      '--prefer-offline',
      '-p',
      OPENAPI_TYPESCRIPT,
      '-p',
      'typescript@5.9.3',
      'openapi-typescript',
      input,
      '-o',
      generated,
    ],
    { cwd: dir, stdio: 'inherit' },
  );
  writeFileSync(out, `${hashLine(documentHash())}\n${readFileSync(generated, 'utf8')}`);
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
