import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type StorageEventDef, storageEvents } from '../../functions/events/registry.js';
import { apiAreas } from '../../functions/http/registry.js';
import {
  type Access,
  type QueueDef,
  queues,
  type ScheduleDef,
  schedules,
} from '../../functions/jobs/schedules.js';
import type { AppFunction } from '../../infra/aws/constructs/app-function.js';
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
  access: {
    table: 'readWrite',
    bucket: { put: ['bulletins/'], get: ['uploads/', 'bulletins/'], delete: ['uploads/'] },
    sendEmail: true,
    sendTo: ['sweep'],
    uploadPageSecret: true,
  },
};

/** A fresh app with cdk.json's flags; bundling is skipped (`aws:cdk:bundling-stacks: []`), so this is fast. */
export function testApp(): App {
  return new App({ context: { ...cdkJsonContext, 'aws:cdk:bundling-stacks': [] } });
}

/** An app that bundles every function as `npm run synth` does (esbuild, a few seconds each), into `outdir`. */
export function bundlingApp(outdir: string): App {
  return new App({ outdir, context: cdkJsonContext });
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

// biome-ignore lint/suspicious/noExplicitAny: a synthesized template is untyped JSON, read field by field in the tests
export type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

export const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);

export function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

/** Every statement of the identity policies attached to a role. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties.Roles ?? []).some((r: { Ref?: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

export const actionsOf = (statements: Statement[]) => statements.flatMap((s) => asList(s.Action));

/** The resources of the statements that allow `action`. */
export const resourcesAllowing = (statements: Statement[], action: string) =>
  statements
    .filter((s) => s.Effect === 'Allow' && actionsOf([s]).includes(action))
    .flatMap((s) => asList(s.Resource));

export const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [logicalId(construct), 'Arn'] });

/** The declarations a stack is built from (any of them replaced by the test's own). */
export interface Declarations {
  apiAreas: Record<string, { entry: string; access: Access }>;
  schedules: ScheduleDef[];
  queues: QueueDef[];
  storageEvents: StorageEventDef[];
}

export const declared: Declarations = { apiAreas, schedules, queues, storageEvents };

/** How many functions of our own the declarations make: one per area, job, queue consumer and storage event. */
export const functionCount = (d: Declarations = declared) =>
  Object.keys(d.apiAreas).length + d.schedules.length + d.queues.length + d.storageEvents.length;

/** A function the stack built from a declaration, with that declaration's access. */
export interface DeclaredFunction {
  kind: 'area' | 'job' | 'worker' | 'storage event';
  name: string;
  access: Access;
  fn: AppFunction;
}

/** Every function of our own in the stack, each found by the declaration it was built from. */
export function declaredFunctions(
  stack: BudgetPerformanceStack,
  d: Declarations = declared,
): DeclaredFunction[] {
  const found = <T>(kind: DeclaredFunction['kind'], name: string, value: T | undefined): T => {
    if (!value) throw new Error(`The stack has no function for the ${kind} ${name}`);
    return value;
  };
  return [
    ...Object.entries(d.apiAreas).map(([name, def]) => ({
      kind: 'area' as const,
      name,
      access: def.access,
      fn: found('area', name, stack.functions[name]),
    })),
    ...d.schedules.map((def) => ({
      kind: 'job' as const,
      name: def.name,
      access: def.access,
      fn: found('job', def.name, stack.jobs[def.name]).fn,
    })),
    ...d.queues.map((def) => ({
      kind: 'worker' as const,
      name: def.name,
      access: def.access,
      fn: found('worker', def.name, stack.workers[def.name]).fn,
    })),
    ...d.storageEvents.map((def) => ({
      kind: 'storage event' as const,
      name: def.name,
      access: def.access,
      fn: found('storage event', def.name, stack.storageEvents[def.name]).fn,
    })),
  ];
}

/** The Lambda functions that serve CloudFormation custom resources (CDK's own handlers, not ours). */
export function customResourceHandlerIds(template: Template): string[] {
  const ids = Object.entries(template.toJSON().Resources as Record<string, Resource>)
    .filter(([, r]) => r.Type.startsWith('Custom::') || r.Type === 'AWS::CloudFormation::CustomResource')
    .map(([, r]) => r.Properties.ServiceToken?.['Fn::GetAtt']?.[0] as string | undefined)
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
