import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULT_MAX_RECEIVES, type QueueDef } from '../../../functions/jobs/schedules.js';
import { deadLetterQueue } from './dead-letters.js';

export interface WorkQueueProps {
  queue: QueueDef;
}

/**
 * "A queue of work": one message per unit (a department of a sweep), consumed by its function with
 * partial batch failures, so one failing unit is retried alone; after its declared receipts (default three) it
 * moves to the dead-letter queue, where an alarm sees it. Encrypted, TLS only.
 */
export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetters: sqs.Queue;
  private readonly def: QueueDef;
  private consumer?: lambda.IFunction;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const def = props.queue;
    this.def = def;
    this.deadLetters = deadLetterQueue(this, `the ${def.name} work queue`);
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // SQS wants the visibility timeout to be at least six times the consumer's timeout... capped at 12 h.
      visibilityTimeout: Duration.seconds(Math.min(def.timeoutSeconds * 6, 43_200)),
      deadLetterQueue: {
        queue: this.deadLetters,
        maxReceiveCount: def.maxReceiveCount ?? DEFAULT_MAX_RECEIVES,
      },
    });
  }

  /**
   * Makes the function (built from the declaration's `entry`) the queue's one consumer. The queue exists
   * before any function, so every sender, the consumer included, can be given its URL.
   */
  consumeWith(consumer: lambda.IFunction): void {
    if (this.consumer) throw new Error(`The ${this.def.name} queue has a consumer already`);
    this.consumer = consumer;
    consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.def.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: this.def.maxConcurrency,
      }),
    );
  }
}
