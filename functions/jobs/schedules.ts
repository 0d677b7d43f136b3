/**
 * Every scheduled job, declared once: EventBridge Scheduler (infra/aws) and the local scheduler
 * (infra/local/scheduler.ts) both read this list. `cron` is AWS's six-field `cron(...)` expression,
 * evaluated in `timezone`; the job module's `handler` receives `input`.
 */
export interface ScheduleDef {
  /** Unique, kebab-case: names the schedule and, in AWS, its resources. */
  name: string;
  description: string;
  cron: string;
  timezone: string;
  /** The module whose `handler` export runs the job (a Lambda entry). */
  entry: string;
  input?: Record<string, unknown>;
  /** What the job's function may touch (least privilege in AWS). */
  access: Access;
}

/**
 * Object rights on the documents bucket, each a list of key prefixes (`'uploads/'`: non-empty, ending in `/`).
 * CDK grants each kind on `<bucket>/<prefix>*` only. A function that presigns a link needs the right the link
 * uses (S3 checks the signer's): presigned uploads are `put`, presigned downloads `get`.
 */
export interface BucketAccess {
  /** s3:PutObject: writes objects, and presigns uploads. */
  put?: readonly string[];
  /** s3:GetObject (HeadObject too): reads objects, and presigns downloads; also s3:ListBucket, so a missing key is a 404. */
  get?: readonly string[];
  /** s3:DeleteObject. */
  delete?: readonly string[];
}

/** The AWS resources a function uses, and how. CDK grants exactly these. */
export interface Access {
  table?: 'read' | 'readWrite';
  bucket?: BucketAccess;
  sendEmail?: boolean;
  /** Sends messages to these queues (declared below); CDK sets `<NAME>_QUEUE_URL` for each. */
  sendTo?: QueueName[];
  /** Signs or checks upload-page links: reads the secret (UPLOAD_PAGE_SECRET_ARN in AWS). */
  uploadPageSecret?: boolean;
}

export const schedules: ScheduleDef[] = [
  {
    name: 'monitoring-sweep',
    description:
      'Daily monitoring sweep (lights, rectification notices, clawbacks), plus the checkpoint that just closed',
    cron: 'cron(0 2 * * ? *)',
    timezone: 'Asia/Shanghai',
    entry: 'functions/jobs/monitoring-sweep.ts',
    input: {},
    access: { table: 'readWrite', sendTo: ['sweep'] },
  },
  {
    name: 'report-emails',
    description:
      'Monitoring report mails (each department, the bureau) the morning after a checkpoint of the configuration in force; retries failures for 3 days',
    cron: 'cron(0 9 * * ? *)',
    timezone: 'Asia/Shanghai',
    entry: 'functions/jobs/report-emails.ts',
    input: {},
    access: { table: 'readWrite', sendEmail: true },
  },
  {
    name: 'rectification-reminders',
    description:
      'Daily: remind departments of rectification notices due within the configured working days; tell the bureau of overdue ones',
    cron: 'cron(30 8 * * ? *)',
    timezone: 'Asia/Shanghai',
    entry: 'functions/jobs/reminders.ts',
    input: {},
    access: { table: 'readWrite', sendEmail: true },
  },
  {
    name: 'sweep-heartbeat',
    description:
      "06:00: emits SweepHeartbeat 1 when today's scheduled monitoring sweep has completed (every department), else 0",
    cron: 'cron(0 6 * * ? *)',
    timezone: 'Asia/Shanghai',
    entry: 'functions/jobs/sweep-heartbeat.ts',
    input: {},
    access: { table: 'read' },
  },
];

/**
 * Queues with their consumers: each message one unit of work, failures reported per message, a
 * dead-letter queue behind. Locally the producers run the consumer's code in process instead.
 */
export type QueueName = 'sweep' | 'report-emails';

/** A work queue's receipts of one message before its dead-letter queue, unless it declares its own. */
export const DEFAULT_MAX_RECEIVES = 3;

export interface QueueDef {
  name: QueueName;
  description: string;
  /** The consumer's module (its `handler` takes an SQS event and returns batch item failures). */
  entry: string;
  access: Access;
  /** Seconds a consumer may take for one batch. */
  timeoutSeconds: number;
  /**
   * Receipts of one message before it moves to the dead-letter queue (SQS's maxReceiveCount; default 3). A
   * consumer's RetryLater counts as a receipt.
   */
  maxReceiveCount?: number;
  batchSize: number;
  /**
   * At most this many consumers at once (the event source mapping's maximumConcurrency, 2–1000); none: as
   * many as Lambda scales to (up to 1,250 for SQS, limited by the account's concurrency).
   */
  maxConcurrency?: number;
  /**
   * V8 flags of the consumer's Node process (added to NODE_OPTIONS in AWS; the sweep bench runs the worker
   * with them too).
   */
  nodeOptions?: string[];
}

export const queues: QueueDef[] = [
  {
    name: 'sweep',
    description: 'One department of one monitoring sweep per message',
    entry: 'functions/jobs/sweep-worker.ts',
    access: { table: 'readWrite' },
    timeoutSeconds: 900,
    batchSize: 1,
    // One more than the default: a department deferred by RetryLater (its earlier sweep's work held by a
    // worker, runInOrder) comes back after 60 s, then 15 min (any live holder has ended), then 90 min (a holder
    // killed mid-department has had its own message back and rerun it): three deferrals, then the fourth
    // receipt. An ordinary failure waits 90 min a receipt: its alarm comes ~4.5 h after it, not 3 h.
    // functions/jobs/sweep-worker.ts sweepDeferral, docs/scale.md.
    maxReceiveCount: 4,
    // A sweep sends one message per department: 2,500 at province scale, which Lambda would otherwise meet
    // with up to 1,250 instances, taking the account's concurrency (1,000 by default) from the API functions.
    // More than a few gain nothing: every snapshot also goes to one index partition (gsi1 MON#<year>, 2 WCU a
    // project, 1,000 WCU/s for a partition), which ~3 workers fill. docs/scale.md (npm run bench -- fanout).
    maxConcurrency: 5,
    // The worker holds a page of a department at a time (~25 MB live heap, code included, at any department
    // size). V8's young generation grows to 3 × 16 MB under the sweep's allocation rate, all of it garbage:
    // a 2 MB semi-space keeps the RSS flat (~100–107 MB at 400 and 2,000 projects, 130–190 MB without;
    // npm run bench -- sweep), and the old space is capped well above what a page needs.
    nodeOptions: ['--max-semi-space-size=2', '--max-old-space-size=256'],
  },
  {
    name: 'report-emails',
    description:
      'One requested run of the monitoring report mails per message (POST /v1/monitoring/report-emails)',
    entry: 'functions/jobs/report-emails-worker.ts',
    access: { table: 'readWrite', sendEmail: true },
    timeoutSeconds: 900,
    batchSize: 1,
  },
];
