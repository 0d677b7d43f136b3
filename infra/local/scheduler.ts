import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Cron } from 'croner';
import type { ScheduleDef } from '../../functions/jobs/schedules.js';
import { cronJob } from './cron.js';

/**
 * The local EventBridge Scheduler: fires each declared schedule on its real cron expression and time zone,
 * calling the same `handler` export that Lambda runs, with the declared input.
 */
export type JobHandler = (input: Record<string, unknown>) => Promise<unknown>;

export async function loadJob(root: string, entry: string): Promise<JobHandler> {
  const mod = (await import(pathToFileURL(path.join(root, entry)).href)) as { handler?: JobHandler };
  if (typeof mod.handler !== 'function') throw new Error(`${entry} exports no handler`);
  return mod.handler;
}

export function startScheduler(
  schedules: ScheduleDef[],
  root: string,
  log: (line: string) => void,
): { jobs: Cron[]; stop(): void } {
  const jobs = schedules.map((s) =>
    cronJob(s.cron, s.timezone, async () => {
      const started = Date.now();
      try {
        const handler = await loadJob(root, s.entry);
        const result = await handler(s.input ?? {});
        log(`schedule ${s.name} done in ${Date.now() - started} ms: ${JSON.stringify(result)}`);
      } catch (err) {
        log(`schedule ${s.name} failed: ${(err as Error).stack ?? err}`);
      }
    }),
  );
  return {
    jobs,
    stop: () => {
      for (const j of jobs) j.stop();
    },
  };
}
