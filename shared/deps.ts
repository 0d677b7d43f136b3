import type { Logger } from '@aws-lambda-powertools/logger';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { ReportEmailsWork } from './app/report-email-jobs.js';
import type { DepartmentWork } from './app/sweep.js';
import { now } from './clock.js';
import type { Publisher, Storage } from './docs/bucket.js';
import { logger } from './logger.js';
import { senderAddress } from './mail/sender.js';
import type { Mailer } from './mail/ses.js';
import { type BusinessMetrics, noMetrics, powertoolsMetrics } from './metrics.js';
import { documentClient } from './store/client.js';
import { Db } from './store/db.js';
import { tracer } from './tracer.js';
import { inProcessQueue, RetryLater, registeredConsumer, type WorkQueue } from './work-queue.js';

/**
 * Everything a handler or a job needs from the outside world, in one container: built once per process (a
 * Lambda cold start), on first use — importing a route declaration (for CDK or OpenAPI) creates no client —
 * from the environment, and handed to every handler (`req.deps`) and every job (`createXHandler(deps)`).
 * Tests hand in their own (test/support/deps.ts). This is the one place that decides what runs where:
 *
 * - the sweep's work queue is SQS when the stack declared it (SWEEP_QUEUE_URL, set by CDK), else a queue that
 *   runs the consumer's code in this process (the local runner, tests); the job only sends work to it;
 * - metrics are EMF lines in Lambda and nothing elsewhere (POWERTOOLS_METRICS_DISABLED=false forces them);
 * - the AWS SDK clients are captured by the tracer, which Powertools keeps off outside Lambda;
 * - what only some paths use is loaded by the first call that needs it, not at the cold start: the S3 client
 *   and presigners (documents), the SES client (mail), the SQS client (the sweep's queue), the sweep's
 *   consumer (in process). The DynamoDB client, which every function uses, is loaded at once.
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

/** Runs `load` once, on the first call; a failed load is tried again by the next call. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}

/** An SQS queue whose client (and the SQS SDK) is loaded by the first send: most functions never send. */
function lazySqsQueue<T>(queueUrl: string): WorkQueue<T> {
  const queue = once(async () => {
    const [{ SQSClient }, { sqsQueue }] = await Promise.all([
      import('@aws-sdk/client-sqs'),
      import('./sqs-queue.js'),
    ]);
    return sqsQueue<T>(queueUrl, tracer.captureAWSv3Client(new SQSClient({})));
  });
  return { send: async (items) => (await queue()).send(items) };
}

export function createDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const inLambda = Boolean(env.AWS_LAMBDA_FUNCTION_NAME);
  const metricsOn = env.POWERTOOLS_METRICS_DISABLED ? env.POWERTOOLS_METRICS_DISABLED === 'false' : inLambda;
  tracer.captureAWSv3Client(documentClient());
  const s3 = once(async () => {
    const m = await import('./docs/storage.js');
    tracer.captureAWSv3Client(m.s3Client());
    return m;
  });
  const ses = once(async () => {
    const m = await import('./mail/ses.js');
    return m.sesMailer(tracer.captureAWSv3Client(m.sesClient()));
  });
  const deps: Deps = {
    db: new Db(),
    storage: {
      uploadLink: async (spec) => (await s3()).s3Storage.uploadLink(spec),
      downloadUrl: async (key, fileName, expiresIn) =>
        (await s3()).s3Storage.downloadUrl(key, fileName, expiresIn),
      inspect: async (key, opts) => (await s3()).s3Storage.inspect(key, opts),
      eTag: async (key) => (await s3()).s3Storage.eTag(key),
      remove: async (key) => (await s3()).s3Storage.remove(key),
    },
    publisher: { put: async (key, body, type) => (await s3()).s3Publisher.put(key, body, type) },
    mailer: { send: async (message) => (await ses()).send(message) },
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
  if (queueUrl) deps.sweepQueue = lazySqsQueue(queueUrl);
  else {
    const consume = once(async () => (await import('./app/sweep.js')).consumeDepartmentWork);
    deps.sweepQueue = inProcessQueue(async (body, messageId) => (await consume())(deps, body, messageId), {
      name: 'sweep',
      concurrency: 4,
      onError: (messageId, err) =>
        err instanceof RetryLater
          ? logger.info('sweep worker deferred a department', { messageId, reason: err.message })
          : logger.error('sweep worker failed for a department', { messageId, error: err as Error }),
    });
  }
  const reportQueueUrl = env.REPORT_EMAILS_QUEUE_URL;
  deps.reportEmailsQueue = reportQueueUrl
    ? lazySqsQueue(reportQueueUrl)
    : // The consumer is registered by shared/app/report-email-jobs.ts, the module that sends the work: the
      // mail code stays out of the bundles that never send it.
      inProcessQueue((body, messageId) => registeredConsumer('report-emails')(deps, body, messageId), {
        name: 'report-emails',
        concurrency: 1,
        onError: (messageId, err) =>
          err instanceof RetryLater
            ? logger.info('report mails worker deferred a run', { messageId, reason: err.message })
            : logger.error('report mails worker failed', { messageId, error: err as Error }),
      });
  return deps;
}

let deps: Deps | undefined;

/** The process's container, built on first use. */
export function defaultDeps(): Deps {
  deps ??= createDeps();
  return deps;
}
