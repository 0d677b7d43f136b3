import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { apiAreas as declaredAreas } from '../../functions/http/registry.js';
import type { Access } from '../../functions/jobs/schedules.js';
import { schedules as declaredSchedules, type ScheduleDef } from '../../functions/jobs/schedules.js';
import { roles } from '../../shared/domain/actor.js';
import type { Area, RouteDef } from '../../shared/http/route.js';
import { table } from '../../shared/store/table.js';
import { type AccessTargets, grantAccess } from './constructs/access.js';
import { Alarms } from './constructs/alarms.js';
import { AppFunction } from './constructs/app-function.js';
import { Data } from './constructs/data.js';
import { HttpApi } from './constructs/http-api.js';
import { Identity } from './constructs/identity.js';
import { Mail } from './constructs/mail.js';
import { JobSchedule } from './constructs/schedules.js';
import type { Settings } from './settings.js';

export interface BudgetPerformanceStackProps extends StackProps, Settings {
  /** The API areas to deploy; default: the declarations (functions/http/registry.ts). */
  apiAreas?: Record<string, { entry: string; routes: RouteDef[]; access: Access }>;
  /** The scheduled jobs to deploy; default: the declarations (functions/jobs/schedules.ts). */
  schedules?: ScheduleDef[];
}

/** The area whose function serves Swagger UI's files (GET /docs/{asset}): they are copied beside its bundle. */
const docsArea: Area = 'meta';
const docsAssetsDir = '/var/task/docs-assets';
const copyDocsAssets = (inputDir: string, outputDir: string) => {
  const from = `${inputDir}/node_modules/swagger-ui-dist`;
  return [
    `mkdir -p "${outputDir}/docs-assets"`,
    `cp "${from}/swagger-ui.css" "${from}/swagger-ui-bundle.js" "${outputDir}/docs-assets/"`,
  ];
};

const pascal = (s: string) =>
  s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/**
 * The whole system in AWS, derived from the declarations: one Lambda per API area and one route per
 * declared route, one Lambda + schedule per declared job, the table from its declaration. Nothing here
 * lists a route or a job by hand.
 */
export class BudgetPerformanceStack extends Stack {
  readonly api: HttpApi;
  readonly data: Data;
  readonly identity: Identity;
  readonly mail: Mail;
  readonly functions: Record<string, AppFunction> = {};
  readonly jobs: Record<string, { fn: AppFunction; schedule: JobSchedule }> = {};

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
    // Upload pages are served by the API itself, so its origin may post to the bucket too.
    this.data.allowBrowserAccessFrom([...props.allowedOrigins, this.api.url]);

    const environment = {
      TABLE_NAME: this.data.table.tableName,
      BUCKET_NAME: this.data.bucket.bucketName,
      SES_FROM: mail.from,
      POWERTOOLS_SERVICE_NAME: 'budget-performance',
    };
    const targets: AccessTargets = {
      table: this.data.table,
      indexNames: this.data.indexNames,
      bucket: this.data.bucket,
      mail,
    };

    for (const [area, def] of Object.entries(areas)) {
      const id = `${pascal(area)}Function`;
      const serveDocs = area === docsArea;
      const fn = new AppFunction(this, id, {
        entry: def.entry,
        description: `API area ${area}: ${def.routes.length} routes`,
        timeout: Duration.seconds(29),
        environment: serveDocs ? { ...environment, DOCS_ASSETS_DIR: docsAssetsDir } : environment,
        afterBundling: serveDocs ? copyDocsAssets : undefined,
      });
      grantAccess(fn.role, def.access, targets);
      for (const route of def.routes) this.api.addRoute(route, fn.fn);
      alarms.onErrors(`${id}Errors`, fn.fn);
      this.functions[area] = fn;
    }

    for (const def of schedules) {
      const id = `${pascal(def.name)}Job`;
      if (this.jobs[def.name]) throw new Error(`Schedule ${def.name} is declared twice`);
      const fn = new AppFunction(this, id, {
        entry: def.entry,
        description: `Scheduled job ${def.name}`,
        timeout: Duration.minutes(5),
        environment,
      });
      grantAccess(fn.role, def.access, targets);
      const schedule = new JobSchedule(this, `${id}Schedule`, { schedule: def, fn: fn.fn });
      alarms.onErrors(`${id}Errors`, fn.fn);
      alarms.onDeadLetters(`${id}DeadLetters`, schedule.deadLetters);
      this.jobs[def.name] = { fn, schedule };
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'BucketName', { value: this.data.bucket.bucketName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn });
  }
}
