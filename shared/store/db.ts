import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type * as z from 'zod';
import { BadRequest, ConcurrentChange, Conflict, type ConflictKind } from '../domain/errors.js';
import { documentClient } from './client.js';
import { type IndexName, table, tableName } from './table.js';

export type Item = Record<string, unknown> & { pk: string; sk: string };
export interface Key {
  pk: string;
  sk: string;
}

/**
 * One element of an all-or-nothing write. `conflict` is the 409 detail when its condition fails, and
 * `conflictKind` its kind (by default: a taken key is a duplicate, a replaced version a concurrent change,
 * any other condition a state conflict).
 */
export type WriteAction = WriteActionBody & { conflictKind?: ConflictKind };
type WriteActionBody =
  | { kind: 'create'; item: Item; conflict: string }
  | { kind: 'replace'; item: Item & { version: number }; expectedVersion: number; conflict: string }
  | { kind: 'put'; item: Item }
  | {
      kind: 'update';
      key: Key;
      set: Record<string, unknown>;
      add?: Record<string, number>;
      condition?: { expression: string; values?: Record<string, unknown>; names?: Record<string, string> };
      conflict: string;
    }
  | { kind: 'check'; key: Key; expression: string; values?: Record<string, unknown>; conflict: string }
  | {
      /**
       * An update written as a DynamoDB UpdateExpression (for atomic counters: `ADD spentFen :amt`, nested
       * paths such as `spendByDate.#d`), under `condition` (default: the item exists).
       */
      kind: 'updateExpression';
      key: Key;
      update: string;
      condition?: string;
      names?: Record<string, string>;
      values?: Record<string, unknown>;
      conflict: string;
    };

/** The outcome of `tryWrite`: written, or the indexes of the actions whose condition failed (nothing written). */
export type WriteOutcome = { ok: true } | { ok: false; failed: number[] };

/** How long `write` keeps retrying a transaction DynamoDB cancelled for a concurrent transaction on an item. */
const TRANSACTION_CONFLICT_DEADLINE_MS = 5_000;

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface QuerySpec {
  index?: IndexName;
  pk: string;
  /** Sort key prefix, or an inclusive range. */
  skBeginsWith?: string;
  skBetween?: [string, string];
  limit?: number;
  nextToken?: string;
  newestFirst?: boolean;
  /** Equality filters applied after the key condition (pages may then be shorter than `limit`). */
  filter?: Record<string, string | number>;
  /**
   * Only these attributes (paths such as `budget.approvedFen`) are read: a ProjectionExpression. The key
   * attributes of the table and the index are always read too (paging needs them).
   */
  projection?: readonly string[];
}

/** A ProjectionExpression of `paths` (dotted, each segment a placeholder name) and its attribute names. */
export function projectionOf(paths: readonly string[]): {
  expression: string;
  names: Record<string, string>;
} {
  const placeholders = new Map<string, string>();
  const names: Record<string, string> = {};
  const name = (segment: string) => {
    let p = placeholders.get(segment);
    if (!p) {
      p = `#p${placeholders.size}`;
      placeholders.set(segment, p);
      names[p] = segment;
    }
    return p;
  };
  const expression = [...new Set(paths)].map((path) => path.split('.').map(name).join('.')).join(', ');
  return { expression, names };
}

/** The store: reads validate what comes back with zod; writes are transactions (state + audit together). */
export class Db {
  constructor(
    private readonly client: DynamoDBDocumentClient = documentClient(),
    readonly name: string = tableName(),
    private readonly opts: { transactionConflictDeadlineMs?: number } = {},
  ) {}

  async get<S extends z.ZodType>(key: Key, schema: S): Promise<z.infer<S> | undefined> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.name, Key: { pk: key.pk, sk: key.sk }, ConsistentRead: true }),
    );
    return out.Item ? schema.parse(out.Item) : undefined;
  }

  async query<S extends z.ZodType>(spec: QuerySpec, schema: S): Promise<Page<z.infer<S>>> {
    const idx = spec.index ? table.indexes.find((i) => i.name === spec.index)! : undefined;
    const pkName = idx?.partitionKey ?? table.partitionKey;
    const skName = idx?.sortKey ?? table.sortKey;
    const keyNames = [...new Set([table.partitionKey, table.sortKey, ...(idx ? [pkName, skName] : [])])];
    const limit = spec.limit ?? 50;
    const filtered = spec.filter && Object.keys(spec.filter).length > 0;
    const input: QueryCommandInput = {
      TableName: this.name,
      IndexName: spec.index,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': pkName },
      ExpressionAttributeValues: { ':pk': spec.pk },
      // One more than asked, so the last page is known to be the last (no token that leads to nothing).
      Limit: filtered ? limit : limit + 1,
      ScanIndexForward: !spec.newestFirst,
      ExclusiveStartKey: spec.nextToken
        ? decodeNextToken(spec.nextToken, keyNames, pkName, spec.pk, {
            skName,
            beginsWith: spec.skBeginsWith,
            between: spec.skBetween,
          })
        : undefined,
    };
    if (spec.skBeginsWith !== undefined) {
      input.KeyConditionExpression += ' AND begins_with(#sk, :sk)';
      input.ExpressionAttributeNames!['#sk'] = skName;
      input.ExpressionAttributeValues![':sk'] = spec.skBeginsWith;
    } else if (spec.skBetween) {
      input.KeyConditionExpression += ' AND #sk BETWEEN :from AND :to';
      input.ExpressionAttributeNames!['#sk'] = skName;
      input.ExpressionAttributeValues![':from'] = spec.skBetween[0];
      input.ExpressionAttributeValues![':to'] = spec.skBetween[1];
    }
    const filters = Object.entries(spec.filter ?? {}).map(([name, value], i) => {
      input.ExpressionAttributeNames![`#f${i}`] = name;
      input.ExpressionAttributeValues![`:f${i}`] = value;
      return `#f${i} = :f${i}`;
    });
    if (filters.length) input.FilterExpression = filters.join(' AND ');
    if (spec.projection) {
      const projection = projectionOf([...keyNames, ...spec.projection]);
      input.ProjectionExpression = projection.expression;
      Object.assign(input.ExpressionAttributeNames!, projection.names);
    }
    const out = await this.client.send(new QueryCommand(input));
    const items = out.Items ?? [];
    if (filtered) {
      // A filtered page may be short; DynamoDB's own last key is the honest continuation.
      return {
        items: items.map((i) => schema.parse(i)),
        nextToken: out.LastEvaluatedKey ? encodeNextToken(out.LastEvaluatedKey) : undefined,
      };
    }
    const page = items.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((i) => schema.parse(i)),
      // A page DynamoDB cut short at 1 MB (fewer items than asked, a LastEvaluatedKey) continues from there.
      nextToken:
        items.length > limit && last
          ? encodeNextToken(Object.fromEntries(keyNames.map((k) => [k, last[k]])))
          : out.LastEvaluatedKey && items.length <= limit
            ? encodeNextToken(out.LastEvaluatedKey)
            : undefined,
    };
  }

  /** Every page of a Query in turn (`limit` is the page size): for work that must see the whole list. */
  async *pages<S extends z.ZodType>(
    spec: Omit<QuerySpec, 'nextToken'>,
    schema: S,
  ): AsyncGenerator<z.infer<S>[]> {
    let nextToken: string | undefined;
    do {
      const page = await this.query({ ...spec, nextToken }, schema);
      yield page.items;
      nextToken = page.nextToken;
    } while (nextToken);
  }

  /** Every item of a Query, page by page. */
  async all<S extends z.ZodType>(spec: Omit<QuerySpec, 'nextToken'>, schema: S): Promise<z.infer<S>[]> {
    const out: z.infer<S>[] = [];
    for await (const items of this.pages(spec, schema)) out.push(...items);
    return out;
  }

  /**
   * Reads many items by key (consistent reads, 100 keys a request, retrying what DynamoDB leaves
   * unprocessed); the answer is in the order of `keys`, undefined where there is no item.
   */
  async batchGet<S extends z.ZodType>(
    keys: Key[],
    schema: S,
    opts: { projection?: readonly string[] } = {},
  ): Promise<(z.infer<S> | undefined)[]> {
    return (await this.batchGetItems(keys, opts)).map((item) => (item ? schema.parse(item) : undefined));
  }

  /** The items of `keys` as stored (BatchGetItem, see batchGet), in the order of `keys`. */
  private async batchGetItems(
    keys: Key[],
    opts: { projection?: readonly string[] } = {},
  ): Promise<(Record<string, unknown> | undefined)[]> {
    const found = new Map<string, Record<string, unknown>>();
    const id = (k: { pk: unknown; sk: unknown }) => `${k.pk}\u0000${k.sk}`;
    const unique = [...new Map(keys.map((k) => [id(k), { pk: k.pk, sk: k.sk }])).values()];
    const projection =
      opts.projection && projectionOf([table.partitionKey, table.sortKey, ...opts.projection]);
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Record<string, unknown>[] = unique.slice(i, i + 100);
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt > 8) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
        if (attempt) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
        const out = await this.client.send(
          new BatchGetCommand({
            RequestItems: {
              [this.name]: {
                Keys: pending,
                ConsistentRead: true,
                ProjectionExpression: projection?.expression,
                ExpressionAttributeNames: projection?.names,
              },
            },
          }),
        );
        for (const item of out.Responses?.[this.name] ?? []) found.set(id(item as Key), item);
        pending = out.UnprocessedKeys?.[this.name]?.Keys ?? [];
      }
    }
    return keys.map((k) => found.get(id(k)));
  }

  /**
   * Reads a few items of different kinds by key in ONE round trip (a consistent BatchGetItem), each parsed
   * with its own schema; undefined where there is no item. For a reply made of several items whose keys are
   * known up front (a project and its monitoring snapshot), instead of one GetItem after the other.
   */
  async getEach<const R extends readonly { key: Key; schema: z.ZodType }[]>(
    reads: R,
  ): Promise<{ -readonly [I in keyof R]: z.infer<R[I]['schema']> | undefined }> {
    const items = await this.batchGetItems(reads.map((r) => r.key));
    return reads.map((r, i) => (items[i] ? r.schema.parse(items[i]) : undefined)) as {
      -readonly [I in keyof R]: z.infer<R[I]['schema']> | undefined;
    };
  }

  /**
   * Puts many items, 25 a request (`concurrency` requests at a time, default one after another), retrying
   * what DynamoDB leaves unprocessed. Not a transaction.
   */
  async batchPut(items: Item[], opts: { concurrency?: number } = {}): Promise<void> {
    const chunks: Item[][] = [];
    for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
    const writer = async () => {
      for (let chunk = chunks.shift(); chunk; chunk = chunks.shift()) {
        let requests = chunk.map((Item) => ({ PutRequest: { Item } }));
        for (let attempt = 0; requests.length; attempt++) {
          if (attempt > 8) throw new Error(`BatchWriteItem left ${requests.length} items unprocessed`);
          if (attempt) await new Promise((r) => setTimeout(r, 25 * 2 ** attempt));
          const out = await this.client.send(
            new BatchWriteCommand({ RequestItems: { [this.name]: requests } }),
          );
          requests = (out.UnprocessedItems?.[this.name] ?? []) as typeof requests;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 1, chunks.length) }, writer));
  }

  /** A single put; with `ifNotExists`, a 409 with `conflict` when the key is taken. */
  async put(item: Item, opts: { ifNotExists?: string } = {}): Promise<void> {
    await this.write([
      opts.ifNotExists ? { kind: 'create', item, conflict: opts.ifNotExists } : { kind: 'put', item },
    ]);
  }

  async delete(key: Key): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.name, Key: key }));
  }

  /**
   * Writes every action or none (one DynamoDB transaction). A failed condition becomes a 409: a
   * ConcurrentChange when a `replace` found another version (or the transaction collided), else a Conflict.
   */
  async write(actions: WriteAction[]): Promise<void> {
    const out = await this.tryWrite(actions);
    if (!out.ok) {
      const failed = out.failed.map((i) => actions[i]!);
      const action = failed[0];
      const detail = action && 'conflict' in action ? action.conflict : 'A condition of the write failed';
      // A version check that failed means the state moved since it was read: a ConcurrentChange (retried by
      // shared/app/retry.ts); any other failed condition is a duplicate or a state conflict, a plain 409.
      if (failed.some((a) => a.kind === 'replace' || a.conflictKind === 'concurrent-change')) {
        throw new ConcurrentChange(detail);
      }
      const kind: ConflictKind =
        action?.conflictKind ?? (action?.kind === 'create' ? 'duplicate' : 'state-conflict');
      throw new Conflict(detail, undefined, kind);
    }
  }

  /**
   * Writes every action or none, and says which conditions failed instead of throwing, so a caller can
   * tell one refusal from another (a known voucher from a project over budget). A transaction that
   * DynamoDB cancels because another transaction held one of its items at that moment (nothing was
   * written) is sent again after a jittered, growing pause, for up to 5 seconds.
   */
  async tryWrite(actions: WriteAction[]): Promise<WriteOutcome> {
    const input: TransactWriteCommandInput = { TransactItems: actions.map((a) => this.toTransactItem(a)) };
    const deadline =
      Date.now() + (this.opts.transactionConflictDeadlineMs ?? TRANSACTION_CONFLICT_DEADLINE_MS);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand(input));
        return { ok: true };
      } catch (err) {
        if (
          !(err instanceof TransactionCanceledException) &&
          (err as Error).name !== 'TransactionCanceledException'
        ) {
          throw err;
        }
        const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
        if (failed.length) return { ok: false, failed };
        if (!reasons.some((r) => r.Code === 'TransactionConflict')) throw err;
        if (Date.now() >= deadline) {
          throw new ConcurrentChange(
            'Another change to the same record happened at the same moment; try again',
          );
        }
        // Full jitter: a random pause up to 10 ms · 2^attempt (at most 400 ms), so retries spread out.
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(400, 10 * 2 ** attempt)));
      }
    }
  }

  private toTransactItem(a: WriteAction): NonNullable<TransactWriteCommandInput['TransactItems']>[number] {
    const TableName = this.name;
    switch (a.kind) {
      case 'create':
        return { Put: { TableName, Item: a.item, ConditionExpression: 'attribute_not_exists(pk)' } };
      case 'put':
        return { Put: { TableName, Item: a.item } };
      case 'replace':
        return {
          Put: {
            TableName,
            Item: a.item,
            ConditionExpression: 'version = :expected',
            ExpressionAttributeValues: { ':expected': a.expectedVersion },
          },
        };
      case 'check':
        return {
          ConditionCheck: {
            TableName,
            Key: a.key,
            ConditionExpression: a.expression,
            ExpressionAttributeValues: a.values,
          },
        };
      case 'updateExpression':
        return {
          Update: {
            TableName,
            Key: a.key,
            UpdateExpression: a.update,
            ConditionExpression: a.condition ?? 'attribute_exists(pk)',
            ExpressionAttributeNames: a.names && Object.keys(a.names).length ? a.names : undefined,
            ExpressionAttributeValues: a.values && Object.keys(a.values).length ? a.values : undefined,
          },
        };
      case 'update': {
        const names: Record<string, string> = { ...a.condition?.names };
        const values: Record<string, unknown> = { ...a.condition?.values };
        const sets = Object.entries(a.set).map(([k, v], i) => {
          names[`#s${i}`] = k;
          values[`:s${i}`] = v;
          return `#s${i} = :s${i}`;
        });
        const adds = Object.entries(a.add ?? {}).map(([k, v], i) => {
          names[`#a${i}`] = k;
          values[`:a${i}`] = v;
          return `#a${i} :a${i}`;
        });
        const expression = [
          sets.length ? `SET ${sets.join(', ')}` : '',
          adds.length ? `ADD ${adds.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join(' ');
        return {
          Update: {
            TableName,
            Key: a.key,
            UpdateExpression: expression,
            ConditionExpression: a.condition?.expression ?? 'attribute_exists(pk)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
          },
        };
      }
    }
  }
}

/** An opaque paging token: the last key, base64url-encoded. It is only valid for the list it came from. */
export function encodeNextToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key range of a query, which a token's sort key must lie in. */
export interface SortKeyRange {
  skName: string;
  beginsWith?: string;
  between?: [string, string];
}

/**
 * The key a token names, if it is exactly a key of this list: the key attributes of the table (and the
 * index), strings of at most 1024 characters, the query's own partition key, and a sort key inside the
 * query's own range (begins_with or between). Anything else is a 400: DynamoDB never sees it.
 */
export function decodeNextToken(
  token: string,
  keyNames: string[],
  pkName: string,
  pk: string,
  range?: SortKeyRange,
): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const names = key && typeof key === 'object' && !Array.isArray(key) ? Object.keys(key) : [];
    const exact =
      names.length === keyNames.length &&
      keyNames.every((k) => Object.hasOwn(key, k) && typeof key[k] === 'string' && key[k].length <= 1024);
    const sk = range ? key?.[range.skName] : undefined;
    const inRange =
      !range ||
      (typeof sk === 'string' &&
        (range.beginsWith === undefined || sk.startsWith(range.beginsWith)) &&
        (range.between === undefined || (sk >= range.between[0] && sk <= range.between[1])));
    if (exact && key[pkName] === pk && inRange) return key;
  } catch {
    // fall through: any undecodable token is the same client error
  }
  throw invalidNextToken();
}

/** The 400 of a paging token that is not one this list gave. */
export function invalidNextToken(): BadRequest {
  return new BadRequest('nextToken is not valid for this list', [
    {
      path: 'nextToken',
      message: 'use the nextToken of the previous page of the same list',
      messages: {
        'zh-CN': '请使用同一列表上一页返回的 nextToken',
        en: 'use the nextToken of the previous page of the same list',
      },
    },
  ]);
}
