import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { now as clockNow } from '../../shared/clock.js';
import type { Actor } from '../../shared/domain/actor.js';
import { addDays, businessDate } from '../../shared/domain/calendar.js';
import { checkpointsOf } from '../../shared/domain/monitoring.js';
import { defaultDeps } from '../../shared/http/deps.js';
import { logger } from '../../shared/logger.js';
import { currentConfig } from '../../shared/store/config.js';
import type { Db } from '../../shared/store/db.js';
import { planSweep, runSweepHere } from '../../shared/store/sweep-runner.js';

/**
 * The scheduled monitoring sweep (the coordinator). Daily: a sweep as of today; and when yesterday closed a
 * monitoring period of the configuration in force (a checkpoint, e.g. 08-31), first a sweep as of that
 * checkpoint — so the checkpoints follow the bureau's configuration, not a fixed cron. In AWS each
 * department becomes one SQS message for the worker (SWEEP_QUEUE_URL); without a queue (locally) the same
 * worker code runs here.
 */
export const systemActor: Actor = { sub: 'system:monitoring-sweep', role: 'finance' };

const input = z.object({ asOf: z.iso.date().optional() }).loose();

let sqs: SQSClient | undefined;

async function sweep(db: Db, asOf: string, now: Date) {
  const queueUrl = process.env.SWEEP_QUEUE_URL;
  if (!queueUrl) {
    const summary = await runSweepHere(db, { asOf, trigger: 'schedule', actor: systemActor, now });
    return {
      sweepId: summary.sweepId,
      asOf,
      departments: summary.departments,
      projectsScanned: summary.projectsScanned,
    };
  }
  const { sweep, work } = await planSweep(db, { asOf, trigger: 'schedule', actor: systemActor, now });
  sqs ??= new SQSClient({});
  for (let i = 0; i < work.length; i += 10) {
    const batch = work.slice(i, i + 10);
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((w, n) => ({ Id: String(n), MessageBody: JSON.stringify(w) })),
      }),
    );
    if (out.Failed?.length)
      throw new Error(`SQS refused ${out.Failed.length} department messages of ${sweep.sweepId}`);
  }
  return { sweepId: sweep.sweepId, asOf, departments: work.length, queued: true };
}

export async function handler(event: unknown = {}) {
  const { asOf } = input.parse(event ?? {});
  const now = clockNow();
  const { db } = defaultDeps();
  const today = asOf ?? businessDate(now);
  const yesterday = addDays(today, -1);
  const results = [];
  const config = await currentConfig(db, Number(yesterday.slice(0, 4)));
  if (!asOf && checkpointsOf(config.fiscalYear, config).includes(yesterday)) {
    results.push(await sweep(db, yesterday, now));
  }
  results.push(await sweep(db, today, now));
  logger.info('monitoring sweep scheduled', { results });
  return results;
}
