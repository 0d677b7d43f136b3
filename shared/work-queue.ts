/**
 * Where a job sends work, one message per unit (a department of a sweep). The job does not know what the
 * queue is: the container (shared/deps.ts) makes it an SQS queue (./sqs-queue.ts) when the stack declared one (its URL in the
 * environment), else a queue that runs the consumer's code here, a few messages at a time (locally, tests).
 */
export interface WorkQueue<T> {
  /** Resolves once every item is queued (SQS) or consumed (in process). */
  send(items: readonly T[]): Promise<void>;
}

/**
 * The consumer's code, run here: each item goes through JSON as an SQS body would, `concurrency` at a time.
 * One message's failure does not stop the others; at the end the send fails naming how many failed (in AWS
 * they would be retried and end in the dead-letter queue).
 */
export function inProcessQueue<T>(
  consume: (body: string, messageId: string) => Promise<void>,
  opts: { name: string; concurrency?: number; onError?: (messageId: string, err: unknown) => void },
): WorkQueue<T> {
  let sent = 0;
  return {
    async send(items) {
      const queue = items.map((item) => ({
        body: JSON.stringify(item),
        messageId: `${opts.name}-${++sent}`,
      }));
      const failures: unknown[] = [];
      const worker = async () => {
        for (let m = queue.shift(); m; m = queue.shift()) {
          try {
            await consume(m.body, m.messageId);
          } catch (err) {
            opts.onError?.(m.messageId, err);
            failures.push(err);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));
      if (failures.length) {
        throw new Error(`${failures.length} of ${items.length} ${opts.name} messages failed`, {
          cause: failures[0],
        });
      }
    },
  };
}
