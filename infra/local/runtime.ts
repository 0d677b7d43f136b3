import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `$DATA_DIR/runtime.json`: written by a running system once every server listens (its URLs, issuer and
 * pid), removed when it stops cleanly. It says whether a system uses a data folder: the token command
 * refuses to sign for a folder no running system uses, and a second `npm start` on a folder in use says
 * which system has it. A system killed without a chance to clean up leaves it behind: its pid and ports
 * are checked, so a stale file is recognised as such.
 */
export interface RuntimeFile {
  api: string;
  idp: string;
  issuer: string;
  pid: number;
  [more: string]: unknown;
}

export const runtimeFile = (dataDir: string) => path.join(dataDir, 'runtime.json');

export async function readRuntime(dataDir: string): Promise<RuntimeFile | undefined> {
  try {
    const json = JSON.parse(await readFile(runtimeFile(dataDir), 'utf8')) as RuntimeFile;
    return typeof json.pid === 'number' && typeof json.api === 'string' ? json : undefined;
  } catch {
    return undefined;
  }
}

export async function writeRuntime(dataDir: string, info: RuntimeFile): Promise<void> {
  const file = runtimeFile(dataDir);
  await writeFile(`${file}.tmp`, JSON.stringify(info, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Removes the file if it is still this process's (another system may have taken the folder since). */
export async function removeRuntime(dataDir: string, pid = process.pid): Promise<void> {
  if ((await readRuntime(dataDir))?.pid === pid) await rm(runtimeFile(dataDir), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Whether something answers HTTP at `url` (any status counts). */
export async function answers(url: string, timeoutMs = 2_000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * The running system that uses `dataDir`, or why there is none: no runtime.json, its process gone, or its
 * API or identity provider not answering.
 */
export async function runningSystem(dataDir: string): Promise<{ runtime: RuntimeFile } | { reason: string }> {
  const runtime = await readRuntime(dataDir);
  if (!runtime) return { reason: `no system is running with the data folder ${dataDir} (no runtime.json)` };
  if (!processAlive(runtime.pid)) {
    return {
      reason: `the system that used the data folder ${dataDir} (pid ${runtime.pid}) is no longer running`,
    };
  }
  for (const [what, url] of [
    ['API', `${runtime.api}/health`],
    ['identity provider', `${runtime.idp}/.well-known/jwks.json`],
  ] as const) {
    if (!(await answers(url))) {
      return {
        reason: `the system of the data folder ${dataDir} (pid ${runtime.pid}): its ${what} at ${url} does not answer`,
      };
    }
  }
  return { runtime };
}
