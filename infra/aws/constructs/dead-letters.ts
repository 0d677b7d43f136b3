import { Duration, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * A dead-letter queue, made the same way for every kind of work (a schedule, a work queue, a storage
 * event): encrypted, TLS only, kept 14 days. It needs no dead-letter queue of its own.
 */
export function deadLetterQueue(scope: Construct, of: string): sqs.Queue {
  const queue = new sqs.Queue(scope, 'DeadLetters', {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${of}; a dead-letter queue needs none of its own.`,
  });
  return queue;
}
