import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { ScheduleDef } from '../../../functions/jobs/schedules.js';
import { deadLetterQueue } from './dead-letters.js';

export interface JobScheduleProps {
  schedule: ScheduleDef;
  /** The job's function (built from `schedule.entry`). */
  fn: lambda.IFunction;
}

const awsCron = /^cron\(\S+( \S+){5}\)$/;

/**
 * "A schedule": EventBridge Scheduler runs the declared job on its AWS `cron(...)` expression in its
 * time zone, with the declared input. A run that cannot be delivered after the retries, or whose
 * function fails after Lambda's own retries (the scheduler invokes asynchronously), lands in the
 * job's dead-letter queue, where an alarm sees it. The scheduler's role may invoke this one function
 * and send to this one queue, nothing else.
 */
export class JobSchedule extends Construct {
  readonly deadLetters: sqs.Queue;
  readonly role: iam.Role;
  readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: JobScheduleProps) {
    super(scope, id);
    const def = props.schedule;
    if (!awsCron.test(def.cron))
      throw new Error(`Schedule ${def.name}: ${def.cron} is not an AWS cron(...) expression`);

    this.deadLetters = deadLetterQueue(
      this,
      `schedule ${def.name} (scheduler target and Lambda on-failure destination)`,
    );

    this.role = new iam.Role(this, 'SchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      }),
      description: `EventBridge Scheduler runs ${def.name}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [props.fn.functionArn] }),
    );
    // Scheduler delivers undeliverable runs to the dead-letter queue with this role.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
    );

    props.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });

    this.schedule = new scheduler.CfnSchedule(this, 'Schedule', {
      description: `${def.name}: ${def.description}`,
      scheduleExpression: def.cron,
      scheduleExpressionTimezone: def.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      state: 'ENABLED',
      target: {
        arn: props.fn.functionArn,
        roleArn: this.role.roleArn,
        input: JSON.stringify(def.input ?? {}),
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
        deadLetterConfig: { arn: this.deadLetters.queueArn },
      },
    });
  }
}
