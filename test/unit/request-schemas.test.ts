// What the routes accept, checked on every declared route (functions/http/registry.ts): a JSON body takes
// numbers as numbers (coercion belongs to paths and queries, where every value is text), and every number a
// request may carry is bounded by the domain's limits (an unbounded one reaches the arithmetic, the SDK or
// DynamoDB with whatever a client sends: a 5xx, or a record no one can read back).
import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { allRoutes } from '../../functions/http/registry.js';
import { routeKey } from '../../shared/http/route.js';
import { jsonSchemaOf } from '../support/arbitrary.js';

type JsonSchema = ReturnType<typeof jsonSchemaOf>;

type Part = 'params' | 'query' | 'body';
const parts: Part[] = ['params', 'query', 'body'];

/** Every schema reachable from `schema` through its definition (objects, arrays, unions, pipes, wrappers…). */
function* schemasIn(schema: z.ZodType, seen = new Set<unknown>()): Generator<z.ZodType> {
  if (seen.has(schema)) return;
  seen.add(schema);
  yield schema;
  const visit = function* (value: unknown): Generator<z.ZodType> {
    if (value && typeof value === 'object') {
      if ('_zod' in value) yield* schemasIn(value as z.ZodType, seen);
      else if (Array.isArray(value)) for (const v of value) yield* visit(v);
      else if (Object.getPrototypeOf(value) === Object.prototype)
        for (const v of Object.values(value)) yield* visit(v);
    }
  };
  for (const [key, value] of Object.entries(schema._zod.def)) if (key !== 'checks') yield* visit(value);
}

/** Every number node of a JSON Schema, with its path. */
function numbersIn(node: unknown, at: string, out: [string, JsonSchema][] = []): [string, JsonSchema][] {
  if (!node || typeof node !== 'object') return out;
  const n = node as JsonSchema;
  const types = [n.type].flat();
  if (types.includes('number') || types.includes('integer')) out.push([at, n]);
  for (const [k, v] of Object.entries(n)) {
    if (k === 'properties' && v && typeof v === 'object')
      for (const [name, p] of Object.entries(v)) numbersIn(p, `${at}.${name}`, out);
    else if (typeof v === 'object') numbersIn(v, k === 'items' ? `${at}[]` : at, out);
  }
  return out;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const bounded = (n: JsonSchema) => {
  const min = (n.minimum ?? n.exclusiveMinimum) as number | undefined;
  const max = (n.maximum ?? n.exclusiveMaximum) as number | undefined;
  return min !== undefined && max !== undefined && min > -SAFE && max < SAFE;
};

describe('request schemas of every route', () => {
  it('a JSON body coerces nothing (the string "2026" is not a number)', () => {
    const coercing = allRoutes.flatMap((r) =>
      r.body && [...schemasIn(r.body as z.ZodType)].some((s) => (s._zod.def as { coerce?: boolean }).coerce)
        ? [routeKey(r)]
        : [],
    );

    expect(coercing).toEqual([]);
  });

  it('every number is bounded below and above by the domain (not by the safe-integer range)', () => {
    const unbounded = allRoutes.flatMap((r) =>
      parts.flatMap((part) => {
        const schema = r[part] as z.ZodType | undefined;
        if (!schema) return [];
        return numbersIn(jsonSchemaOf(schema), part)
          .filter(([, n]) => !bounded(n))
          .map(([at]) => `${routeKey(r)} ${at}`);
      }),
    );

    expect(unbounded).toEqual([]);
  });
});
