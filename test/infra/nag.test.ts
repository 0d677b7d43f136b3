import { Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BudgetPerformanceStack } from '../../infra/aws/stack.js';
import { buildStack, sampleSchedule, testApp } from './synth.js';

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

describe('cdk-nag AwsSolutions', () => {
  // The richest stack: a schedule whose job uses the table, the bucket and mail, an alarm address, CORS.
  let stack: BudgetPerformanceStack;
  beforeAll(() => {
    ({ stack } = buildStack({
      schedules: [sampleSchedule],
      alarmEmail: 'ops@czj.example.gov.cn',
      allowedOrigins: ['https://portal.example.gov.cn'],
    }));
  });

  it('finds nothing that is not acknowledged', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(
      report.violations.map((v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath)}`),
    ).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('lets the synth pass as a registered validation plugin (as `npm run synth` runs it)', () => {
    const app = testApp();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    buildStack({ schedules: [sampleSchedule] }, app);
    expect(() => app.synth()).not.toThrow();
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
    const ids = new Set(acknowledgements(stack).map((a) => a.id.replace(/<[^>]+>/, '<bucket>')));
    expect([...ids].sort()).toEqual([
      'AwsSolutions-APIG4', // routes declared public
      'AwsSolutions-IAM5[Resource::*]', // X-Ray has no resource-level permissions
      'AwsSolutions-IAM5[Resource::<bucket>/*]', // document keys are made at run time
      'AwsSolutions-L1', // Node.js 22 on purpose
      'AwsSolutions-SQS3', // a dead-letter queue needs no dead-letter queue
    ]);
  });

  it('leaves the stack without errors or warnings from CDK itself', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });
});
