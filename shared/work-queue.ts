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
 * A consumer's answer "not now": the message is to be delivered again later (SQS: after the visibility
 * timeout, up to the queue's maxReceiveCount, then the dead-letter queue; the in-process queue: after
 * `redeliverAfterMs`, up to `maxReceives`). The message says why (it is logged with the failure).
 */
export class RetryLater extends Error {
  override name = 'RetryLater';
  /** How long the consumer would like the message to wait (SQS: its shortened visibility, shared/lambda.ts). */
  readonly retryAfterSeconds: number;
  constructor(message: string, opts: { retryAfterSeconds?: number } = {}) {
    super(message);
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 60;
  }
}

/** How many times the in-process queue delivers a message whose consumer answers RetryLater (SQS: the queue's maxReceiveCount). */
export const IN_PROCESS_MAX_RECEIVES = 3;

/**
 * The consumer's code, run here: each item goes through JSON as an SQS body would, `concurrency` at a time.
 * One message's failure does not stop the others; at the end the send fails naming how many failed (in AWS
 * they would be retried and end in the dead-letter queue). Like SQS, a message whose consumer throws
 * RetryLater is delivered again (same message id) after `redeliverAfterMs` × its receive count, up to
 * `maxReceives` receipts; any other failure is final here (the next run of the job completes it).
 */
export function inProcessQueue<T>(
  consume: (body: string, messageId: string) => Promise<void>,
  opts: {
    name: string;
    concurrency?: number;
    onError?: (messageId: string, err: unknown) => void;
    redeliverAfterMs?: number;
    maxReceives?: number;
  },
): WorkQueue<T> {
  let sent = 0;
  const maxReceives = opts.maxReceives ?? IN_PROCESS_MAX_RECEIVES;
  const redeliverAfterMs = opts.redeliverAfterMs ?? 1000;
  return {
    async send(items) {
      const queue = items.map((item) => ({
        body: JSON.stringify(item),
        messageId: `${opts.name}-${++sent}`,
        receives: 0,
      }));
      const failures: unknown[] = [];
      /** Messages waiting to be delivered again (the workers wait for them). */
      let waiting = 0;
      const worker = async () => {
        for (;;) {
          const m = queue.shift();
          if (!m) {
            if (!waiting) return;
            await new Promise((r) => setTimeout(r, 20));
            continue;
          }
          m.receives++;
          try {
            await consume(m.body, m.messageId);
          } catch (err) {
            opts.onError?.(m.messageId, err);
            if (err instanceof RetryLater && m.receives < maxReceives) {
              waiting++;
              setTimeout(() => {
                waiting--;
                queue.push(m);
              }, redeliverAfterMs * m.receives);
            } else failures.push(err);
          }
        }
      };
      const n = Math.min(opts.concurrency ?? 4, queue.length);
      await Promise.all(Array.from({ length: n }, worker));
      if (failures.length) {
        throw new Error(`${failures.length} of ${items.length} ${opts.name} messages failed`, {
          cause: failures[0],
        });
      }
    },
  };
}

/**
 * Consumers known in this process, by queue name, for queues whose consumer code is too heavy for every
 * bundle to carry (the report mails build workbooks): the module that produces the work registers its
 * consumer, and the in-process queue of shared/deps.ts finds it there when a message arrives. In AWS the
 * queue is SQS and the worker's own bundle consumes it.
 */
type Consumer = (deps: unknown, body: string, messageId: string) => Promise<void>;
const consumers = new Map<string, Consumer>();

/** `consume` gets the container of the queue that received the message (shared/deps.ts). */
export function registerConsumer(name: string, consume: Consumer) {
  consumers.set(name, consume);
}

export function registeredConsumer(name: string): Consumer {
  const consume = consumers.get(name);
  if (!consume) throw new Error(`No consumer of the ${name} queue is registered in this process`);
  return consume;
}
