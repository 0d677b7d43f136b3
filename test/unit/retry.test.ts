// The one retry of a read-modify-write (shared/app/retry.ts): a ConcurrentChange — what Db.write raises when
// a `replace` finds another version — is retried on a fresh read with jittered exponential pauses until the
// deadline, then becomes a plain 409; every other error, a real 409 above all, goes out at once.
import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { retryOnConcurrentChange } from '../../shared/app/retry.js';
import { ConcurrentChange, Conflict, NotFound } from '../../shared/domain/errors.js';
import { problemBody } from '../../shared/http/problem.js';
import { Db, type WriteAction } from '../../shared/store/db.js';
import { errorOf } from '../support/errors.js';

/** A clock that only moves when the helper sleeps, and a record of the pauses. */
function fakeTime(random = () => 1) {
  let t = 0;
  const pauses: number[] = [];
  return {
    pauses,
    opts: {
      clock: () => t,
      sleep: async (ms: number) => {
        pauses.push(ms);
        t += ms;
      },
      random,
    },
  };
}

describe('retryOnConcurrentChange', () => {
  it('runs the attempt again after a ConcurrentChange and returns what the next attempt returns', async () => {
    const time = fakeTime();
    const seen: number[] = [];

    const out = await retryOnConcurrentChange(async (n) => {
      seen.push(n);
      if (n < 3) throw new ConcurrentChange('Project P1 was changed by someone else meanwhile');
      return 'written';
    }, time.opts);

    expect(out).toBe('written');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('pauses with exponential bounds (20, 40, 80 … ms, at most 500) scaled by the jitter', async () => {
    const time = fakeTime(() => 0.5);
    let n = 0;

    await retryOnConcurrentChange(async () => {
      if (++n <= 7) throw new ConcurrentChange('moved');
    }, time.opts);

    expect(time.pauses).toEqual([10, 20, 40, 80, 160, 250, 250]);
  });

  it('gives up at the deadline with a plain 409 Conflict of the type concurrent-change that says someone else changed it', async () => {
    const time = fakeTime();
    let attempts = 0;

    const err = await errorOf(
      retryOnConcurrentChange(
        async () => {
          attempts++;
          throw new ConcurrentChange('moved');
        },
        { ...time.opts, deadlineMs: 3_000, what: 'Clawback recommendation C-1' },
      ),
    );

    expect(err).toBeInstanceOf(Conflict);
    expect(err).not.toBeInstanceOf(ConcurrentChange); // an outer retry does not start over
    expect((err as Conflict).status).toBe(409);
    // its own kind, so a portal tells "retry" from a real state conflict
    expect((err as Conflict).kind).toBe('concurrent-change');
    expect(problemBody(err as Conflict).type).toBe('/problems/concurrent-change');
    expect((err as Conflict).detail).toBe(
      'Clawback recommendation C-1 was changed by someone else meanwhile; reload it and try again',
    );
    // 20+40+80+160+320+500+500+500+500 = 2,620 ms slept; the next pause would cross 3 s
    expect(time.pauses.reduce((a, b) => a + b, 0)).toBeLessThan(3_000);
    expect(attempts).toBe(time.pauses.length + 1);
    expect(attempts).toBeGreaterThan(5);
  });

  it('never retries a real 409: a state conflict the domain found goes out on the first attempt', async () => {
    const time = fakeTime();
    let attempts = 0;
    const real = new Conflict('The recommendation is accepted already');

    const err = await errorOf(
      retryOnConcurrentChange(async () => {
        attempts++;
        throw real;
      }, time.opts),
    );

    expect(err).toBe(real);
    expect(problemBody(real).type).toBe('/problems/state-conflict');
    expect(attempts).toBe(1);
    expect(time.pauses).toEqual([]);
  });

  it('lets every other error through at once (404, a throttle)', async () => {
    const missing = new NotFound('Project P9');
    const throttled = new Error('Rate exceeded');

    expect(await errorOf(retryOnConcurrentChange(async () => Promise.reject(missing)))).toBe(missing);
    expect(await errorOf(retryOnConcurrentChange(async () => Promise.reject(throttled)))).toBe(throttled);
  });
});

describe('Db.write and the helper together (the document client faked)', () => {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
  const dynamo = mockClient(doc);
  const db = new Db(doc, 'test-table');
  afterEach(() => dynamo.reset());

  const canceled = (...codes: string[]) =>
    new TransactionCanceledException({
      message: 'Transaction cancelled',
      $metadata: { httpStatusCode: 400 },
      CancellationReasons: codes.map((Code) => ({ Code })),
    });
  const counter = z.object({ pk: z.string(), sk: z.string(), version: z.int(), n: z.int() });
  const key = { pk: 'COUNTER#1', sk: 'COUNTER' };
  const replace = (before: z.infer<typeof counter>): WriteAction => ({
    kind: 'replace',
    item: { ...key, version: before.version + 1, n: before.n + 1 },
    expectedVersion: before.version,
    conflict: 'Counter 1 was changed by someone else meanwhile',
  });

  it('a replace whose version check fails is a ConcurrentChange; a failed create stays a plain Conflict', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed'));
    const stale = await errorOf(db.write([replace({ ...key, version: 1, n: 0 })]));
    const taken = await errorOf(db.write([{ kind: 'create', item: key, conflict: 'Counter 1 exists' }]));

    expect(stale).toBeInstanceOf(ConcurrentChange);
    expect(taken).toBeInstanceOf(Conflict);
    expect(taken).not.toBeInstanceOf(ConcurrentChange);
  });

  it('re-reads after a lost race and writes on the fresh version', async () => {
    dynamo
      .on(GetCommand)
      .resolvesOnce({ Item: { ...key, version: 1, n: 0 } })
      .resolves({ Item: { ...key, version: 2, n: 5 } });
    dynamo.on(TransactWriteCommand).rejectsOnce(canceled('ConditionalCheckFailed')).resolves({});

    const written = await retryOnConcurrentChange(
      async () => {
        const before = (await db.get(key, counter))!;
        await db.write([replace(before)]);
        return before.n + 1;
      },
      { sleep: async () => undefined },
    );

    expect(written).toBe(6);
    const writes = dynamo
      .commandCalls(TransactWriteCommand)
      .map((c) => c.args[0].input.TransactItems?.[0]?.Put);
    expect(writes.map((p) => p?.ExpressionAttributeValues?.[':expected'])).toEqual([1, 2]);
    expect(writes[1]?.Item).toMatchObject({ version: 3, n: 6 });
  });
});
