import { sweepHeartbeat } from '../../shared/app/sweep-heartbeat.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { observed } from '../../shared/lambda.js';

/**
 * 06:00 Asia/Shanghai: has today's scheduled sweep completed? Emits SweepHeartbeat 1 or 0
 * (shared/app/sweep-heartbeat.ts); the alarm on it is in the CDK stack.
 */
export type SweepHeartbeatDeps = Pick<Deps, 'db' | 'now' | 'logger' | 'metrics'>;

export function createSweepHeartbeatHandler(source: DepsSource<SweepHeartbeatDeps>) {
  return observed(
    async () => {
      const deps = resolveDeps(source);
      const result = await sweepHeartbeat(deps, { now: deps.now() });
      if (result.complete) deps.logger.info('sweep heartbeat: today’s sweep is complete', { ...result });
      else deps.logger.warn('sweep heartbeat: today’s scheduled sweep has not completed', { ...result });
      return result;
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createSweepHeartbeatHandler(defaultDeps);
