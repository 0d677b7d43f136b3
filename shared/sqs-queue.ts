import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
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
