// Conformance of the local DynamoDB's transactions (infra/local/dynamodb.ts) with AWS's semantics and
// wire format, exercised through the real AWS SDK v3 against dynalite started in this process.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AttributeValue,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../infra/local/dynamodb.js';

const TABLE = 'transactions-test';
const GSI = 'gsi1';

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
        { AttributeName: 'gsi1pk', AttributeType: 'S' },
        { AttributeName: 'gsi1sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: GSI,
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await waitUntilActive(client, tableName);
}

/** dynalite flips the table to ACTIVE on a timer (0 ms here); the SDK waiter would poll every 20 s. */
async function waitUntilActive(client: DynamoDBClient, tableName: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every(
      (index) => index.IndexStatus === 'ACTIVE',
    );
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** Awaits a promise that must reject and returns its error, so assertions can look inside it. */
async function errorOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

function reasonCodes(err: unknown): (string | undefined)[] {
  if (!(err instanceof TransactionCanceledException)) throw err;
  return (err.CancellationReasons ?? []).map((reason) => reason.Code);
}

const s = (value: string): AttributeValue => ({ S: value });

describe('local DynamoDB transactions', () => {
  let dynamo: LocalDynamo;
  let client: DynamoDBClient;
  let doc: DynamoDBDocumentClient;

  /** A partition of its own for each test, so tests never see each other's items. */
  const newPk = () => `T#${randomUUID()}`;
  const keyOf = (pk: string, sk: string) => ({ pk: s(pk), sk: s(sk) });
  const getItem = async (pk: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true }))).Item;

  beforeAll(async () => {
    dynamo = await startDynamo({});
    client = clientFor(dynamo.endpoint);
    doc = DynamoDBDocumentClient.from(client);
    await createTable(client, TABLE);
  });

  afterAll(async () => {
    client?.destroy();
    await dynamo?.close();
  });

  describe('TransactWriteItems', () => {
    it('applies Put, Update, Delete and ConditionCheck together', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'updated', status: 'draft' } }));
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'deleted' } }));
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'checked', open: true } }));

      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { ...keyOf(pk, 'created'), note: s('new') } } },
            {
              Update: {
                TableName: TABLE,
                Key: keyOf(pk, 'updated'),
                UpdateExpression: 'SET #status = :submitted',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':submitted': s('submitted') },
              },
            },
            { Delete: { TableName: TABLE, Key: keyOf(pk, 'deleted') } },
            {
              ConditionCheck: {
                TableName: TABLE,
                Key: keyOf(pk, 'checked'),
                ConditionExpression: '#open = :true',
                ExpressionAttributeNames: { '#open': 'open' },
                ExpressionAttributeValues: { ':true': { BOOL: true } },
              },
            },
          ],
        }),
      );

      expect(await getItem(pk, 'created')).toEqual({ pk, sk: 'created', note: 'new' });
      expect(await getItem(pk, 'updated')).toEqual({ pk, sk: 'updated', status: 'submitted' });
      expect(await getItem(pk, 'deleted')).toBeUndefined();
      expect(await getItem(pk, 'checked')).toEqual({ pk, sk: 'checked', open: true });
    });

    it('writes nothing and reports a reason per item when one condition fails', async () => {
      const pk = newPk();

      const err = await errorOf(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: keyOf(pk, 'would-be-written') } },
              {
                ConditionCheck: {
                  TableName: TABLE,
                  Key: keyOf(pk, 'missing'),
                  ConditionExpression: 'attribute_exists(pk)',
                },
              },
            ],
          }),
        ),
      );

      expect(err).toBeInstanceOf(TransactionCanceledException);
      expect(reasonCodes(err)).toEqual(['None', 'ConditionalCheckFailed']);
      expect(err.message).toBe(
        'Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]',
      );
      expect(await getItem(pk, 'would-be-written')).toBeUndefined();
    });

    it('returns the current item in the cancellation reason when ALL_OLD is asked for', async () => {
      const pk = newPk();
      await doc.send(
        new PutCommand({ TableName: TABLE, Item: { pk, sk: 'project', status: 'open', budget: 100 } }),
      );

      const err = await errorOf(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: keyOf(pk, 'project'),
                  UpdateExpression: 'SET budget = :budget',
                  ConditionExpression: '#status = :closed',
                  ExpressionAttributeNames: { '#status': 'status' },
                  ExpressionAttributeValues: { ':budget': { N: '200' }, ':closed': s('closed') },
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        ),
      );

      expect(err).toBeInstanceOf(TransactionCanceledException);
      expect((err as unknown as TransactionCanceledException).CancellationReasons).toEqual([
        {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
          Item: { pk: s(pk), sk: s('project'), status: s('open'), budget: { N: '100' } },
        },
      ]);
    });

    it('evaluates update expressions with SET, ADD and if_not_exists', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'counter', count: 1 } }));

      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk, sk: 'counter' },
                UpdateExpression:
                  'SET createdBy = if_not_exists(createdBy, :me), label = :label ADD #count :two, tags :tags',
                ExpressionAttributeNames: { '#count': 'count' },
                ExpressionAttributeValues: {
                  ':me': 'alice',
                  ':label': 'budget',
                  ':two': 2,
                  ':tags': new Set(['a']),
                },
              },
            },
          ],
        }),
      );

      expect(await getItem(pk, 'counter')).toEqual({
        pk,
        sk: 'counter',
        count: 3,
        createdBy: 'alice',
        label: 'budget',
        tags: new Set(['a']),
      });
    });

    it('keeps an existing value under if_not_exists', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'owner', createdBy: 'bob' } }));

      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk, sk: 'owner' },
                UpdateExpression: 'SET createdBy = if_not_exists(createdBy, :me)',
                ExpressionAttributeValues: { ':me': 'alice' },
              },
            },
          ],
        }),
      );

      expect((await getItem(pk, 'owner'))?.createdBy).toBe('bob');
    });

    it('maintains the global secondary index for transacted items', async () => {
      const pk = newPk();
      const gsi1pk = `DEPT#${randomUUID()}`;

      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk, sk: 'a', gsi1pk, gsi1sk: '2024-01-01' } } },
            { Put: { TableName: TABLE, Item: { pk, sk: 'b', gsi1pk, gsi1sk: '2024-02-01' } } },
          ],
        }),
      );

      const { Items } = await doc.send(
        new QueryCommand({
          TableName: TABLE,
          IndexName: GSI,
          KeyConditionExpression: 'gsi1pk = :dept',
          ExpressionAttributeValues: { ':dept': gsi1pk },
        }),
      );
      expect(Items?.map((item) => item.sk)).toEqual(['a', 'b']);
    });

    it('moves the index entry when a transacted update changes the index key', async () => {
      const pk = newPk();
      const [before, after] = [`DEPT#${randomUUID()}`, `DEPT#${randomUUID()}`];
      await doc.send(
        new PutCommand({ TableName: TABLE, Item: { pk, sk: 'moved', gsi1pk: before, gsi1sk: 'x' } }),
      );

      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk, sk: 'moved' },
                UpdateExpression: 'SET gsi1pk = :after',
                ExpressionAttributeValues: { ':after': after },
              },
            },
          ],
        }),
      );

      const queryIndex = (gsi1pk: string) =>
        doc.send(
          new QueryCommand({
            TableName: TABLE,
            IndexName: GSI,
            KeyConditionExpression: 'gsi1pk = :dept',
            ExpressionAttributeValues: { ':dept': gsi1pk },
          }),
        );
      expect((await queryIndex(before)).Items).toEqual([]);
      expect((await queryIndex(after)).Items?.map((item) => item.sk)).toEqual(['moved']);
    });

    it('rejects more than 100 items with a ValidationException', async () => {
      const pk = newPk();
      const items: TransactWriteItem[] = Array.from({ length: 101 }, (_, index) => ({
        Put: { TableName: TABLE, Item: keyOf(pk, `item-${index}`) },
      }));

      const err = await errorOf(client.send(new TransactWriteItemsCommand({ TransactItems: items })));

      expect(err.name).toBe('ValidationException');
      expect(err.message).toMatch(/less than or equal to 100/);
      expect(await getItem(pk, 'item-0')).toBeUndefined();
    });

    it('rejects two actions on one item with a ValidationException', async () => {
      const pk = newPk();

      const err = await errorOf(
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: keyOf(pk, 'same') } },
              {
                ConditionCheck: {
                  TableName: TABLE,
                  Key: keyOf(pk, 'same'),
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        ),
      );

      expect(err.name).toBe('ValidationException');
      expect(err.message).toBe('Transaction request cannot include multiple operations on one item');
      expect(await getItem(pk, 'same')).toBeUndefined();
    });

    it('accepts a ClientRequestToken', async () => {
      const pk = newPk();

      await client.send(
        new TransactWriteItemsCommand({
          ClientRequestToken: randomUUID(),
          TransactItems: [{ Put: { TableName: TABLE, Item: keyOf(pk, 'tokened') } }],
        }),
      );

      expect(await getItem(pk, 'tokened')).toEqual({ pk, sk: 'tokened' });
    });
  });

  describe('concurrency', () => {
    /** A versioned state change plus its audit record, guarded by the version it expects. */
    const advanceVersion = (pk: string, expected: number, writer: string) =>
      doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: { pk, sk: 'state' },
                UpdateExpression: 'SET version = :next, lastWriter = :writer',
                ConditionExpression: 'version = :expected',
                ExpressionAttributeValues: {
                  ':next': expected + 1,
                  ':expected': expected,
                  ':writer': writer,
                },
              },
            },
            { Put: { TableName: TABLE, Item: { pk, sk: `audit#${expected + 1}#${writer}`, writer } } },
          ],
        }),
      );

    it('lets exactly one of two conflicting transactions win, 20 times in a row', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'state', version: 0 } }));
      const winners: string[] = [];

      for (let version = 0; version < 20; version++) {
        const results = await Promise.allSettled([
          advanceVersion(pk, version, 'left'),
          advanceVersion(pk, version, 'right'),
        ]);
        const fulfilled = results.flatMap((result, index) =>
          result.status === 'fulfilled' ? [index === 0 ? 'left' : 'right'] : [],
        );
        const rejected = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        expect(fulfilled).toHaveLength(1);
        expect(rejected.map(reasonCodes)).toEqual([['ConditionalCheckFailed', 'None']]);
        winners.push(fulfilled[0] ?? '');
      }

      const state = await getItem(pk, 'state');
      expect(state).toMatchObject({ version: 20, lastWriter: winners[19] });
      const { Items } = await doc.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :audit)',
          ExpressionAttributeValues: { ':pk': pk, ':audit': 'audit#' },
        }),
      );
      expect(Items?.map((item) => item.writer).sort()).toEqual([...winners].sort());
    });

    it('loses no update when plain and transactional ADDs on one counter interleave', async () => {
      const pk = newPk();
      await client.send(
        new PutItemCommand({ TableName: TABLE, Item: { ...keyOf(pk, 'counter'), count: { N: '0' } } }),
      );
      const increment = {
        UpdateExpression: 'ADD #count :one',
        ExpressionAttributeNames: { '#count': 'count' },
      };
      const plainAdd = () =>
        client.send(
          new UpdateItemCommand({
            TableName: TABLE,
            Key: keyOf(pk, 'counter'),
            ...increment,
            ExpressionAttributeValues: { ':one': { N: '1' } },
          }),
        );
      const transactionalAdd = (index: number) =>
        client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: keyOf(pk, 'counter'),
                  ...increment,
                  ExpressionAttributeValues: { ':one': { N: '1' } },
                },
              },
              { Put: { TableName: TABLE, Item: keyOf(pk, `log#${index}`) } },
            ],
          }),
        );

      const results = await Promise.allSettled(
        Array.from({ length: 120 }, (_, index) => (index % 2 === 0 ? plainAdd() : transactionalAdd(index))),
      );

      const succeeded = results.filter((result) => result.status === 'fulfilled').length;
      expect(succeeded).toBeGreaterThan(0);
      expect((await getItem(pk, 'counter'))?.count).toBe(succeeded);
    });
  });

  describe('TransactGetItems', () => {
    it('returns the items in request order, with {} for a missing item', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'first', n: 1 } }));
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'third', n: 3 } }));

      const { Responses } = await client.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: TABLE, Key: keyOf(pk, 'third') } },
            { Get: { TableName: TABLE, Key: keyOf(pk, 'missing') } },
            { Get: { TableName: TABLE, Key: keyOf(pk, 'first') } },
          ],
        }),
      );

      expect(Responses).toEqual([
        { Item: { pk: s(pk), sk: s('third'), n: { N: '3' } } },
        {},
        { Item: { pk: s(pk), sk: s('first'), n: { N: '1' } } },
      ]);
    });

    it('reads a consistent snapshot while transactions move value between two items', async () => {
      const pk = newPk();
      await doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: { pk, sk: 'from', amount: 100 } } },
            { Put: { TableName: TABLE, Item: { pk, sk: 'to', amount: 0 } } },
          ],
        }),
      );
      const move = (amount: number) =>
        doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk, sk: 'from' },
                  UpdateExpression: 'ADD amount :minus',
                  ExpressionAttributeValues: { ':minus': -amount },
                },
              },
              {
                Update: {
                  TableName: TABLE,
                  Key: { pk, sk: 'to' },
                  UpdateExpression: 'ADD amount :plus',
                  ExpressionAttributeValues: { ':plus': amount },
                },
              },
            ],
          }),
        );
      const readTotal = async () => {
        const { Responses } = await client.send(
          new TransactGetItemsCommand({
            TransactItems: [
              { Get: { TableName: TABLE, Key: keyOf(pk, 'from') } },
              { Get: { TableName: TABLE, Key: keyOf(pk, 'to') } },
            ],
          }),
        );
        return (Responses ?? []).reduce((sum, response) => sum + Number(response.Item?.amount?.N), 0);
      };

      const [, totals] = await Promise.all([
        Promise.all(Array.from({ length: 30 }, (_, index) => move(index + 1))),
        Promise.all(Array.from({ length: 30 }, readTotal)),
      ]);

      expect(new Set(totals)).toEqual(new Set([100]));
    });

    it('applies a projection expression', async () => {
      const pk = newPk();
      await doc.send(new PutCommand({ TableName: TABLE, Item: { pk, sk: 'wide', keep: 'yes', drop: 'no' } }));

      const { Responses } = await client.send(
        new TransactGetItemsCommand({
          TransactItems: [
            { Get: { TableName: TABLE, Key: keyOf(pk, 'wide'), ProjectionExpression: 'keep' } },
          ],
        }),
      );

      expect(Responses).toEqual([{ Item: { keep: s('yes') } }]);
    });
  });

  describe('server lifecycle', () => {
    it('keeps transacted writes across a restart on the same path', async () => {
      const path = await mkdtemp(join(tmpdir(), 'dynamo-local-'));
      try {
        const first = await startDynamo({ path });
        const firstClient = clientFor(first.endpoint);
        await createTable(firstClient, TABLE);
        await firstClient.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              { Put: { TableName: TABLE, Item: { ...keyOf('P', 'kept'), note: s('durable') } } },
            ],
          }),
        );
        firstClient.destroy();
        await first.close();

        const second = await startDynamo({ path });
        const secondClient = clientFor(second.endpoint);
        const { Item } = await secondClient.send(
          new GetItemCommand({ TableName: TABLE, Key: keyOf('P', 'kept') }),
        );
        secondClient.destroy();
        await second.close();

        expect(Item).toEqual({ ...keyOf('P', 'kept'), note: s('durable') });
      } finally {
        await rm(path, { recursive: true, force: true });
      }
    });

    it('rejects with a clear message when the port is already in use', async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const { port } = blocker.address() as { port: number };
      try {
        await expect(startDynamo({ port })).rejects.toThrow(
          `port ${port} is already in use (DynamoDB local)`,
        );
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    });
  });
});
