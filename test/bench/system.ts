// The whole local system for a benchmark, started as `npm start` starts it: a child process on free ports
// with a fresh data folder and no demo data; resolves once /health answers.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot, systemEnv, tsxBin } from '../e2e/global-setup.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface LocalSystem {
  api: string;
  issuer: string;
  /** runtime.json of the data folder: every local server's URL. */
  info: Record<string, string>;
  child: ChildProcess;
}

/**
 * BENCH_CPU_PROF=<dir>: the system runs under `node --cpu-prof` and writes its CPU profile into <dir> when it
 * stops (open it in Chrome DevTools, or sum self time by function), to see where a request's time goes.
 */
export async function startSystem(dataDir: string): Promise<LocalSystem> {
  const profileDir = process.env.BENCH_CPU_PROF;
  const [command, args] = profileDir
    ? [
        process.execPath,
        [
          '--cpu-prof',
          `--cpu-prof-dir=${path.resolve(profileDir)}`,
          '--import',
          'tsx',
          'infra/local/start.ts',
        ],
      ]
    : [tsxBin, ['infra/local/start.ts']];
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: systemEnv(dataDir),
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the system exited (code ${child.exitCode})`);
    try {
      const info = JSON.parse(await readFile(path.join(dataDir, 'runtime.json'), 'utf8'));
      const res = await fetch(`${info.api}/health`);
      await res.arrayBuffer();
      if (res.status === 200) return { api: info.api, issuer: info.issuer, info, child };
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error('the system was not healthy within 90 s');
}

/** Stops the system (SIGTERM, then waits up to 10 s for it to exit). */
export async function stopSystem(system: LocalSystem): Promise<void> {
  system.child.kill('SIGTERM');
  await new Promise((r) => {
    system.child.once('exit', r);
    setTimeout(r, 10_000).unref();
  });
}
