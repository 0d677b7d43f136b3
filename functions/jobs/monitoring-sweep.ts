import * as z from 'zod';
import { type SweepDeps, scheduleSweep, sweepActor } from '../../shared/app/sweep.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { addDays, businessDate } from '../../shared/domain/calendar.js';
import { checkpointsOf } from '../../shared/domain/monitoring.js';
import { observed } from '../../shared/lambda.js';
import { currentConfig } from '../../shared/store/config.js';

/**
 * The scheduled monitoring sweep (the coordinator). Daily: a sweep as of today; and when yesterday closed a
 * monitoring period of the configuration in force (a checkpoint, e.g. 08-31), first a sweep as of that
 * checkpoint — so the checkpoints follow the bureau's configuration, not a fixed cron. Each department goes
 * to the sweep queue of the container (shared/deps.ts: SQS in AWS, the worker's code in process locally);
 * the use case is shared/app/sweep.ts.
 */
export const systemActor = sweepActor;

const input = z.object({ asOf: z.iso.date().optional() }).loose();

export type MonitoringSweepDeps = SweepDeps & Pick<Deps, 'sweepQueue' | 'now' | 'logger' | 'metrics'>;

export function createMonitoringSweepHandler(source: DepsSource<MonitoringSweepDeps>) {
  return observed(
    async (event: unknown = {}) => {
      const deps = resolveDeps(source);
      const { asOf } = input.parse(event ?? {});
      const now = deps.now();
      const today = asOf ?? businessDate(now);
      const yesterday = addDays(today, -1);
      const results = [];
      const config = await currentConfig(deps.db, Number(yesterday.slice(0, 4)));
      if (!asOf && checkpointsOf(config.fiscalYear, config).includes(yesterday)) {
        // The unfinished work of earlier sweeps goes out once, with today's sweep.
        results.push(await scheduleSweep(deps, { asOf: yesterday, now, resume: false }));
      }
      results.push(await scheduleSweep(deps, { asOf: today, now }));
      deps.logger.info('monitoring sweep scheduled', { results });
      return results;
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createMonitoringSweepHandler(defaultDeps);
