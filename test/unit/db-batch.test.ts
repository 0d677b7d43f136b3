import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { Db } from '../../shared/store/db.js';

// Unit tier: Db.batchGet and a query page cut at 1 MB, against a faked document client (no network).
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const db = new Db(doc, 't');
const item = z.object({ pk: z.string(), sk: z.string(), n: z.int() });

afterEach(() => {
  dynamo.reset();
});

describe('Db.batchGet', () => {
  it('answers in the order of the keys, undefined for missing ones, 100 keys a request', async () => {
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: 'P', sk: `S${i}` }));
    dynamo.on(BatchGetCommand).callsFake((input) => {
      const asked = input.RequestItems.t.Keys as { pk: string; sk: string }[];
      return {
        Responses: { t: asked.filter((k) => k.sk !== 'S3').map((k) => ({ ...k, n: Number(k.sk.slice(1)) })) },
      };
    });

    const out = await db.batchGet(keys, item);

    expect(
      dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.t!.Keys!.length),
    ).toEqual([100, 50]);
    expect(dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!.t!.ConsistentRead).toBe(true);
    expect(out).toHaveLength(150);
    expect(out[3]).toBeUndefined();
    expect(out[149]).toEqual({ pk: 'P', sk: 'S149', n: 149 });
  });

  it('asks again for the keys DynamoDB left unprocessed', async () => {
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [{ pk: 'P', sk: 'A', n: 1 }] },
        UnprocessedKeys: { t: { Keys: [{ pk: 'P', sk: 'B' }] } },
      })
      .resolvesOnce({ Responses: { t: [{ pk: 'P', sk: 'B', n: 2 }] } });

    const out = await db.batchGet(
      [
        { pk: 'P', sk: 'A' },
        { pk: 'P', sk: 'B' },
      ],
      item,
    );

    expect(out.map((i) => i?.n)).toEqual([1, 2]);
    expect(dynamo.commandCalls(BatchGetCommand)[1]!.args[0].input.RequestItems!.t!.Keys).toEqual([
      { pk: 'P', sk: 'B' },
    ]);
  });
});

describe('Db.query', () => {
  it('continues a page DynamoDB cut short at 1 MB (fewer items than asked) from its LastEvaluatedKey', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [{ pk: 'P', sk: 'A', n: 1 }],
      LastEvaluatedKey: { pk: 'P', sk: 'A' },
    });

    const page = await db.query({ pk: 'P', limit: 10 }, item);

    expect(page.items).toHaveLength(1);
    expect(page.nextToken).toBeDefined();
  });
});
