import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  /** Subscribed by email to every alarm, when given. */
  email?: string;
}

/**
 * Someone hears about failures: a function that throws, or a message left in a dead-letter queue,
 * raises an alarm (over five minutes) that publishes to one SNS topic. The topic is encrypted with a
 * key of our own, because CloudWatch may not use the AWS-managed SNS key, and accepts TLS only.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the alarm topic',
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'Topic', {
      masterKey: key,
      enforceSSL: true,
      displayName: 'Budget performance alarms',
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
    this.action = new SnsAction(this.topic);
  }

  /** Alarms when the function reports at least one error in five minutes. */
  onErrors(id: string, fn: lambda.IFunction): cloudwatch.Alarm {
    return this.alarm(id, fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }), {
      description: `${id}: the function failed at least once in five minutes; see its log group.`,
    });
  }

  /** Alarms when a dead-letter queue holds at least one message; `what` says how a message gets there. */
  onDeadLetters(id: string, queue: sqs.IQueue, what: string): cloudwatch.Alarm {
    return this.alarm(
      id,
      queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      {
        description: `${id}: ${what}; the message waits in the dead-letter queue.`,
      },
    );
  }

  private alarm(id: string, metric: cloudwatch.IMetric, opts: { description: string }): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
