import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import type { ScheduleDef } from '../../functions/jobs/schedules.js';
import { repoRoot } from '../../infra/aws/settings.js';
import { BudgetPerformanceStack, type BudgetPerformanceStackProps } from '../../infra/aws/stack.js';

/** The feature flags of cdk.json, so the tests build what `npm run synth` builds. */
const cdkJsonContext = JSON.parse(readFileSync(path.join(repoRoot, 'cdk.json'), 'utf8')).context as Record<
  string,
  unknown
>;

/** A declared job, as later issues will add them: every kind of access, an input, a Shanghai cron. */
export const sampleSchedule: ScheduleDef = {
  name: 'monitoring-sweep',
  description: 'Scans the executing projects and raises the lights',
  cron: 'cron(0 2 ? * MON-FRI *)',
  timezone: 'Asia/Shanghai',
  entry: 'test/infra/fixtures/sample-job.ts',
  input: { kind: 'sweep', daysAhead: 0 },
  access: { table: 'readWrite', bucket: 'readWrite', sendEmail: true },
};

/** A fresh app with cdk.json's flags; bundling is skipped (`aws:cdk:bundling-stacks: []`), so this is fast. */
export function testApp(): App {
  return new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
}

export function buildStack(
  props: Partial<BudgetPerformanceStackProps> = {},
  app: App = testApp(),
): { app: App; stack: BudgetPerformanceStack; template: Template } {
  const stack = new BudgetPerformanceStack(app, 'Test', {
    senderEmail: 'jixiao@czj.example.gov.cn',
    allowedOrigins: [],
    ...props,
  });
  return { app, stack, template: Template.fromStack(stack) };
}

export function logicalId(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).resolve(element.logicalId) as string;
}
