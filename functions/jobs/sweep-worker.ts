import {
  consumeDepartmentWork,
  type SweepDeps,
  VISIBILITY_TIMEOUT_MS,
  WORKER_TIMEOUT_MS,
} from '../../shared/app/sweep.js';
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
 * waits before its next receipt: the error's own wait (60 s) the first time — the holder is most likely a few
 * minutes into that department (2–4 min for a 20,000-project one) — then the worker's timeout (15 min), by
 * which the holder's invocation has ended, then the queue's visibility timeout (90 min), by which a holder
 * killed mid-department has had its own message back (its claim stays live until then) and rerun it.
 * Deferrals count toward the queue's maxReceiveCount (4, functions/jobs/schedules.ts): the fourth receipt,
 * ~106 min after the first, dead-letters a message still deferred. docs/scale.md.
 */
export const sweepDeferral = (err: RetryLater, receiveCount: number) =>
  receiveCount <= 1
    ? err.retryAfterSeconds
    : Math.max(
        err.retryAfterSeconds * receiveCount,
        (receiveCount === 2 ? WORKER_TIMEOUT_MS : VISIBILITY_TIMEOUT_MS) / 1000,
      );

export type SweepWorkerDeps = SweepDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export const createSweepWorkerHandler = (source: DepsSource<SweepWorkerDeps>) =>
  queueWorker(
    () => resolveDeps(source),
    'sweep worker failed for a department',
    (deps, record) => consumeDepartmentWork(deps, record.body, record.messageId),
    { deferFor: sweepDeferral },
  );

export const handler = createSweepWorkerHandler(defaultDeps);
