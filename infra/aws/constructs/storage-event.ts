import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
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
 * "A reaction to an upload": S3 notifies the function of every `s3:ObjectCreated:*` under the declared
 * prefix (S3 may invoke exactly this function, from this bucket, in this account). S3 invokes
 * asynchronously, so an event whose function still fails after Lambda's two retries would otherwise be
 * dropped: it lands in a dead-letter queue instead, where an alarm sees it.
 */
export class StorageEvent extends Construct {
  readonly deadLetters: sqs.Queue;

  constructor(scope: Construct, id: string, props: StorageEventProps) {
    super(scope, id);
    const def = props.event;
    if (!def.prefix) throw new Error(`Storage event ${def.name} needs a key prefix`);

    this.deadLetters = deadLetterQueue(this, `storage event ${def.name} (Lambda on-failure destination)`);
    props.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });

    props.bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.LambdaDestination(props.fn), {
      prefix: def.prefix,
    });
    acknowledgeNotificationsHandler(Stack.of(this));
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
