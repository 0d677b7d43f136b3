import { consumeDepartmentWork, type SweepDeps, WORKER_TIMEOUT_MS } from '../../shared/app/sweep.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { queueWorker } from '../../shared/lambda.js';
import type { RetryLater } from '../../shared/work-queue.js';

/**
 * The sweep worker: one SQS message = one department of one sweep (the same consumer code the in-process
 * queue runs: shared/app/sweep.ts consumeDepartmentWork). Failures are reported per message (partial batch
 * response), so one department's trouble does not redo the others.
 */
/**
 * How long a department deferred by RetryLater (its earlier sweep's work is held by another worker, runInOrder)
 * waits before its next receipt: the error's own wait (60 s) the first time — the holder is most likely
 * a few minutes into that department (2–4 min for a 20,000-project one) — then the worker's timeout, by
 * which the holder's invocation has ended, whatever became of it. Deferrals count toward the queue's
 * maxReceiveCount (3): the third receipt, ~16 min after the first, dead-letters a message still deferred
 * (a holder killed mid-department keeps its claim until its own message returns, 90 min later; the next
 * sweep resends the department then). docs/scale.md.
 */
export const sweepDeferral = (err: RetryLater, receiveCount: number) =>
  receiveCount <= 1
    ? err.retryAfterSeconds
    : Math.max(err.retryAfterSeconds * receiveCount, WORKER_TIMEOUT_MS / 1000);

export type SweepWorkerDeps = SweepDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export const createSweepWorkerHandler = (source: DepsSource<SweepWorkerDeps>) =>
  queueWorker(
    () => resolveDeps(source),
    'sweep worker failed for a department',
    (deps, record) => consumeDepartmentWork(deps, record.body, record.messageId),
    { deferFor: sweepDeferral },
  );

export const handler = createSweepWorkerHandler(defaultDeps);
