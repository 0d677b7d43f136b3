// Systems of their own for the tests that stop, kill and restart one (restart.test.ts, faults.test.ts):
// `npm start` (tsx infra/local/start.ts) in a child process group, on free ports unless told otherwise, on a
// data folder the test chooses — started the way global-setup.ts starts the shared one.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type RuntimeFile, readRuntime } from '../../infra/local/runtime.js';
import { repoRoot, systemEnv, tsxBin } from './global-setup.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LocalSystem {
  child: ChildProcess;
  runtime: RuntimeFile & { ses: string; mail: string };
  output(): string;
  /** SIGTERM (a clean stop, as Ctrl-C) or SIGKILL (the whole process group, no chance to clean up). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<Exit>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function spawnSystem(dataDir: string, env: Record<string, string>) {
  const child = spawn(tsxBin, ['infra/local/start.ts'], {
    cwd: repoRoot,
    env: systemEnv(dataDir, env),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const keep = (c: string) => {
    text = (text + c).slice(-64 * 1024);
  };
  child.stdout?.setEncoding('utf8').on('data', keep);
  child.stderr?.setEncoding('utf8').on('data', keep);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => text, exited };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // gone already
  }
}

/** Starts a system and waits until it is healthy (its runtime.json written by this very process). */
export async function startLocal(dataDir: string, env: Record<string, string> = {}): Promise<LocalSystem> {
  const { child, output, exited } = spawnSystem(dataDir, env);
  let exit: Exit | undefined;
  void exited.then((e) => {
    exit = e;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exit) throw new Error(`the system exited (${exit.code ?? exit.signal}):\n${output()}`);
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`the system was not healthy within 60 s:\n${output()}`);
    }
    const runtime = await readRuntime(dataDir);
    if (runtime && output().includes('is ready')) {
      const res = await fetch(`${runtime.api}/health`).catch(() => undefined);
      await res?.arrayBuffer();
      if (res?.status === 200) {
        return {
          child,
          runtime: runtime as LocalSystem['runtime'],
          output,
          async stop(signal = 'SIGTERM') {
            if (signal === 'SIGKILL') killGroup(child, 'SIGKILL');
            else child.kill('SIGTERM');
            const out = await Promise.race([exited, sleep(15_000).then(() => undefined)]);
            if (!out) {
              killGroup(child, 'SIGKILL');
              throw new Error(`the system did not stop within 15 s of ${signal}:\n${output()}`);
            }
            // tsx runs the script in a grandchild: after a SIGKILL of the group, wait until it is gone too.
            for (let i = 0; i < 100 && existsSync(`/proc/${runtime.pid}`); i++) await sleep(50);
            return out;
          },
        };
      }
    }
    await sleep(100);
  }
}

/** Starts a system that is expected not to start: its exit and output. */
export async function failedStart(
  dataDir: string,
  env: Record<string, string>,
): Promise<Exit & { output: string; ms: number }> {
  const started = Date.now();
  const { child, output, exited } = spawnSystem(dataDir, env);
  const exit = await Promise.race([exited, sleep(30_000).then(() => undefined)]);
  if (!exit) {
    killGroup(child, 'SIGKILL');
    throw new Error(`the system did not exit within 30 s:\n${output()}`);
  }
  return { ...exit, output: output(), ms: Date.now() - started };
}

/** Runs a command of the repository (`tsx <args>`) to its end. */
export function runTsx(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsxBin, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const tokenCli = (dataDir: string, ...args: string[]) =>
  runTsx(['infra/local/token-cli.ts', ...args], { ...process.env, DATA_DIR: dataDir });

export const queueDir = (dataDir: string) => path.join(dataDir, 'storage-events', 'upload-arrived', 'queue');
