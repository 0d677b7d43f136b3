// Typed access to the parts of dynalite 4.0.0 that the transaction layer reuses.
//
// dynalite is CommonJS and untyped, and these modules are internals, not its public API: that is why
// package.json pins dynalite exactly. The types below declare only what this layer touches.
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);
// dynalite's own dependencies are resolved from its directory, not from ours.
const requireFromDynalite = createRequire(requireHere.resolve('dynalite'));

/** An attribute value in DynamoDB JSON, e.g. `{ S: 'x' }` or `{ N: '1' }`. */
export type AttributeValue = Record<string, unknown>;
/** An item (or a key) in DynamoDB JSON. */
export type Item = Record<string, AttributeValue>;

/** The JSON error body dynalite (and DynamoDB) send. SerializationException spells it `Message`. */
export interface ErrorBody {
  __type: string;
  message?: string;
  Message?: string;
}

/** dynalite signals client errors as an Error with the HTTP status and body attached. */
export interface DynaliteError extends Error {
  statusCode?: number;
  body?: ErrorBody;
}

export type Callback<T> = (err?: DynaliteError | null, result?: T) => void;

interface KeySchemaElement {
  AttributeName: string;
  KeyType: 'HASH' | 'RANGE';
}

export interface TableDescription {
  TableName: string;
  KeySchema: KeySchemaElement[];
  AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
  GlobalSecondaryIndexes?: unknown[];
  LocalSecondaryIndexes?: unknown[];
}

/** What the `lock` package hands to a lock holder: wraps a callback so that calling it releases. */
export type Releaser = (done: () => void) => () => void;

/** The `lock` package's lock (one per sub-database): a key, or an array of keys taken together. */
export type LockFn = (keys: string | string[], exec: (release: Releaser) => void) => void;

/** A prefixed view of the one LevelDB (a table's items, or one index), as dynalite builds it. */
export interface SubDb {
  get(key: string, cb: Callback<Item | undefined>): void;
  put(key: string, value: unknown, cb: Callback<void>): void;
  del(key: string, cb: Callback<void>): void;
  lock: LockFn;
}

export interface BatchOperation {
  type: 'put' | 'del';
  key: string;
  value?: unknown;
}

/** The store `dynalite/db`'s `create` returns; `db` is the single LevelDB under every sub-database. */
export interface Store {
  options: { maxItemSize: number };
  db: {
    batch(ops: BatchOperation[], cb: (err?: Error | null) => void): void;
    open(): Promise<void>;
    close(cb: (err?: Error | null) => void): void;
  };
  getTable(name: string, cb: Callback<TableDescription>): void;
  getItemDb(tableName: string): SubDb;
  getIndexDb(indexType: string, tableName: string, indexName: string): SubDb;
}

/** The parsed request of a single-item operation, after dynalite's validation (`_condition` etc.). */
export type OperationData = Record<string, unknown>;

export interface ActionResult {
  ConsumedCapacity?: { CapacityUnits: number };
}

export type Action = (store: Store, data: OperationData, cb: Callback<ActionResult>) => void;

interface DbModule {
  create(options: object): Store;
  createKey(item: Item, table: TableDescription): string;
  validateKey(key: Item, table: TableDescription): DynaliteError | undefined;
  validateItem(item: Item, table: TableDescription): DynaliteError | undefined;
  validateUpdates(
    attributeUpdates: unknown,
    expressionUpdates: unknown,
    table: TableDescription,
  ): DynaliteError | undefined;
  validateKeyPaths(nestedPaths: unknown, table: TableDescription): DynaliteError | undefined;
  checkConditional(data: OperationData, existingItem: Item | undefined): DynaliteError | null | undefined;
  capacityUnits(item: Item | undefined, isRead: boolean, isConsistent: boolean): number;
  mapPaths(paths: unknown, item: Item): Item;
}

interface ValidationsModule {
  checkTypes(data: OperationData, types: object): OperationData;
  checkValidations(data: OperationData, types: object, custom: unknown, store: Store): void;
}

/** A `dynalite/validations/<operation>` module. */
export interface OperationValidation {
  types: object;
  custom: unknown;
}

export type DynaliteFactory = (options: object) => Server;

export const dynalite = requireHere('dynalite') as DynaliteFactory;
export const dynaliteDb = requireHere('dynalite/db') as DbModule;
export const validations = requireHere('dynalite/validations') as ValidationsModule;

export const operationValidations = {
  putItem: requireHere('dynalite/validations/putItem') as OperationValidation,
  updateItem: requireHere('dynalite/validations/updateItem') as OperationValidation,
  deleteItem: requireHere('dynalite/validations/deleteItem') as OperationValidation,
  getItem: requireHere('dynalite/validations/getItem') as OperationValidation,
};

export const actions = {
  putItem: requireHere('dynalite/actions/putItem') as Action,
  updateItem: requireHere('dynalite/actions/updateItem') as Action,
  deleteItem: requireHere('dynalite/actions/deleteItem') as Action,
};

/** The CRC32 dynalite puts in `x-amz-crc32`, so our responses carry the same header. */
export const crc32 = requireFromDynalite('buffer-crc32') as { unsigned(input: string | Buffer): number };
