import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  storageEvents as declaredStorageEvents,
  type StorageEventDef,
} from '../../functions/events/registry.js';
import { apiDocument } from '../../functions/http/openapi-document.js';
import { apiAreas as declaredAreas } from '../../functions/http/registry.js';
import {
  type Access,
  DEFAULT_MAX_RECEIVES,
  queues as declaredQueues,
  schedules as declaredSchedules,
  type QueueDef,
  type ScheduleDef,
} from '../../functions/jobs/schedules.js';
import { roles } from '../../shared/domain/actor.js';
import type { Area, RouteDef } from '../../shared/http/route.js';
import { metricsNamespace, serviceName } from '../../shared/metric-names.js';
import { table } from '../../shared/store/table.js';
import { type AccessTargets, grantAccess } from './constructs/access.js';
import { Alarms } from './constructs/alarms.js';
import { AppFunction, type AppFunctionProps } from './constructs/app-function.js';
import { Data } from './constructs/data.js';
import { HttpApi } from './constructs/http-api.js';
import { Identity } from './constructs/identity.js';
import { Mail } from './constructs/mail.js';
import { JobSchedule } from './constructs/schedules.js';
import { StorageEvent } from './constructs/storage-event.js';
import { UploadPageSecret } from './constructs/upload-page-secret.js';
import { WorkQueue } from './constructs/work-queue.js';
import type { Settings } from './settings.js';

export interface BudgetPerformanceStackProps extends StackProps, Settings {
  /** The API areas to deploy; default: the declarations (functions/http/registry.ts). */
  apiAreas?: Record<string, { entry: string; routes: RouteDef[]; access: Access }>;
  /** The scheduled jobs to deploy; default: the declarations (functions/jobs/schedules.ts). */
  schedules?: ScheduleDef[];
  /** The work queues and their consumers; default: the declarations (functions/jobs/schedules.ts). */
  queues?: QueueDef[];
  /** The reactions to uploads; default: the declarations (functions/events/registry.ts). */
  storageEvents?: StorageEventDef[];
}

/**
 * The area whose function serves the API's description: Swagger UI's files (GET /docs/{asset}) are copied
 * beside its bundle, and the OpenAPI document is generated here, at synth, and written beside it too
 * (GET /openapi.json reads it), so that function bundles no other area's routes.
 */
export const docsArea: Area = 'meta';
export const docsBuild = {
  environment: { DOCS_ASSETS_DIR: '/var/task/docs-assets', OPENAPI_FILE: '/var/task/openapi.json' },
  /** The generator imports every area (functions/http/openapi-document.ts): not reached in Lambda. */
  bundle: { external: ['./openapi-document.js'] },
  afterBundling(outputDir: string): void {
    const from = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    mkdirSync(path.join(outputDir, 'docs-assets'), { recursive: true });
    for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
      copyFileSync(path.join(from, file), path.join(outputDir, 'docs-assets', file));
    }
    writeFileSync(path.join(outputDir, 'openapi.json'), JSON.stringify(apiDocument()));
  },
};

/** The variable a sender reads a queue's URL from: `sweep` → `SWEEP_QUEUE_URL`. */
export const queueUrlVariable = (name: string) =>
  `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_QUEUE_URL`;

/** Storage events with the same event type may not overlap (S3 rejects the configuration at deploy time). */
function checkStorageEvents(defs: readonly StorageEventDef[]): void {
  const seen = new Set<string>();
  for (const def of defs) {
    if (seen.has(def.name)) throw new Error(`Storage event ${def.name} is declared twice`);
    seen.add(def.name);
    for (const other of defs) {
      if (other !== def && def.prefix.startsWith(other.prefix)) {
        throw new Error(
          `Storage events ${def.name} and ${other.name} overlap (prefixes ${def.prefix}, ${other.prefix})`,
        );
      }
    }
  }
}

const pascal = (s: string) =>
  s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/**
 * The whole system in AWS, derived from the declarations: one Lambda per API area and one route per
 * declared route, one Lambda + schedule per declared job, one queue + consuming Lambda per declared work
 * queue, one Lambda + bucket notification per declared storage event, the table from its declaration.
 * Nothing here lists a route, a job, a queue or an event by hand.
 */
export class BudgetPerformanceStack extends Stack {
  readonly api: HttpApi;
  readonly data: Data;
  readonly identity: Identity;
  readonly mail: Mail;
  readonly functions: Record<string, AppFunction> = {};
  readonly jobs: Record<string, { fn: AppFunction; schedule: JobSchedule }> = {};
  readonly workers: Record<string, { fn: AppFunction; queue: WorkQueue }> = {};
  readonly storageEvents: Record<string, { fn: AppFunction; event: StorageEvent }> = {};
  /** The key of upload-page links, when some declaration reads it. */
  readonly uploadPageSecret?: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: BudgetPerformanceStackProps) {
    super(scope, id, props);
    // The access-log bucket admits S3's log delivery by bucket policy (ACLs stay disabled). cdk.json sets
    // this flag too; setting it here keeps the stack correct in any app (tests, scripts).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const areas = props.apiAreas ?? declaredAreas;
    const schedules = props.schedules ?? declaredSchedules;

    this.data = new Data(this, 'Data', { table });
    const mail = new Mail(this, 'Mail', { senderEmail: props.senderEmail, senderDomain: props.senderDomain });
    this.mail = mail;
    this.identity = new Identity(this, 'Identity', { roles });
    const alarms = new Alarms(this, 'Alarms', { email: props.alarmEmail });
    this.api = new HttpApi(this, 'Http', {
      userPool: this.identity.userPool,
      client: this.identity.client,
      allowedOrigins: props.allowedOrigins,
    });
    alarms.onApi(this.api.api);
    alarms.onSweepHeartbeat();
    alarms.onSesReputation();
    // Upload pages are served by the API itself, so its origin may post to the bucket too.
    this.data.allowBrowserAccessFrom([...props.allowedOrigins, this.api.url]);

    const environment = {
      TABLE_NAME: this.data.table.tableName,
      BUCKET_NAME: this.data.bucket.bucketName,
      SES_FROM: mail.from,
      // Powertools (Logger, Metrics, Tracer) read these; the alarms watch the same names (shared/metric-names.ts).
      POWERTOOLS_SERVICE_NAME: serviceName,
      POWERTOOLS_METRICS_NAMESPACE: metricsNamespace,
    };
    const queueDefs = props.queues ?? declaredQueues;
    const storageEvents = props.storageEvents ?? declaredStorageEvents;
    const accesses = [...Object.values(areas), ...schedules, ...queueDefs, ...storageEvents].map(
      (d) => d.access,
    );
    // The key of upload-page links exists when some declaration reads it.
    if (accesses.some((a) => a.uploadPageSecret)) {
      this.uploadPageSecret = new UploadPageSecret(this, 'UploadPage').secret;
    }
    const targets: AccessTargets = {
      table: this.data.table,
      indexNames: this.data.indexNames,
      bucket: this.data.bucket,
      mail,
      uploadPageSecret: this.uploadPageSecret,
    };

    // The work queues come first: a function that sends to one gets its URL (`<NAME>_QUEUE_URL`) and the
    // right to send to it — that queue only — whatever it is (a job, a worker, an API area).
    const workQueues: Record<string, WorkQueue> = {};
    for (const def of queueDefs) {
      if (workQueues[def.name]) throw new Error(`Queue ${def.name} is declared twice`);
      workQueues[def.name] = new WorkQueue(this, `${pascal(def.name)}Queue`, { queue: def });
    }
    const makeFunction = (
      id: string,
      def: { entry: string; access: Access },
      options: Partial<AppFunctionProps>,
    ) => {
      const sendTo = (def.access.sendTo ?? []).map((name) => {
        const q = workQueues[name];
        if (!q) throw new Error(`${def.entry} sends to the undeclared queue ${name}`);
        return [name, q] as const;
      });
      const fn = new AppFunction(this, id, {
        entry: def.entry,
        description: id,
        timeout: Duration.seconds(29),
        ...options,
        environment: {
          ...environment,
          ...options.environment,
          ...Object.fromEntries(sendTo.map(([name, q]) => [queueUrlVariable(name), q.queue.queueUrl])),
          ...(def.access.uploadPageSecret && this.uploadPageSecret
            ? { UPLOAD_PAGE_SECRET_ARN: this.uploadPageSecret.secretArn }
            : {}),
        },
      });
      grantAccess(fn.role, def.access, targets);
      for (const [, q] of sendTo) q.queue.grantSendMessages(fn.role);
      alarms.onErrors(`${id}Errors`, fn.fn);
      alarms.onThrottles(`${id}Throttles`, fn.fn);
      return fn;
    };

    for (const def of queueDefs) {
      const id = `${pascal(def.name)}Worker`;
      const fn = makeFunction(id, def, {
        description: `Queue consumer ${def.name}: ${def.description}`,
        timeout: Duration.seconds(def.timeoutSeconds),
        nodeOptions: def.nodeOptions,
      });
      const queue = workQueues[def.name]!;
      queue.consumeWith(fn.fn);
      alarms.onDeadLetters(
        `${pascal(def.name)}QueueDeadLetters`,
        queue.deadLetters,
        `a message of the ${def.name} queue failed ${def.maxReceiveCount ?? DEFAULT_MAX_RECEIVES} receipts`,
      );
      this.workers[def.name] = { fn, queue };
    }

    for (const [area, def] of Object.entries(areas)) {
      const serveDocs = area === docsArea;
      const fn = makeFunction(`${pascal(area)}Function`, def, {
        description: `API area ${area}: ${def.routes.length} routes`,
        environment: { ...this.api.tokenEnvironment, ...(serveDocs ? docsBuild.environment : {}) },
        ...(serveDocs ? { bundle: docsBuild.bundle, afterBundling: docsBuild.afterBundling } : {}),
      });
      for (const route of def.routes) this.api.addRoute(route, fn.fn);
      this.functions[area] = fn;
    }

    for (const def of schedules) {
      const id = `${pascal(def.name)}Job`;
      if (this.jobs[def.name]) throw new Error(`Schedule ${def.name} is declared twice`);
      const fn = makeFunction(id, def, {
        description: `Scheduled job ${def.name}`,
        timeout: Duration.minutes(15),
      });
      const schedule = new JobSchedule(this, `${id}Schedule`, { schedule: def, fn: fn.fn });
      alarms.onDeadLetters(
        `${id}DeadLetters`,
        schedule.deadLetters,
        'a scheduled run could not be delivered or failed after retries',
      );
      this.jobs[def.name] = { fn, schedule };
    }

    checkStorageEvents(storageEvents);
    for (const def of storageEvents) {
      const id = `${pascal(def.name)}Handler`;
      const fn = makeFunction(id, def, {
        description: `Storage event ${def.name}: ${def.description}`,
        timeout: Duration.seconds(def.timeoutSeconds),
      });
      const event = new StorageEvent(this, `${pascal(def.name)}Event`, {
        event: def,
        bucket: this.data.bucket,
        fn: fn.fn,
      });
      alarms.onDeadLetters(
        `${id}DeadLetters`,
        event.deadLetters,
        `an upload event for ${def.name} failed ${def.maxReceiveCount} receipts`,
      );
      this.storageEvents[def.name] = { fn, event };
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'BucketName', { value: this.data.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
