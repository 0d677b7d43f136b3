import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from './work-queue.js';

/** SQS, 10 messages a request; a refused message fails the send (the coordinator's run is retried). */
export function sqsQueue<T>(queueUrl: string, client: SQSClient): WorkQueue<T> {
  return {
    async send(items) {
      for (let i = 0; i < items.length; i += 10) {
        const batch = items.slice(i, i + 10);
        const out = await client.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: batch.map((item, n) => ({ Id: String(n), MessageBody: JSON.stringify(item) })),
          }),
        );
        if (out.Failed?.length)
          throw new Error(`SQS refused ${out.Failed.length} of ${batch.length} messages`);
      }
    },
  };
}

/** The URL of the queue an event source ARN names (arn:<partition>:sqs:<region>:<account>:<name>). */
export function queueUrlOf(queueArn: string): string {
  const [, partition, , region, account, name] = queueArn.split(':');
  if (!region || !account || !name) throw new Error(`Not an SQS queue ARN: ${queueArn}`);
  const domain = partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sqs.${region}.${domain}/${account}/${name}`;
}

/**
 * Makes a received message visible again after `seconds` (0–43,200) instead of the queue's visibility
 * timeout: a consumer's RetryLater (shared/lambda.ts queueWorker). Needs sqs:ChangeMessageVisibility.
 */
export async function changeVisibility(
  client: SQSClient,
  record: { eventSourceARN: string; receiptHandle: string },
  seconds: number,
): Promise<void> {
  await client.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queueUrlOf(record.eventSourceARN),
      ReceiptHandle: record.receiptHandle,
      VisibilityTimeout: Math.max(0, Math.min(Math.round(seconds), 43_200)),
    }),
  );
}
