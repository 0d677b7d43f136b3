// TransactWriteItems and TransactGetItems for dynalite, which has neither.
//
// The layer runs in dynalite's process and works on dynalite's own store, so it reuses dynalite's code
// wherever it can and adds only what a transaction needs:
// - each element is validated by dynalite's validator for the matching single-item operation;
// - the items are locked with dynalite's own per-item locks (the ones PutItem/UpdateItem/DeleteItem
//   take), so ordinary writes and transactions are serialised against each other;
// - conditions are checked with dynalite's `checkConditional`;
// - the real putItem/updateItem/deleteItem actions run against a copy of the store whose
//   sub-databases record their writes (items and index entries) instead of applying them;
// - dynalite keeps every table and index as key prefixes of ONE LevelDB, so the recorded writes are
//   committed as one `batch()`: atomic across items, tables and indexes, also across a crash.
//
// Differences from AWS, on purpose: a conflicting transaction waits for the lock instead of failing
// with TransactionConflictException; `ClientRequestToken` is accepted and ignored (no idempotency
// window); ItemCollectionMetrics are not returned; ConsumedCapacity is an approximation (twice the
// single-item units, as DynamoDB charges transactions).
import {
  type ActionResult,
  actions,
  type BatchOperation,
  type Callback,
  type DynaliteError,
  dynaliteDb,
  type ErrorBody,
  type Item,
  type OperationData,
  type OperationValidation,
  operationValidations,
  type Releaser,
  type Store,
  type SubDb,
  type TableDescription,
  validations,
} from './dynalite-internals.js';

/** AWS's limit on the number of elements of one transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

const DYNAMODB_ERROR_PREFIX = 'com.amazonaws.dynamodb.v20120810#';

/** An HTTP reply for the router: status code and JSON body. */
export interface TransactionReply {
  statusCode: number;
  body: object;
}

/** A client error that ends the request with its status and body (no retry will fix it). */
class ClientError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: ErrorBody & { CancellationReasons?: readonly CancellationReason[] },
  ) {
    super(body.message ?? body.Message ?? body.__type);
  }
}

function validationError(message: string): ClientError {
  return new ClientError(400, { __type: `${DYNAMODB_ERROR_PREFIX}ValidationException`, message });
}

/**
 * Turns an error dynalite returned or threw into our ClientError. Validation errors get the one
 * ValidationException type this layer answers with; others (ResourceNotFound, Serialization) pass as is.
 */
function fromDynaliteError(err: DynaliteError): ClientError {
  if (!err.statusCode || !err.body) throw err;
  if (err.body.__type.endsWith('#ValidationException')) {
    return validationError(err.body.message ?? err.message);
  }
  return new ClientError(err.statusCode, err.body);
}

function isDynaliteClientError(err: unknown): err is DynaliteError & { body: ErrorBody } {
  return err instanceof Error && typeof (err as DynaliteError).statusCode === 'number';
}

/** Runs one transaction handler and turns client errors into their reply; other errors propagate. */
async function replyOf(work: () => Promise<object>): Promise<TransactionReply> {
  try {
    return { statusCode: 200, body: await work() };
  } catch (err) {
    if (err instanceof ClientError) return { statusCode: err.statusCode, body: err.body };
    if (isDynaliteClientError(err)) {
      const clientError = fromDynaliteError(err);
      return { statusCode: clientError.statusCode, body: clientError.body };
    }
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Callback helpers over dynalite's store
// ---------------------------------------------------------------------------------------------

function fromCallback<T>(start: (cb: Callback<T>) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    start((err, result) => (err ? reject(err) : resolve(result)));
  });
}

async function getTable(store: Store, tableName: string): Promise<TableDescription> {
  const table = await fromCallback<TableDescription>((cb) => store.getTable(tableName, cb));
  if (!table) throw new Error(`dynalite returned no description for table ${tableName}`);
  return table;
}

/** Reads one item; `undefined` when absent (level 10 answers so; older levels raised NotFoundError). */
async function readItem(itemDb: SubDb, key: string): Promise<Item | undefined> {
  try {
    return await fromCallback<Item | undefined>((cb) => itemDb.get(key, cb));
  } catch (err) {
    if (err instanceof Error && err.name === 'NotFoundError') return undefined;
    throw err;
  }
}

function commitBatch(store: Store, ops: BatchOperation[]): Promise<void> {
  return new Promise((resolve, reject) => {
    store.db.batch(ops, (err) => (err ? reject(err) : resolve()));
  });
}

// ---------------------------------------------------------------------------------------------
// Request shape and per-element validation
// ---------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the `TransactItems` list: present, 1 to 100 elements, each an object. */
function transactItemsOf(request: unknown): JsonObject[] {
  const items = isObject(request) ? request.TransactItems : undefined;
  if (items == null) {
    return failValidation(
      "1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!Array.isArray(items) || !items.every(isObject)) {
    throw validationError("Value at 'transactItems' must be a list of objects");
  }
  if (items.length < 1) {
    return failValidation(
      "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy constraint: " +
        'Member must have length greater than or equal to 1',
    );
  }
  if (items.length > MAX_TRANSACTION_ITEMS) {
    return failValidation(
      "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: " +
        `Member must have length less than or equal to ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  return items;
}

function failValidation(message: string): never {
  throw validationError(message);
}

function pick(source: JsonObject, members: readonly string[]): JsonObject {
  const picked: JsonObject = {};
  for (const member of members) {
    if (source[member] !== undefined) picked[member] = source[member];
  }
  return picked;
}

/**
 * Validates one element with dynalite's validator for the single-item operation it resembles.
 * The input is deep-copied: `checkTypes` deletes members from what it is given, and the parsed
 * expressions it attaches (`_condition`, `_updates`) are single-use (updateItem mutates them).
 */
function validateAs(store: Store, validation: OperationValidation, input: JsonObject): OperationData {
  try {
    const data = validations.checkTypes(structuredClone(input), validation.types);
    validations.checkValidations(data, validation.types, validation.custom, store);
    return data;
  } catch (err) {
    if (isDynaliteClientError(err)) throw fromDynaliteError(err);
    throw err;
  }
}

/** Caches table descriptions for one request: a transaction usually touches one table many times. */
function tableLookup(store: Store): (tableName: string) => Promise<TableDescription> {
  const tables = new Map<string, Promise<TableDescription>>();
  return (tableName) => {
    let table = tables.get(tableName);
    if (!table) {
      table = getTable(store, tableName);
      tables.set(tableName, table);
    }
    return table;
  };
}

/** One item the transaction touches, resolved to dynalite's storage key. */
interface ItemTarget {
  tableName: string;
  /** dynalite's key of the item inside its table's sub-database (also its lock key). */
  key: string;
}

function throwIfInvalid(invalid: DynaliteError | null | undefined): void {
  if (invalid) throw fromDynaliteError(invalid);
}

/** AWS refuses a transaction that names one item twice; dynalite's lock would also never acquire it. */
function rejectDuplicateItems(targets: readonly ItemTarget[]): void {
  const seen = new Set<string>();
  for (const { tableName, key } of targets) {
    const id = `${tableName}\u0000${key}`;
    if (seen.has(id))
      throw validationError('Transaction request cannot include multiple operations on one item');
    seen.add(id);
  }
}

// ---------------------------------------------------------------------------------------------
// Locks
// ---------------------------------------------------------------------------------------------

function acquire(subDb: SubDb, keys: string[]): Promise<() => void> {
  return new Promise((resolve) => {
    subDb.lock(keys, (release: Releaser) => resolve(release(() => {})));
  });
}

/**
 * Runs `work` while holding dynalite's per-item locks on every target. Keys are taken as one array
 * lock per table (the `lock` package queues all keys of one call at once) and tables in sorted order,
 * so two transactions can never wait on each other in a cycle. Duplicates must be rejected before.
 */
async function withItemLocks<T>(
  store: Store,
  targets: readonly ItemTarget[],
  work: () => Promise<T>,
): Promise<T> {
  const keysByTable = new Map<string, string[]>();
  for (const { tableName, key } of targets) {
    keysByTable.set(tableName, [...(keysByTable.get(tableName) ?? []), key]);
  }
  const releases: (() => void)[] = [];
  try {
    for (const tableName of [...keysByTable.keys()].sort()) {
      releases.push(await acquire(store.getItemDb(tableName), keysByTable.get(tableName) ?? []));
    }
    return await work();
  } finally {
    for (const release of releases.reverse()) release();
  }
}

// ---------------------------------------------------------------------------------------------
// Consumed capacity
// ---------------------------------------------------------------------------------------------

interface TableUnits {
  tableName: string;
  units: number;
}

/** Transactions cost twice the units of the equivalent single-item operations. */
const TRANSACTION_COST_FACTOR = 2;

function wantsCapacity(mode: unknown): boolean {
  return mode === 'TOTAL' || mode === 'INDEXES';
}

function consumedCapacity(mode: unknown, used: readonly TableUnits[]): object[] {
  const byTable = new Map<string, number>();
  for (const { tableName, units } of used) {
    byTable.set(tableName, (byTable.get(tableName) ?? 0) + units * TRANSACTION_COST_FACTOR);
  }
  return [...byTable].map(([TableName, CapacityUnits]) => ({
    TableName,
    CapacityUnits,
    ...(mode === 'INDEXES' ? { Table: { CapacityUnits } } : {}),
  }));
}

// ---------------------------------------------------------------------------------------------
// TransactWriteItems
// ---------------------------------------------------------------------------------------------

type WriteKind = 'Put' | 'Update' | 'Delete' | 'ConditionCheck';

const COMMON_MEMBERS = [
  'TableName',
  'ConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
] as const;

/**
 * How each element kind maps to dynalite: the validator and action of the single-item operation it
 * resembles, the members AWS allows in it, and those it requires. A ConditionCheck is validated as a
 * conditional DeleteItem (same members) and runs no action.
 */
const WRITE_KINDS: Record<
  WriteKind,
  { validation: OperationValidation; members: readonly string[]; required: readonly string[] }
> = {
  Put: { validation: operationValidations.putItem, members: [...COMMON_MEMBERS, 'Item'], required: [] },
  Update: {
    validation: operationValidations.updateItem,
    members: [...COMMON_MEMBERS, 'Key', 'UpdateExpression'],
    required: ['UpdateExpression'],
  },
  Delete: { validation: operationValidations.deleteItem, members: [...COMMON_MEMBERS, 'Key'], required: [] },
  ConditionCheck: {
    validation: operationValidations.deleteItem,
    members: [...COMMON_MEMBERS, 'Key'],
    required: ['ConditionExpression'],
  },
};

const WRITE_ACTIONS = {
  Put: actions.putItem,
  Update: actions.updateItem,
  Delete: actions.deleteItem,
} as const;

/** One validated element of a TransactWriteItems request. */
interface PlannedWrite extends ItemTarget {
  kind: WriteKind;
  /** dynalite's parsed request for the single-item operation (single use: see validateAs). */
  data: OperationData;
  returnOldOnFailure: boolean;
}

interface CancellationReason {
  Code: string;
  Message?: string;
  Item?: Item;
}

function writeKindOf(element: JsonObject): WriteKind {
  const kinds = (Object.keys(WRITE_KINDS) as WriteKind[]).filter((kind) => element[kind] != null);
  if (kinds.length !== 1 || !kinds[0]) {
    throw validationError('TransactItems can only contain one of Check, Put, Update or Delete');
  }
  return kinds[0];
}

function returnOldOnFailure(operation: JsonObject, position: string): boolean {
  const value = operation.ReturnValuesOnConditionCheckFailure;
  if (value == null || value === 'NONE') return false;
  if (value === 'ALL_OLD') return true;
  throw validationError(
    `1 validation error detected: Value '${String(value)}' at '${position}.returnValuesOnConditionCheckFailure' ` +
      'failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]',
  );
}

function requireMembers(operation: JsonObject, required: readonly string[], position: string): void {
  for (const member of required) {
    if (operation[member] == null) {
      const path = `${position}.${member[0]?.toLowerCase()}${member.slice(1)}`;
      throw validationError(
        `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
      );
    }
  }
}

/** Validates one element and resolves its table and item key, before any lock is taken. */
async function planWrite(
  store: Store,
  tableOf: (tableName: string) => Promise<TableDescription>,
  element: JsonObject,
  index: number,
  capacityMode: unknown,
): Promise<PlannedWrite> {
  const kind = writeKindOf(element);
  const operation = element[kind];
  const position = `transactItems.${index + 1}.member.${kind[0]?.toLowerCase()}${kind.slice(1)}`;
  if (!isObject(operation)) throw validationError(`Value at '${position}' must be an object`);
  const { validation, members, required } = WRITE_KINDS[kind];
  requireMembers(operation, required, position);
  const returnOld = returnOldOnFailure(operation, position);

  const input = pick(operation, members);
  // Asking the action for its capacity lets it size old and new item the way dynalite does.
  if (wantsCapacity(capacityMode)) input.ReturnConsumedCapacity = 'TOTAL';
  const data = validateAs(store, validation, input);

  const tableName = data.TableName as string;
  const table = await tableOf(tableName);
  const keySource = kind === 'Put' ? (data.Item as Item) : (data.Key as Item);
  throwIfInvalid(
    kind === 'Put' ? dynaliteDb.validateItem(keySource, table) : dynaliteDb.validateKey(keySource, table),
  );
  if (kind === 'Update') throwIfInvalid(dynaliteDb.validateUpdates(undefined, data._updates, table));

  return {
    kind,
    tableName,
    key: dynaliteDb.createKey(keySource, table),
    data,
    returnOldOnFailure: returnOld,
  };
}

/** The condition check for one element against the item as it is now (under lock). */
function conditionReason(write: PlannedWrite, existing: Item | undefined): CancellationReason {
  const failed = dynaliteDb.checkConditional(write.data, existing);
  if (!failed) return { Code: 'None' };
  return {
    Code: 'ConditionalCheckFailed',
    Message: failed.body?.message ?? 'The conditional request failed',
    ...(write.returnOldOnFailure && existing ? { Item: existing } : {}),
  };
}

function transactionCanceled(reasons: readonly CancellationReason[]): ClientError {
  const codes = reasons.map((reason) => reason.Code).join(', ');
  return new ClientError(400, {
    __type: `${DYNAMODB_ERROR_PREFIX}TransactionCanceledException`,
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`,
    CancellationReasons: reasons,
  });
}

function failedAny(reasons: readonly CancellationReason[]): boolean {
  return reasons.some((reason) => reason.Code !== 'None');
}

/**
 * A sub-database that reads through to the real one but records writes as batch operations with
 * dynalite's full LevelDB key (`<sub-database name>~<key>`, as dynalite's `getSubDb` prefixes them).
 */
function recordingSubDb(real: SubDb, subDbName: string, ops: BatchOperation[]): SubDb {
  const prefix = `${subDbName}~`;
  return {
    get: (key, cb) => real.get(key, cb),
    put: (key, value, cb) => {
      ops.push({ type: 'put', key: prefix + key, value });
      setImmediate(cb);
    },
    del: (key, cb) => {
      ops.push({ type: 'del', key: prefix + key });
      setImmediate(cb);
    },
    // The transaction already holds these items' locks; taking them again would wait on itself.
    lock: (_keys, exec) => exec((done) => done),
  };
}

/** A copy of the store whose item and index sub-databases record writes into `ops`. */
function recordingStore(store: Store, ops: BatchOperation[]): Store {
  return {
    ...store,
    getItemDb: (tableName) => recordingSubDb(store.getItemDb(tableName), `item-${tableName}`, ops),
    getIndexDb: (indexType, tableName, indexName) =>
      recordingSubDb(
        store.getIndexDb(indexType, tableName, indexName),
        `index-${indexType.toLowerCase()}~${tableName}~${indexName}`,
        ops,
      ),
  };
}

function runAction(kind: Exclude<WriteKind, 'ConditionCheck'>, store: Store, data: OperationData) {
  return fromCallback<ActionResult>((cb) => WRITE_ACTIONS[kind](store, data, cb));
}

/**
 * Some errors only show when the update meets the item (an operand of the wrong type, an item grown
 * too large). AWS cancels the transaction with a `ValidationError` reason for them.
 */
function reasonFromActionError(err: unknown): CancellationReason {
  if (!isDynaliteClientError(err)) throw err;
  const message = err.body.message ?? err.message;
  if (err.body.__type.endsWith('#ConditionalCheckFailedException')) {
    return { Code: 'ConditionalCheckFailed', Message: message };
  }
  if (err.body.__type.endsWith('#ValidationException')) return { Code: 'ValidationError', Message: message };
  throw fromDynaliteError(err);
}

interface RecordedWrites {
  ops: BatchOperation[];
  reasons: CancellationReason[];
  used: TableUnits[];
}

/** Runs dynalite's real actions for every element, recording (not applying) what they would write. */
async function recordWrites(
  store: Store,
  writes: readonly PlannedWrite[],
  existing: readonly (Item | undefined)[],
): Promise<RecordedWrites> {
  const ops: BatchOperation[] = [];
  const recorder = recordingStore(store, ops);
  const reasons: CancellationReason[] = [];
  const used: TableUnits[] = [];
  for (const [index, write] of writes.entries()) {
    if (write.kind === 'ConditionCheck') {
      reasons.push({ Code: 'None' });
      used.push({
        tableName: write.tableName,
        units: dynaliteDb.capacityUnits(existing[index], false, true),
      });
      continue;
    }
    try {
      const result = await runAction(write.kind, recorder, write.data);
      reasons.push({ Code: 'None' });
      used.push({ tableName: write.tableName, units: result?.ConsumedCapacity?.CapacityUnits ?? 0 });
    } catch (err) {
      reasons.push(reasonFromActionError(err));
    }
  }
  return { ops, reasons, used };
}

/** Under the items' locks: check every condition, then compute all writes and commit them as one batch. */
async function executeWrites(store: Store, writes: readonly PlannedWrite[]): Promise<TableUnits[]> {
  const existing = await Promise.all(
    writes.map((write) => readItem(store.getItemDb(write.tableName), write.key)),
  );
  const conditionReasons = writes.map((write, index) => conditionReason(write, existing[index]));
  if (failedAny(conditionReasons)) throw transactionCanceled(conditionReasons);

  const { ops, reasons, used } = await recordWrites(store, writes, existing);
  if (failedAny(reasons)) throw transactionCanceled(reasons);
  await commitBatch(store, ops);
  return used;
}

async function transactWrite(store: Store, request: unknown): Promise<object> {
  const elements = transactItemsOf(request);
  const capacityMode = (request as JsonObject).ReturnConsumedCapacity;
  const tableOf = tableLookup(store);
  // Validation errors are reported for the first failing element, in order, as AWS does.
  const writes: PlannedWrite[] = [];
  for (const [index, element] of elements.entries()) {
    writes.push(await planWrite(store, tableOf, element, index, capacityMode));
  }
  rejectDuplicateItems(writes);

  const used = await withItemLocks(store, writes, () => executeWrites(store, writes));
  return wantsCapacity(capacityMode) ? { ConsumedCapacity: consumedCapacity(capacityMode, used) } : {};
}

/** Handles a TransactWriteItems request body (already JSON-parsed). */
export function transactWriteItems(store: Store, request: unknown): Promise<TransactionReply> {
  return replyOf(() => transactWrite(store, request));
}

// ---------------------------------------------------------------------------------------------
// TransactGetItems
// ---------------------------------------------------------------------------------------------

const GET_MEMBERS = ['TableName', 'Key', 'ProjectionExpression', 'ExpressionAttributeNames'] as const;

interface PlannedGet extends ItemTarget {
  /** Projection paths parsed by dynalite, or undefined for the whole item. */
  paths: unknown;
}

async function planGet(
  store: Store,
  tableOf: (tableName: string) => Promise<TableDescription>,
  element: JsonObject,
  index: number,
): Promise<PlannedGet> {
  const position = `transactItems.${index + 1}.member.get`;
  const keys = Object.keys(element);
  if (!isObject(element.Get) || keys.length !== 1) {
    throw validationError(`Value at '${position}' must be an object and the only member of its element`);
  }
  const data = validateAs(store, operationValidations.getItem, pick(element.Get, GET_MEMBERS));
  const tableName = data.TableName as string;
  const table = await tableOf(tableName);
  const key = data.Key as Item;
  throwIfInvalid(dynaliteDb.validateKey(key, table));
  const projection = data._projection as { paths: unknown; nestedPaths: unknown } | undefined;
  throwIfInvalid(dynaliteDb.validateKeyPaths(projection?.nestedPaths, table));
  return { tableName, key: dynaliteDb.createKey(key, table), paths: projection?.paths };
}

function projected(item: Item | undefined, paths: unknown): { Item?: Item } {
  if (!item) return {};
  return { Item: paths ? dynaliteDb.mapPaths(paths, item) : item };
}

async function transactGet(store: Store, request: unknown): Promise<object> {
  const elements = transactItemsOf(request);
  const capacityMode = (request as JsonObject).ReturnConsumedCapacity;
  const tableOf = tableLookup(store);
  const gets: PlannedGet[] = [];
  for (const [index, element] of elements.entries()) {
    gets.push(await planGet(store, tableOf, element, index));
  }
  rejectDuplicateItems(gets);

  // Reading under the items' locks gives a consistent snapshot: no transaction (and no single write)
  // on these items can commit between the reads.
  const items = await withItemLocks(store, gets, () =>
    Promise.all(gets.map((get) => readItem(store.getItemDb(get.tableName), get.key))),
  );
  const Responses = gets.map((get, index) => projected(items[index], get.paths));
  if (!wantsCapacity(capacityMode)) return { Responses };
  const used = gets.map((get, index) => ({
    tableName: get.tableName,
    units: dynaliteDb.capacityUnits(items[index], true, true),
  }));
  return { Responses, ConsumedCapacity: consumedCapacity(capacityMode, used) };
}

/** Handles a TransactGetItems request body (already JSON-parsed). */
export function transactGetItems(store: Store, request: unknown): Promise<TransactionReply> {
  return replyOf(() => transactGet(store, request));
}
