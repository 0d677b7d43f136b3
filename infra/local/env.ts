import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The local runner's settings, from the environment, with the defaults the README names. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name}=${raw} is not a port number`);
  return n;
}

export function localSettings() {
  return {
    root: repoRoot,
    dataDir: path.resolve(process.env.DATA_DIR ?? path.join(repoRoot, '.local')),
    host: process.env.HOST ?? '127.0.0.1',
    ports: {
      api: port('PORT', 3000),
      dynamodb: port('DYNAMODB_PORT', 8000),
      s3: port('S3_PORT', 4569),
      ses: port('SES_PORT', 8005),
      idp: port('IDP_PORT', 9400),
    },
    demoData: process.env.DEMO_DATA !== '0',
    /** Run the system as if today were this business day (tests); unset: the real day. */
    localToday: localToday(process.env.LOCAL_TODAY),
  };
}

function localToday(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`))) {
    throw new Error(`LOCAL_TODAY=${raw} is not a date (YYYY-MM-DD)`);
  }
  return raw;
}
