// DynamoDB capacity units of what a document client sends, as on-demand billing would count them, for the
// fan-out bench (`npm run bench -- fanout`), beside the request counts of request-counter.ts:
// - reads: every Query, GetItem and BatchGetItem is sent with ReturnConsumedCapacity TOTAL and the units the
//   local database (dynalite) answers are summed: it charges a Query by the full size of the items it reads
//   (not the projected attributes), rounded up to 4 KB over the whole page, half for an eventually
//   consistent read, as DynamoDB does;
// - writes: computed here from the request, by DynamoDB's rules (dynalite counts neither indexes nor
//   transactions): 1 WCU per started KB of the item, twice that inside a transaction; each global secondary
//   index the item is in (it carries the index's partition key) writes its copy too, 1 WCU per started KB
//   (projection ALL: the index item is the item). An update names only the attributes it sets: the item's
//   size after it is taken from `updatedItemBytes` (measured on the seed), and it is counted in both
//   indexes (every item the sweep updates — project, notice, clawback — is in both). A put that changes an
//   index key of an item already there costs DynamoDB a delete and a put in that index; the request does not
//   show the old key, so that is not counted (the write units are a lower bound by that).
// Index writes are also summed per index partition key value (`gsi1 MON#2026`), so the hottest index
// partitions show: DynamoDB serves at most 1,000 WCU/s per partition.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';

export interface CapacityTotals {
  /** Read units by command. */
  read: Record<string, number>;
  /** Write units of the table's items, by command (transactions counted twice). */
  write: Record<string, number>;
  /** Write units of index copies, by index. */
  indexWrite: Record<string, number>;
  /** Write units by index partition key value (`gsi1 MON#2026`). */
  byIndexPartition: Record<string, number>;
}

const INDEXES = ['gsi1', 'gsi2'] as const;

/** An attribute value's size as DynamoDB counts it (the wire form: `{ S: … }`, `{ N: … }`, `{ M: … }`…). */
type Wire = Record<string, unknown>;

function valueBytes(v: Wire): number {
  if ('S' in v) return Buffer.byteLength(String(v.S), 'utf8');
  if ('N' in v) return Math.ceil(String(v.N).replace(/^-|\./g, '').replace(/^0+/, '').length / 2) + 1;
  if ('M' in v) {
    const m = v.M as Record<string, Wire>;
    return 3 + Object.keys(m).length + itemBytes(m);
  }
  if ('L' in v) return 3 + (v.L as Wire[]).reduce((s, x) => s + 1 + valueBytes(x), 0);
  if ('SS' in v) return (v.SS as string[]).reduce((s, x) => s + Buffer.byteLength(x, 'utf8'), 0);
  if ('B' in v) return (v.B as Uint8Array).length;
  return 1; // BOOL, NULL
}

/** An item's size as DynamoDB counts it (wire form): each attribute's name and value. */
export function itemBytes(item: object): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) n += Buffer.byteLength(k, 'utf8') + valueBytes(v as Wire);
  return n;
}

const kb = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The item in the wire form, whichever form the middleware sees it in (marshalled or not yet). */
const wire = (item: Record<string, unknown>): object =>
  typeof item.pk === 'string'
    ? marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: false })
    : item;
const str = (v: unknown) => (typeof v === 'string' ? v : (v as { S?: string } | undefined)?.S);

export function countCapacity(
  stack: DynamoDBDocumentClient['middlewareStack'],
  opts: { updatedItemBytes: (keyKind: string) => number },
) {
  let t: CapacityTotals = { read: {}, write: {}, indexWrite: {}, byIndexPartition: {} };
  const add = (into: Record<string, number>, k: string, n: number) => {
    into[k] = (into[k] ?? 0) + n;
  };
  /** One written item: its table units and its index copies'. */
  const put = (command: string, item: Record<string, unknown>, transactional: boolean) => {
    const size = kb(itemBytes(wire(item)));
    add(t.write, command, size * (transactional ? 2 : 1));
    for (const index of INDEXES) {
      const pk = str(item[`${index}pk`]);
      if (typeof pk !== 'string') continue;
      add(t.indexWrite, index, size);
      add(t.byIndexPartition, `${index} ${pk}`, size);
    }
  };
  const update = (command: string, key: Record<string, unknown>, transactional: boolean) => {
    const kind = String(str(key.pk)).split('#')[0]!;
    const size = kb(opts.updatedItemBytes(kind));
    add(t.write, command, size * (transactional ? 2 : 1));
    for (const index of INDEXES) {
      add(t.indexWrite, index, size);
      add(t.byIndexPartition, `${index} (updated ${kind}# items)`, size);
    }
  };

  stack.add(
    (next, context) => async (args) => {
      const command = (context.commandName ?? 'unknown').replace(/Command$/, '');
      const input = args.input as Record<string, unknown>;
      const isRead = command === 'Query' || command === 'GetItem' || command === 'BatchGetItem';
      if (isRead) input.ReturnConsumedCapacity = 'TOTAL';
      if (command === 'BatchWriteItem') {
        for (const list of Object.values(input.RequestItems as Record<string, unknown[]>)) {
          for (const r of list as { PutRequest?: { Item: Record<string, unknown> } }[]) {
            if (r.PutRequest) put(command, r.PutRequest.Item, false);
            else add(t.write, command, 1);
          }
        }
      } else if (command === 'TransactWriteItems') {
        type Action = { Item?: Record<string, unknown>; Key?: Record<string, unknown> };
        for (const a of input.TransactItems as Record<string, Action>[]) {
          if (a.Put?.Item) put(command, a.Put.Item, true);
          else if (a.Update?.Key) update(command, a.Update.Key, true);
          // A condition check or a delete: its item's size is not in the request; 1 KB.
          else add(t.write, command, 2);
        }
      } else if (command === 'PutItem') put(command, input.Item as Record<string, unknown>, false);
      else if (command === 'UpdateItem') update(command, input.Key as Record<string, unknown>, false);
      const out = await next(args);
      if (isRead) {
        const c = (
          out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
        ).ConsumedCapacity;
        for (const x of Array.isArray(c) ? c : c ? [c] : []) add(t.read, command, x.CapacityUnits ?? 0);
      }
      return out;
    },
    { step: 'initialize', priority: 'low', name: 'benchCapacityCounter' },
  );
  return {
    totals: () => t,
    reset: () => {
      t = { read: {}, write: {}, indexWrite: {}, byIndexPartition: {} };
    },
  };
}
