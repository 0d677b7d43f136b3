import { consumeDepartmentWork, type SweepDeps } from '../../shared/app/sweep.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { queueWorker } from '../../shared/lambda.js';

/**
 * The sweep worker: one SQS message = one department of one sweep (the same consumer code the in-process
 * queue runs: shared/app/sweep.ts consumeDepartmentWork). Failures are reported per message (partial batch
 * response), so one department's trouble does not redo the others.
 */
export type SweepWorkerDeps = SweepDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export const createSweepWorkerHandler = (source: DepsSource<SweepWorkerDeps>) =>
  queueWorker(
    () => resolveDeps(source),
    'sweep worker failed for a department',
    (deps, record) => consumeDepartmentWork(deps, record.body, record.messageId),
  );

export const handler = createSweepWorkerHandler(defaultDeps);
