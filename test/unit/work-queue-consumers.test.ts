import { describe, expect, it } from 'vitest';
import { inProcessQueue, registerConsumer, registeredConsumer } from '../../shared/work-queue.js';

// Unit tier: the consumers a module registers for the in-process queues of shared/deps.ts.
describe('registered consumers', () => {
  it('a queue with no registered consumer fails its messages, naming the queue', async () => {
    const queue = inProcessQueue((body, id) => registeredConsumer('nobody-test')({}, body, id), {
      name: 'nobody-test',
    });

    await expect(queue.send([{ n: 1 }])).rejects.toThrow(/1 of 1 nobody-test messages failed/);
    expect(() => registeredConsumer('nobody-test')).toThrow(/No consumer of the nobody-test queue/);
  });

  it('a registered consumer gets the queue’s container and each message body', async () => {
    const got: [unknown, string][] = [];
    registerConsumer('echo-test', async (deps, body) => void got.push([deps, body]));
    const container = { name: 'the container' };
    const queue = inProcessQueue((body, id) => registeredConsumer('echo-test')(container, body, id), {
      name: 'echo-test',
    });

    await queue.send([{ n: 1 }, { n: 2 }]);

    expect(got).toEqual([
      [container, '{"n":1}'],
      [container, '{"n":2}'],
    ]);
  });
});
