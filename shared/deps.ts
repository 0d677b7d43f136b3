import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { ReportEmailsWork } from './app/report-email-jobs.js';
import { consumeDepartmentWork, type DepartmentWork } from './app/sweep.js';
import { now } from './clock.js';
import { type Publisher, type Storage, s3Client, s3Publisher, s3Storage } from './docs/storage.js';
import { logger } from './logger.js';
import { type Mailer, senderAddress, sesClient, sesMailer } from './mail/ses.js';
import { type BusinessMetrics, noMetrics, powertoolsMetrics } from './metrics.js';
import { documentClient } from './store/client.js';
import { Db } from './store/db.js';
import { tracer } from './tracer.js';
import { inProcessQueue, registeredConsumer, sqsQueue, type WorkQueue } from './work-queue.js';

/**
 * Everything a handler or a job needs from the outside world, in one container: built once per process (a
 * Lambda cold start), on first use — importing a route declaration (for CDK or OpenAPI) creates no client —
 * from the environment, and handed to every handler (`req.deps`) and every job (`createXHandler(deps)`).
 * Tests hand in their own (test/support/deps.ts). This is the one place that decides what runs where:
 *
 * - the sweep's work queue is SQS when the stack declared it (SWEEP_QUEUE_URL, set by CDK), else a queue that
 *   runs the consumer's code in this process (the local runner, tests); the job only sends work to it;
 * - metrics are EMF lines in Lambda and nothing elsewhere (POWERTOOLS_METRICS_DISABLED=false forces them);
 * - the AWS SDK clients are captured by the tracer, which Powertools keeps off outside Lambda.
 */
export interface Deps {
  db: Db;
  storage: Storage;
  /** Writes the files the system makes itself (bulletins, the public data package). */
  publisher: Publisher;
  mailer: Mailer;
  /** The sender address of the mails (SES_FROM); a missing one fails the mail, named as such. */
  mailFrom: () => string;
  /** One department of a sweep per message; consumed by functions/jobs/sweep-worker.ts. */
  sweepQueue: WorkQueue<DepartmentWork>;
  /** One requested run of the report mails per message; consumed by functions/jobs/report-emails-worker.ts. */
  reportEmailsQueue: WorkQueue<ReportEmailsWork>;
  /** The clock (shared/clock.ts); use cases are handed the moment, domain code never reads it. */
  now: () => Date;
  logger: Logger;
  metrics: BusinessMetrics;
  tracer: Tracer;
  /** Extra facts about where we run (the local runner names its servers for /health). */
  environment: { localUrls?: Record<string, string> };
}

/** A factory's argument: the container, or how to get it (lazily, on the first invocation). */
export type DepsSource<D> = D | (() => D);
export const resolveDeps = <D>(source: DepsSource<D>): D =>
  typeof source === 'function' ? (source as () => D)() : source;

export function createDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const inLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const metricsOn = env.POWERTOOLS_METRICS_DISABLED ? env.POWERTOOLS_METRICS_DISABLED === 'false' : inLambda;
  tracer.captureAWSv3Client(documentClient());
  tracer.captureAWSv3Client(s3Client());
  const deps: Deps = {
    db: new Db(),
    storage: s3Storage,
    publisher: s3Publisher,
    mailer: sesMailer(tracer.captureAWSv3Client(sesClient())),
    mailFrom: senderAddress,
    sweepQueue: undefined as unknown as WorkQueue<DepartmentWork>,
    reportEmailsQueue: undefined as unknown as WorkQueue<ReportEmailsWork>,
    now,
    logger,
    metrics: metricsOn ? powertoolsMetrics() : noMetrics,
    tracer,
    environment: { localUrls: env.LOCAL_URLS ? JSON.parse(env.LOCAL_URLS) : undefined },
  };
  const queueUrl = env.SWEEP_QUEUE_URL;
  deps.sweepQueue = queueUrl
    ? sqsQueue(queueUrl, tracer.captureAWSv3Client(new SQSClient({})))
    : inProcessQueue((body, messageId) => consumeDepartmentWork(deps, body, messageId), {
        name: 'sweep',
        concurrency: 4,
        onError: (messageId, err) =>
          logger.error('sweep worker failed for a department', { messageId, error: err as Error }),
      });
  const reportQueueUrl = env.REPORT_EMAILS_QUEUE_URL;
  deps.reportEmailsQueue = reportQueueUrl
    ? sqsQueue(reportQueueUrl, tracer.captureAWSv3Client(new SQSClient({})))
    : // The consumer is registered by shared/app/report-email-jobs.ts, the module that sends the work: the
      // mail code stays out of the bundles that never send it.
      inProcessQueue((body, messageId) => registeredConsumer('report-emails')(deps, body, messageId), {
        name: 'report-emails',
        concurrency: 1,
        onError: (messageId, err) =>
          logger.error('report mails worker failed', { messageId, error: err as Error }),
      });
  return deps;
}

let deps: Deps | undefined;

/** The process's container, built on first use. */
export function defaultDeps(): Deps {
  deps ??= createDeps();
  return deps;
}
