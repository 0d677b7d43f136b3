import { type App, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { storageEvents } from '../../functions/events/registry.js';
import { queues, schedules } from '../../functions/jobs/schedules.js';
import { BudgetPerformanceStack } from '../../infra/aws/stack.js';
import { sampleSchedule, testApp } from './synth.js';

/** Every acknowledgement in the tree: where, which rule, why. */
function acknowledgements(root: IConstruct): { path: string; id: string; reason: unknown }[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, unknown>).map(([id, reason]) => ({
          path: c.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );
}

/** A job beside the declared ones with every kind of access, so every grant the stack can make is checked. */
const everyAccessJob = { ...sampleSchedule, name: 'every-access' };

describe('cdk-nag AwsSolutions', () => {
  // The richest stack: every declaration (API areas, jobs, work queues, storage events) plus a job that
  // uses the table, the bucket and mail, an alarm address, CORS — in an app that runs cdk-nag as
  // `npm run synth` does. Synthesized once, by the first test.
  let app: App;
  let stack: BudgetPerformanceStack;
  beforeAll(() => {
    app = testApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    stack = new BudgetPerformanceStack(app, 'Test', {
      senderEmail: 'jixiao@czj.example.gov.cn',
      schedules: [...schedules, everyAccessJob],
      alarmEmail: 'ops@czj.example.gov.cn',
      allowedOrigins: ['https://portal.example.gov.cn'],
    });
  });

  it('lets the synth pass as a registered validation plugin (as `npm run synth` runs it)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('finds nothing that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('is live: an unacknowledged finding fails the synth', () => {
    const app = testApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new s3.Bucket(new Stack(app, 'Careless'), 'Bucket');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1/);
  });

  it('gives a reason for every acknowledgement', () => {
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(typeof ack.reason, `${ack.id} at ${ack.path}`).toBe('string');
      expect(String(ack.reason).trim().length, `${ack.id} at ${ack.path}`).toBeGreaterThan(30);
    }
  });

  it('acknowledges only these rules', () => {
    const ids = new Set(acknowledgements(stack).map((a) => a.id.replace(/<\w+\.Arn>/, '<bucket>')));
    expect([...ids].sort()).toEqual([
      'AwsSolutions-APIG4', // routes declared public
      // CDK's own deploy-time S3 notifications handler: CDK always gives its role this managed policy
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]', // X-Ray has no resource-level permissions
      // object keys under a declared prefix are made at run time (never the whole bucket: no <bucket>/*)
      'AwsSolutions-IAM5[Resource::<bucket>/bulletins/*]', // the bulletins (and the every-access job's)
      'AwsSolutions-IAM5[Resource::<bucket>/public-data/performance/*]', // the public data package
      'AwsSolutions-IAM5[Resource::<bucket>/uploads/*]',
      'AwsSolutions-L1', // Node.js 22 on purpose
      'AwsSolutions-SMG4', // the upload-page HMAC key: rotation would break the links of warm processes
      'AwsSolutions-SQS3', // a dead-letter queue needs no dead-letter queue
    ]);
  });

  it('acknowledges next to the resource, never for the whole stack or app', () => {
    for (const ack of acknowledgements(app)) {
      expect(ack.path.split('/').length, `${ack.id} at ${ack.path}`).toBeGreaterThan(1);
    }
  });

  it('acknowledges the managed policy on CDK’s notifications handler only, none of our roles', () => {
    const iam4 = acknowledgements(stack).filter((a) => a.id.startsWith('AwsSolutions-IAM4'));
    expect(iam4.map((a) => a.path)).toEqual([
      expect.stringMatching(/^Test\/BucketNotificationsHandler[0-9a-f]+\/Role$/),
    ]);
  });

  it('acknowledges SQS3 on dead-letter queues only', () => {
    const sqs3 = acknowledgements(stack).filter((a) => a.id === 'AwsSolutions-SQS3');
    expect(sqs3.length).toBe(schedules.length + 1 + queues.length + storageEvents.length);
    for (const ack of sqs3) expect(ack.path).toMatch(/\/DeadLetters$/);
  });

  it('leaves the stack without errors or warnings from CDK itself', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
