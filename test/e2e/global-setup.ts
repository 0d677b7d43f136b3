// Starts the whole system once for the e2e tier, exactly as a user does (`npm start` = tsx infra/local/start.ts),
// on free ports and a fresh data folder, and hands its runtime.json to the tests through `provide`/`inject`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import type { RuntimeInfo } from '../../infra/local/system.js';
import { SYSTEM_TODAY } from './today.js';

export type E2eRuntime = RuntimeInfo & { pid: number };

declare module 'vitest' {
  export interface ProvidedContext {
    /** The running system's runtime.json. */
    runtime: E2eRuntime;
    /** Its DATA_DIR (the IdP's signing key lives under it). */
    dataDir: string;
  }
}

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const tsxBin = path.join(repoRoot, 'node_modules/.bin/tsx');

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** The environment of a local system on free ports, without demo data or request logs. */
export function systemEnv(dataDir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: '0',
    DYNAMODB_PORT: '0',
    S3_PORT: '0',
    SES_PORT: '0',
    IDP_PORT: '0',
    DEMO_DATA: '0',
    LOG_REQUESTS: '0',
    // The tests' dates are fixed in fiscal year 2026: the system runs as if today were SYSTEM_TODAY.
    LOCAL_TODAY: SYSTEM_TODAY,
    ...overrides,
  };
}

/** Keeps the last `max` characters a stream wrote (a child's output must be read, or it blocks). */
function tail(stream: NodeJS.ReadableStream | null, max = 64 * 1024): () => string {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-max);
  });
  return () => text;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** Resolves after `ms` without keeping the process alive: it only bounds a wait in a race. */
const bound = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

async function readRuntime(dataDir: string): Promise<E2eRuntime | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8')) as E2eRuntime;
  } catch {
    return undefined; // not written yet, or half written
  }
}

async function healthy(api: string): Promise<boolean> {
  try {
    const res = await fetch(`${api}/health`, { signal: AbortSignal.timeout(2_000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Kills the child's whole process group (tsx runs the script in a grandchild). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

export default async function setup(project: TestProject) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'bp-e2e-'));
  const child = spawn(tsxBin, ['infra/local/start.ts'], {
    cwd: repoRoot,
    env: systemEnv(dataDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so a stuck system can be killed with its grandchild
  });
  const stdout = tail(child.stdout);
  const stderr = tail(child.stderr);
  const exited = exitOf(child);
  let early: Exit | undefined;
  void exited.then((e) => {
    early = e;
  });

  const fail = async (reason: string): Promise<never> => {
    killGroup(child, 'SIGKILL');
    await Promise.race([exited, bound(2_000)]);
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`${reason}\n--- stderr ---\n${stderr()}\n--- stdout ---\n${stdout()}`);
  };

  const starting = Date.now();
  const deadline = starting + START_TIMEOUT_MS;
  let runtime: E2eRuntime | undefined;
  for (;;) {
    if (early) return fail(`the system exited early (code ${early.code}, signal ${early.signal})`);
    if (Date.now() > deadline) return fail(`the system was not healthy within ${START_TIMEOUT_MS / 1000} s`);
    runtime ??= await readRuntime(dataDir);
    if (runtime && (await healthy(runtime.api))) break;
    await sleep(100);
  }

  if (process.env.E2E_VERBOSE) console.log(`[e2e] the system was healthy in ${Date.now() - starting} ms`);
  project.provide('runtime', runtime);
  project.provide('dataDir', dataDir);

  // Teardown. Vitest only logs an error thrown here ("error during close") and still exits 0, so a system
  // that does not stop cleanly also sets the exit code: a shutdown regression fails the run.
  return async () => {
    const stopping = Date.now();
    if (!early) child.kill('SIGTERM'); // tsx relays it to the script, whose handler stops every server
    const exit = await Promise.race([exited, bound(STOP_TIMEOUT_MS).then(() => undefined)]);
    if (!exit) killGroup(child, 'SIGKILL');
    await Promise.race([exited, bound(2_000)]);
    await rm(dataDir, { recursive: true, force: true });
    const problem = !exit
      ? `the system did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM (killed with SIGKILL)`
      : exit.code !== 0
        ? `the system stopped with code ${exit.code} (signal ${exit.signal}) after SIGTERM`
        : undefined;
    if (problem) {
      process.exitCode = 1;
      throw new Error(`${problem}\n--- stderr ---\n${stderr()}\n--- stdout ---\n${stdout()}`);
    }
    if (process.env.E2E_VERBOSE) console.log(`[e2e] the system stopped in ${Date.now() - stopping} ms`);
  };
}
