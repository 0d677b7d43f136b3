import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Role, roles } from '../../shared/domain/actor.js';
import { localSettings } from './env.js';
import { loadOrCreateKeys, signToken } from './idp.js';

/**
 * `npm run --silent token -- --role finance|department|evaluator [--department D] [--agency A]`
 * prints a bearer token of the local identity provider, alone on stdout. It signs with the key under
 * $DATA_DIR and names the issuer of the running system (from $DATA_DIR/runtime.json).
 */
const usage =
  'usage: npm run --silent token -- --role finance|department|evaluator [--department ID] [--agency ID] [--sub S] [--email E] [--expires-in 8h]';

async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      department: { type: 'string' },
      agency: { type: 'string' },
      sub: { type: 'string' },
      email: { type: 'string' },
      'expires-in': { type: 'string' },
    },
  });
  const role = values.role as Role;
  if (!roles.includes(role)) throw new Error(`--role must be one of ${roles.join(', ')}\n${usage}`);
  if (role === 'department' && !values.department)
    throw new Error(`--department is required for a department user\n${usage}`);
  if (role === 'evaluator' && !values.agency)
    throw new Error(`--agency is required for an evaluator\n${usage}`);
  const { dataDir, host, ports } = localSettings();
  let issuer = `http://${host}:${ports.idp}`;
  try {
    issuer = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')).issuer ?? issuer;
  } catch {
    // not started yet: the default issuer is the one `npm start` will use
  }
  const keys = await loadOrCreateKeys(dataDir);
  const token = await signToken(keys, issuer, {
    role,
    departmentId: role === 'department' ? values.department : undefined,
    agencyId: role === 'evaluator' ? values.agency : undefined,
    sub: values.sub,
    email: values.email,
    expiresIn: values['expires-in'],
  });
  process.stdout.write(`${token}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
});
