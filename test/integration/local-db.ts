// Integration tier helper: a real local DynamoDB (dynalite with transactions, in this process, in memory,
// on a random port) and a fresh table of the declared shape for each test, so tests never share items.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { type LocalDynamo, startDynamo } from '../../infra/local/dynamodb.js';
import { ensureTable, localDynamoClient } from '../../infra/local/table.js';
import { Db } from '../../shared/store/db.js';

export interface LocalDb {
  /** A Db on a new, empty table. */
  freshDb(): Promise<Db>;
  close(): Promise<void>;
}

export async function startLocalDb(): Promise<LocalDb> {
  const dynamo: LocalDynamo = await startDynamo({});
  const client = localDynamoClient(dynamo.endpoint);
  // The same marshalling options as the production client (shared/store/client.ts).
  const doc = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return {
    async freshDb() {
      const name = `test-${randomUUID()}`;
      await ensureTable(client, name);
      await waitUntilActive(client, name);
      return new Db(doc, name);
    },
    async close() {
      client.destroy();
      await dynamo.close();
    },
  };
}

/** dynalite makes a table ACTIVE on a 0 ms timer; wait for it (and its indexes) before the first write. */
async function waitUntilActive(client: DynamoDBClient, name: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`table ${name} did not become ACTIVE`);
}

/**
 * Registers a test file's hooks (call it at the top level): one local DynamoDB for the file, closed after it,
 * and a Db on a fresh table before each test, handed to `use`.
 */
export function useFreshDb(use: (db: Db) => void): void {
  let local: LocalDb | undefined;
  beforeAll(async () => {
    local = await startLocalDb();
  });
  afterAll(async () => {
    await local?.close();
  });
  beforeEach(async () => {
    use(await local!.freshDb());
  });
}
