import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { metricNames, metricsNamespace, serviceName } from '../../../shared/metric-names.js';

export interface AlarmsProps {
  /** Subscribed by email to every alarm, when given. */
  email?: string;
}

/**
 * The thresholds, in one place. SES reviews an account at a 5 % bounce rate or a 0.1 % complaint rate (and
 * may pause its sending at 10 % / 0.5 %): the alarms ring at four fifths of the review line, so there is
 * time to clean the recipient lists before SES acts.
 */
export const thresholds = {
  /** Percent of API requests answered 5xx in five minutes (no input should ever give one). */
  api5xxPercent: 1,
  /** p99 latency of the API, milliseconds, over three five-minute periods in a row. */
  apiP99Ms: 3000,
  /** SES account reputation (fractions, as SES publishes them). */
  sesBounceRate: 0.04,
  sesComplaintRate: 0.0008,
} as const;

/**
 * Someone hears about failures: a function that throws or is throttled, a message left in a dead-letter
 * queue, an API answering 5xx or slowly, a daily sweep that did not report completion, mail that bounces or
 * draws complaints: each raises an alarm that publishes to one SNS topic (and says so again when it clears).
 * The topic is encrypted with a key of our own, because CloudWatch may not use the AWS-managed SNS key, and
 * accepts TLS only.
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

  /** Alarms when Lambda throttles the function at least once in five minutes (concurrency exhausted). */
  onThrottles(id: string, fn: lambda.IFunction): cloudwatch.Alarm {
    return this.alarm(
      id,
      fn.metricThrottles({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      {
        description: `${id}: Lambda throttled the function at least once in five minutes (the account's or its concurrency limit); requests or runs were refused or delayed.`,
      },
    );
  }

  /**
   * The HTTP API's health: the share of requests answered 5xx (API Gateway's `5xx` over `Count`, as a
   * percentage; no requests, no data, no alarm) and its p99 latency. Both from AWS/ApiGateway, by `ApiId`.
   */
  onApi(api: apigw.IHttpApi): { serverErrors: cloudwatch.Alarm; latency: cloudwatch.Alarm } {
    const period = Duration.minutes(5);
    const rate = new cloudwatch.MathExpression({
      expression: '100 * FILL(errors, 0) / requests',
      usingMetrics: {
        errors: api.metricServerError({ period, statistic: cloudwatch.Stats.SUM }),
        requests: api.metricCount({ period, statistic: cloudwatch.Stats.SUM }),
      },
      period,
      label: 'API 5xx (% of requests)',
    });
    const serverErrors = this.alarm('Api5xxRate', rate, {
      threshold: thresholds.api5xxPercent,
      description: `Api5xxRate: at least ${thresholds.api5xxPercent} % of the API's requests got a 5xx in five minutes; see the access log and the functions' logs.`,
    });
    const latency = this.alarm(
      'ApiLatencyP99',
      api.metricLatency({ period, statistic: cloudwatch.Stats.p(99) }),
      {
        threshold: thresholds.apiP99Ms,
        evaluationPeriods: 3,
        description: `ApiLatencyP99: the API's p99 latency was at least ${thresholds.apiP99Ms} ms for fifteen minutes.`,
      },
    );
    return { serverErrors, latency };
  }

  /**
   * The daily sweep's heartbeat: the 06:00 (Asia/Shanghai) job `sweep-heartbeat` emits SweepHeartbeat
   * (1 when today's sweep completed, 0 when not) with Powertools' default dimension `service`. The alarm
   * looks at the last day: a 0, or no data point at all (the job did not run or did not report), breaches.
   * The window slides (CloudWatch's default): yesterday's 06:00 point leaves it at 06:00 today, so a missing
   * report alarms right then. A wall-clock window (aligned to Shanghai midnight) would only judge a day once
   * it has ended, eighteen hours late. The price: a report that reaches CloudWatch minutes late can raise a
   * short ALARM that clears (OK) as soon as it lands.
   */
  onSweepHeartbeat(): cloudwatch.Alarm {
    const metric = new cloudwatch.Metric({
      namespace: metricsNamespace,
      metricName: metricNames.sweepHeartbeat,
      dimensionsMap: { service: serviceName },
      statistic: cloudwatch.Stats.MINIMUM,
      period: Duration.days(1),
    });
    return this.alarm('SweepHeartbeat', metric, {
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      description:
        'SweepHeartbeat: the daily monitoring sweep has not reported completion by 06:00 Asia/Shanghai ' +
        '(the sweep-heartbeat job reported 0, or nothing in the last day); see the monitoring-sweep job and the sweep queue.',
    });
  }

  /**
   * The sending reputation SES keeps for the account (AWS/SES `Reputation.BounceRate` and
   * `Reputation.ComplaintRate`, published without a configuration set, for SES v1 and v2 sends alike): the
   * numbers SES itself reviews and pauses accounts on. Hourly maximum; no mail, no data, no alarm.
   */
  onSesReputation(): { bounces: cloudwatch.Alarm; complaints: cloudwatch.Alarm } {
    const reputation = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.hours(1),
      });
    const bounces = this.alarm('SesBounceRate', reputation('Reputation.BounceRate'), {
      threshold: thresholds.sesBounceRate,
      description: `SesBounceRate: the account's SES bounce rate reached ${thresholds.sesBounceRate * 100} % (SES reviews at 5 %); check the recipients in the configuration and the mail log.`,
    });
    const complaints = this.alarm('SesComplaintRate', reputation('Reputation.ComplaintRate'), {
      threshold: thresholds.sesComplaintRate,
      description: `SesComplaintRate: the account's SES complaint rate reached ${thresholds.sesComplaintRate * 100} % (SES reviews at 0.1 %); check who receives the reports.`,
    });
    return { bounces, complaints };
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

  /** An alarm on the topic; by default: at least 1, in one period, and no data is no alarm. */
  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    opts: {
      description: string;
      threshold?: number;
      evaluationPeriods?: number;
      comparisonOperator?: cloudwatch.ComparisonOperator;
      treatMissingData?: cloudwatch.TreatMissingData;
    },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold: opts.threshold ?? 1,
      evaluationPeriods: opts.evaluationPeriods ?? 1,
      comparisonOperator:
        opts.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: opts.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    return alarm;
  }
}
