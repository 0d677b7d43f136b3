import type { Item, Key } from './db.js';

/**
 * An item of its key attributes (`key`, with any index keys) and its other parts, in that order, as
 * `{ ...key, ...parts }` would be, but without the spreads: in V8 an object spread after another spread gives
 * each item a hidden class of its own (~35 µs an item, and the garbage of one class per item), where
 * Object.assign onto a fresh literal takes ~5 µs. For items written by the thousand (the sweep's).
 */
export function itemOf(key: Key & Record<string, unknown>, ...parts: (object | undefined)[]): Item {
  const item: Item = { pk: key.pk, sk: key.sk };
  Object.assign(item, key);
  for (const part of parts) if (part) Object.assign(item, part);
  return item;
}
