import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ConcurrentChange } from '../../shared/domain/errors.js';
import { Db, projectionOf } from '../../shared/store/db.js';

// Unit tier: what the sweep asks of the Db — projections, parallel batch writes, a versioned update —
// against a faked document client (no network).
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const db = new Db(doc, 't', { transactionConflictDeadlineMs: 0 });

afterEach(() => {
  dynamo.reset();
});

describe('projectionOf', () => {
  it('names each path segment once, dotted paths included', () => {
    expect(projectionOf(['id', 'budget.approvedFen', 'budget.approvedAt', 'name', 'id'])).toEqual({
      expression: '#p0, #p1.#p2, #p1.#p3, #p4',
      names: { '#p0': 'id', '#p1': 'budget', '#p2': 'approvedFen', '#p3': 'approvedAt', '#p4': 'name' },
    });
  });
});

describe('Db.query with a projection', () => {
  it('reads the projected attributes and the key attributes paging needs', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [{ name: 'a' }] });

    await db.query(
      { index: 'gsi1', pk: 'DEPT#D', skBeginsWith: '2026#executing#', projection: ['name'] },
      z.object({ name: z.string() }),
    );

    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    const names = input.ExpressionAttributeNames!;
    const projected = input.ProjectionExpression!.split(', ').map((p) => names[p]);
    expect(projected).toEqual(['pk', 'sk', 'gsi1pk', 'gsi1sk', 'name']);
    expect(input.KeyConditionExpression).toBe('#pk = :pk AND begins_with(#sk, :sk)');
  });
});

describe('Db.batchGet with a projection', () => {
  it('reads only the keys and the projected attributes', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { t: [{ pk: 'P', sk: 'S', digest: 'd' }] } });

    const out = await db.batchGet([{ pk: 'P', sk: 'S' }], z.object({ digest: z.string() }), {
      projection: ['digest'],
    });

    const asked = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.t!;
    expect(asked.ProjectionExpression).toBe('#p0, #p1, #p2');
    expect(asked.ExpressionAttributeNames).toEqual({ '#p0': 'pk', '#p1': 'sk', '#p2': 'digest' });
    expect(out).toEqual([{ digest: 'd' }]);
  });
});

describe('Db.batchPut with concurrency', () => {
  it('has up to that many requests of 25 in flight at once, and writes every item once', async () => {
    let inFlight = 0;
    let most = 0;
    const written: string[] = [];
    dynamo.on(BatchWriteCommand).callsFake(async (input) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      for (const r of input.RequestItems.t) written.push(r.PutRequest.Item.sk);
      inFlight--;
      return {};
    });
    const items = Array.from({ length: 110 }, (_, i) => ({ pk: 'P', sk: `S${i}` }));

    await db.batchPut(items, { concurrency: 3 });

    expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(5);
    expect(most).toBe(3);
    expect(written.sort()).toEqual(items.map((i) => i.sk).sort());
  });
});

describe('Db.write of an update marked as a version check', () => {
  it('raises a ConcurrentChange when its condition fails', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }],
      }),
    );

    const write = db.write([
      {
        kind: 'update',
        key: { pk: 'PROJECT#P', sk: 'PROJECT' },
        set: { updatedAt: 'now' },
        add: { version: 1 },
        condition: { expression: '#v = :v', names: { '#v': 'version' }, values: { ':v': 3 } },
        conflict: 'changed meanwhile',
        conflictKind: 'concurrent-change',
      },
    ]);

    await expect(write).rejects.toBeInstanceOf(ConcurrentChange);
  });
});
