import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { StorageEventDef } from '../../../functions/events/registry.js';
import { deadLetterQueue } from './dead-letters.js';

export interface StorageEventProps {
  event: StorageEventDef;
  /** The documents bucket. */
  bucket: s3.Bucket;
  /** The reacting function (built from `event.entry`). */
  fn: lambda.IFunction;
}

/**
 * "A reaction to an upload": S3 sends every `s3:ObjectCreated:*` under the declared prefix to a queue
 * (S3 may send to exactly this queue, from this bucket, in this account), and the function consumes it
 * with partial batch failures. An event whose handling fails or is cut off (an error, a timeout, a crash
 * mid-import) becomes visible again and is received again — the handler resumes where it stopped — up to
 * the declared `maxReceiveCount`; then it waits in a dead-letter queue, where an alarm sees it.
 * Encrypted (SQS-managed keys, which S3 can send to without a key policy), TLS only.
 */
export class StorageEvent extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: StorageEventProps) {
    super(scope, id);
    const def = props.event;
    if (!def.prefix) throw new Error(`Storage event ${def.name} needs a key prefix`);

    this.deadLetters = deadLetterQueue(this, `the storage event ${def.name}`);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS wants the visibility timeout to be at least six times the consumer's timeout (capped at 12 h).
      visibilityTimeout: Duration.seconds(Math.min(def.timeoutSeconds * 6, 43_200)),
      retentionPeriod: Duration.days(14),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: def.maxReceiveCount },
    });
    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new QueueOfThisBucket(this.queue), {
      prefix: def.prefix,
    });
    props.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: def.batchSize, reportBatchItemFailures: true }),
    );
    acknowledgeNotificationsHandler(Stack.of(this));
  }
}

/**
 * An S3 notification destination like CDK's SqsDestination, with the confused-deputy guard complete: S3
 * may send to the queue only for this bucket (`aws:SourceArn`) of this account (`aws:SourceAccount`), and
 * only send. The queue's policy is a child of the queue, so the notification configuration (which S3 checks
 * by sending a test event) is put after it.
 */
class QueueOfThisBucket implements s3.IBucketNotificationDestination {
  constructor(private readonly queue: sqs.Queue) {}

  bind(_scope: Construct, bucket: s3.IBucketRef): s3.BucketNotificationDestinationConfig {
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('s3.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        conditions: {
          ArnEquals: { 'aws:SourceArn': bucket.bucketRef.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this.queue).account },
        },
      }),
    );
    return {
      arn: this.queue.queueArn,
      type: s3.BucketNotificationDestinationType.QUEUE,
      dependencies: [this.queue],
    };
  }
}

/**
 * S3 notifications are set by CDK's own custom resource (Custom::S3BucketNotifications): CloudFormation's
 * AWS::S3::Bucket NotificationConfiguration would need the Lambda permission before the bucket, and the
 * permission names the bucket — a cycle. Its handler is a singleton Lambda of the stack whose role CDK
 * gives AWSLambdaBasicExecutionRole (always, even to a role passed in), plus an inline policy with
 * s3:PutBucketNotification on the documents bucket only.
 */
const acknowledged = new WeakSet<Stack>();
function acknowledgeNotificationsHandler(stack: Stack): void {
  if (acknowledged.has(stack)) return;
  acknowledged.add(stack);
  const handler = stack.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
  const role: IConstruct | undefined = handler?.node.tryFindChild('Role');
  if (!role) {
    throw new Error(
      'CDK’s S3 notifications handler (BucketNotificationsHandler…/Role) was not found in the stack',
    );
  }
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    reason:
      'The role of CDK’s own singleton BucketNotificationsHandler, which runs only during deployments to put the ' +
      'bucket’s notification configuration: the AWS managed policy lets it write its logs (CDK attaches it ' +
      'unconditionally); its only other right is s3:PutBucketNotification on the documents bucket. ' +
      'The application functions’ roles use no managed policy.',
  });
}
