import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BadRequest, Conflict } from '../../shared/domain/errors.js';
import { Db, decodeNextToken, encodeNextToken, type WriteAction } from '../../shared/store/db.js';

// Unit tier: the document client is faked (no network), so DynamoDB's failures can be produced at will.
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const db = new Db(doc, 'test-table');

afterEach(() => {
  dynamo.reset();
});

const createDept: WriteAction = {
  kind: 'create',
  item: { pk: 'DEPT#D-EDU', sk: 'DEPT', id: 'D-EDU' },
  conflict: 'Department D-EDU already exists',
};
const replaceAgency: WriteAction = {
  kind: 'replace',
  item: { pk: 'AGENCY#A-01', sk: 'AGENCY', id: 'A-01', version: 3 },
  expectedVersion: 2,
  conflict: 'Agency A-01 was changed by someone else meanwhile',
};

function canceled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

describe('Db.write', () => {
  it('sends all actions as one transaction, in order', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await db.write([createDept, replaceAgency]);

    const [call] = dynamo.commandCalls(TransactWriteCommand);
    expect(call?.args[0].input.TransactItems?.map((t) => t.Put?.Item?.pk)).toEqual([
      'DEPT#D-EDU',
      'AGENCY#A-01',
    ]);
  });

  it('guards a creation with attribute_not_exists(pk)', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await db.write([createDept]);

    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
    expect(put).toMatchObject({ TableName: 'test-table', ConditionExpression: 'attribute_not_exists(pk)' });
  });

  it('guards a replacement with the version it was based on', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    await db.write([replaceAgency]);

    const put = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Put;
    expect(put).toMatchObject({
      ConditionExpression: 'version = :expected',
      ExpressionAttributeValues: { ':expected': 2 },
    });
  });

  it("turns a cancelled transaction into a Conflict carrying the failing action's message", async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('None', 'ConditionalCheckFailed'));

    const err = await errorOf(db.write([createDept, replaceAgency]));

    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).detail).toBe('Agency A-01 was changed by someone else meanwhile');
  });

  it('sends a transaction cancelled by a concurrent transaction again, until it goes through', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(canceled('None', 'TransactionConflict'))
      .rejectsOnce(canceled('TransactionConflict', 'None'))
      .resolves({});

    await db.write([createDept, replaceAgency]);

    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });

  it('turns a transaction conflict that outlasts the deadline into a Conflict', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('None', 'TransactionConflict'));
    const impatient = new Db(doc, 'test-table', { transactionConflictDeadlineMs: 30 });

    const err = await errorOf(impatient.write([createDept, replaceAgency]));

    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).detail).toMatch(/at the same moment/);
  });

  it('lets a throttling error through unchanged (it is not a client error)', async () => {
    const throttled = new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} });
    dynamo.on(TransactWriteCommand).rejects(throttled);

    const err = await errorOf(db.write([createDept]));

    expect(err).toBe(throttled);
  });

  it('lets a cancellation for another reason (a validation error) through unchanged', async () => {
    const invalid = canceled('ValidationError');
    dynamo.on(TransactWriteCommand).rejects(invalid);

    const err = await errorOf(db.write([createDept]));

    expect(err).toBe(invalid);
  });
});

describe('Db.tryWrite', () => {
  it('names every action whose condition failed, and writes nothing', async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejects(canceled('ConditionalCheckFailed', 'None', 'ConditionalCheckFailed'));

    const out = await db.tryWrite([createDept, replaceAgency, createDept]);

    expect(out).toEqual({ ok: false, failed: [0, 2] });
  });

  it('sends an update expression as it is, with its condition', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    const out = await db.tryWrite([
      {
        kind: 'updateExpression',
        key: { pk: 'P', sk: 'P' },
        update: 'ADD spentFen :a',
        condition: 'spentFen <= :max',
        values: { ':a': 5, ':max': 10 },
        conflict: 'over',
      },
    ]);

    expect(out).toEqual({ ok: true });
    const update = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems?.[0]?.Update;
    expect(update).toMatchObject({
      Key: { pk: 'P', sk: 'P' },
      UpdateExpression: 'ADD spentFen :a',
      ConditionExpression: 'spentFen <= :max',
      ExpressionAttributeValues: { ':a': 5, ':max': 10 },
    });
    expect(update?.ExpressionAttributeNames).toBeUndefined();
  });
});

describe('Db.put', () => {
  it('with ifNotExists, answers a taken key with a Conflict naming it', async () => {
    dynamo.on(TransactWriteCommand).rejects(canceled('ConditionalCheckFailed'));

    const err = await errorOf(db.put({ pk: 'X', sk: 'Y' }, { ifNotExists: 'X is taken' }));

    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).detail).toBe('X is taken');
  });
});

describe('paging tokens', () => {
  const lastKey = { pk: 'AUDIT#D-EDU', sk: '2026-01-01T00:00:00.000Z#abc' };

  it('round-trip the last key', () => {
    expect(decodeNextToken(encodeNextToken(lastKey), ['pk', 'sk'], 'pk', 'AUDIT#D-EDU')).toEqual(lastKey);
  });

  it('are opaque (url-safe, no JSON visible)', () => {
    expect(encodeNextToken(lastKey)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse a token of another partition with a BadRequest on nextToken', () => {
    const err = errorOfSync(() =>
      decodeNextToken(encodeNextToken(lastKey), ['pk', 'sk'], 'pk', 'AUDIT#D-HEALTH'),
    );

    expect(err).toBeInstanceOf(BadRequest);
    expect((err as BadRequest).errors?.[0]?.path).toBe('nextToken');
  });

  it('refuse garbage with a BadRequest on nextToken', () => {
    const err = errorOfSync(() => decodeNextToken('not a token!', ['pk', 'sk'], 'pk', 'AUDIT#D-EDU'));

    expect(err).toBeInstanceOf(BadRequest);
    expect((err as BadRequest).errors?.[0]?.path).toBe('nextToken');
  });

  it('refuse a token that decodes to JSON but not to a key', () => {
    const token = Buffer.from('null').toString('base64url');

    expect(() => decodeNextToken(token, ['pk', 'sk'], 'pk', 'AUDIT#D-EDU')).toThrow(BadRequest);
  });

  it('of another list are refused by Db.query before DynamoDB is asked', async () => {
    const token = encodeNextToken({ pk: 'AUDIT#D-EDU', sk: 'x' });

    const err = await errorOf(db.query({ pk: 'AUDIT#D-HEALTH', nextToken: token }, z.unknown()));

    expect(err).toBeInstanceOf(BadRequest);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it("whose sort key lies outside the query's begins_with range are refused before DynamoDB is asked", async () => {
    // The right partition, but a sort key of another list in it (the project item beside its vouchers).
    const token = encodeNextToken({ pk: 'PROJECT#P-1', sk: 'PROJECT' });

    const err = await errorOf(
      db.query({ pk: 'PROJECT#P-1', skBeginsWith: 'EXP#', nextToken: token }, z.unknown()),
    );

    expect(err).toBeInstanceOf(BadRequest);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it("whose sort key lies outside the query's between range are refused", async () => {
    const token = encodeNextToken({ pk: 'P', sk: '2027-01-01' });

    const err = await errorOf(
      db.query({ pk: 'P', skBetween: ['2026-01-01', '2026-12-31'], nextToken: token }, z.unknown()),
    );

    expect(err).toBeInstanceOf(BadRequest);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });

  it('inside the range, on an index, are handed to DynamoDB as the start key', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const key = { pk: 'PROJECT#P-1', sk: 'PROJECT', gsi1pk: 'DEPT#D-EDU', gsi1sk: 'PROJECT#2026#P-1' };

    await db.query(
      { index: 'gsi1', pk: 'DEPT#D-EDU', skBeginsWith: 'PROJECT#2026', nextToken: encodeNextToken(key) },
      z.unknown(),
    );

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.ExclusiveStartKey).toEqual(key);
  });

  it('with a key attribute longer than DynamoDB takes are refused', () => {
    const token = encodeNextToken({ pk: 'P', sk: 'x'.repeat(5000) });

    expect(() => decodeNextToken(token, ['pk', 'sk'], 'pk', 'P')).toThrow(BadRequest);
  });

  it('are handed back by Db.query when more items exist than asked, and are absent on the last page', async () => {
    const item = z.object({ pk: z.string(), sk: z.string(), n: z.number() });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [
          { pk: 'P', sk: '1', n: 1 },
          { pk: 'P', sk: '2', n: 2 },
        ],
      })
      .resolvesOnce({ Items: [{ pk: 'P', sk: '2', n: 2 }] });

    const first = await db.query({ pk: 'P', limit: 1 }, item);
    const second = await db.query({ pk: 'P', limit: 1, nextToken: first.nextToken }, item);

    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.Limit).toBe(2);
    expect(dynamo.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
      pk: 'P',
      sk: '1',
    });
    expect(first.items).toEqual([{ pk: 'P', sk: '1', n: 1 }]);
    expect(second).toEqual({ items: [{ pk: 'P', sk: '2', n: 2 }], nextToken: undefined });
  });
});

function errorOfSync(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}
