import { parseArgs } from 'node:util';
import { type Role, roles } from '../../shared/domain/actor.js';
import { localSettings } from './env.js';
import { loadOrCreateKeys, signToken } from './idp.js';
import { runningSystem } from './runtime.js';

/**
 * `npm run --silent token -- --role finance|department|evaluator [--department D] [--agency A]`
 * prints a bearer token of the local identity provider, alone on stdout. It signs with the key under
 * $DATA_DIR and names the issuer of the running system (from $DATA_DIR/runtime.json); it refuses, on
 * stderr and with exit code 2, when no running system uses $DATA_DIR (no runtime.json, or its process or
 * ports gone).
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
  const { dataDir } = localSettings();
  // A token for a folder no running system uses would be refused by nobody and accepted by nobody.
  const system = await runningSystem(dataDir);
  if ('reason' in system) {
    throw new Error(
      `${system.reason}: no token signed.\nStart the system first (npm start, with the same DATA_DIR), then ask for a token.`,
    );
  }
  const { issuer } = system.runtime;
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
