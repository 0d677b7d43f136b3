// The derivation of fast-check arbitraries from the routes' zod schemas (test/support/arbitrary.ts), which the
// fuzz tier (test/e2e/fuzz.test.ts) relies on: without hostility it makes what the schema describes (every
// path and query value, the plain bodies, and at least some of every body), with hostility it makes the
// hostile values too, deterministically for a seed, and always something JSON can carry.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { allRoutes } from '../../functions/http/registry.js';
import { routeKey } from '../../shared/http/route.js';
import {
  arbitraryOf,
  dayOf,
  hostileNumbers,
  hostileStrings,
  jsonSchemaOf,
  withOwn,
} from '../support/arbitrary.js';

const RUNS = 100;
/** Path and query values travel as strings. */
const asStrings = (v: unknown) =>
  Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));

function acceptedShare(schema: z.ZodType, part: 'params' | 'query' | 'body', seed = 7): number {
  const values = fc.sample(arbitraryOf(schema), { seed, numRuns: RUNS });
  return values.filter((v) => schema.safeParse(part === 'body' ? v : asStrings(v)).success).length / RUNS;
}

/** Bodies with no refinement beyond what JSON Schema says: everything made is accepted. */
const plainBodies = [
  'POST /v1/departments',
  'PUT /v1/departments/{id}',
  'POST /v1/agencies',
  'POST /v1/projects/{id}/goal-review',
  'POST /v1/monitoring/sweeps',
  'POST /v1/rectifications/{id}/response',
  'POST /v1/rectifications/{id}/verification',
  'POST /v1/expenditure-imports',
  'POST /v1/evaluations',
  'POST /v1/evaluations/{id}/plan-review',
  'POST /v1/evaluations/{id}/supervision-records',
];

describe('arbitraries derived from the route schemas, without hostility', () => {
  it('every route’s path and query values are accepted by their schema', () => {
    const refused: string[] = [];
    for (const r of allRoutes) {
      for (const part of ['params', 'query'] as const) {
        const schema = r[part];
        if (schema && acceptedShare(schema, part) < 1) refused.push(`${routeKey(r)} ${part}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it('the plain bodies are all accepted; every body is accepted at least now and then', () => {
    const byKey = new Map(allRoutes.map((r) => [routeKey(r), r]));
    for (const key of plainBodies) {
      const body = byKey.get(key)?.body;
      expect(body, key).toBeDefined();
      expect(acceptedShare(body!, 'body'), key).toBe(1);
    }
    const rarely = allRoutes
      .filter((r) => r.body)
      .map((r) => [routeKey(r), acceptedShare(r.body!, 'body')] as const)
      .filter(([, share]) => share === 0);
    expect(rarely).toEqual([]);
  });

  it('follows bounds, enums, patterns, formats and required keys', () => {
    const schema = z.strictObject({
      n: z.int().min(3).max(5),
      amount: z.number().min(0).max(10),
      kind: z.enum(['a', 'b']),
      period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
      day: z.iso.date(),
      mail: z.email(),
      tags: z.array(z.string().min(2).max(3)).min(1).max(2),
      maybe: z.string().optional(),
    });

    for (const v of fc.sample(arbitraryOf(schema), { seed: 3, numRuns: 200 })) {
      expect(schema.safeParse(v).error?.issues ?? [], JSON.stringify(v)).toEqual([]);
    }
  });

  it('uses an override for a named property wherever it is', () => {
    const schema = z.strictObject({ fiscalYear: z.int(), inner: z.strictObject({ fiscalYear: z.int() }) });
    const values = fc.sample(arbitraryOf(schema, { overrides: { fiscalYear: fc.constant(2022) } }), {
      seed: 1,
      numRuns: 50,
    });
    expect(new Set(values.map((v) => JSON.stringify(v)))).toEqual(
      new Set([JSON.stringify({ fiscalYear: 2022, inner: { fiscalYear: 2022 } })]),
    );
  });
});

describe('with hostility', () => {
  const schema = z.strictObject({ amount: z.number(), name: z.string(), items: z.array(z.int()).max(3) });
  const values = fc.sample(arbitraryOf(schema, { hostility: 3 }), { seed: 11, numRuns: 400 });
  const leaves = values.flatMap((v) => {
    const o = v as Record<string, unknown>;
    return typeof o === 'object' && o !== null ? Object.values(o) : [o];
  });

  it('mixes in hostile numbers, strings, the wrong types and prototype keys', () => {
    expect(
      leaves.some((x) => typeof x === 'number' && hostileNumbers.includes(x) && Math.abs(x) > 2 ** 53),
    ).toBe(true);
    expect(leaves.some((x) => Object.is(x, -0))).toBe(true);
    expect(leaves.some((x) => typeof x === 'string' && x.length >= 5_000)).toBe(true);
    expect(
      leaves.some((x) => typeof x === 'string' && hostileStrings.includes(x) && x.includes('\ud800')),
    ).toBe(true);
    expect(leaves.some((x) => x === null || Array.isArray(x))).toBe(true);
    expect(values.some((v) => typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__'))).toBe(
      true,
    );
    // and still the schema's own values now and then (every node may be replaced)
    expect(values.filter((v) => schema.safeParse(v).success).length).toBeGreaterThan(values.length / 50);
  });

  it('makes only what JSON carries: a prototype key survives the round trip as an own key', () => {
    for (const v of values) expect(() => JSON.stringify(v)).not.toThrow();
    const polluted = JSON.parse(JSON.stringify(withOwn({ a: 1 }, '__proto__', { admin: true })));
    expect(Object.hasOwn(polluted, '__proto__')).toBe(true);
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it('is the same for the same seed', () => {
    const again = fc.sample(arbitraryOf(schema, { hostility: 3 }), { seed: 11, numRuns: 400 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(values));
  });
});

describe('helpers', () => {
  it('dayOf makes days of that year only', () => {
    for (const d of fc.sample(dayOf(2022), { seed: 5, numRuns: 300 })) {
      expect(d).toMatch(/^2022-\d\d-\d\d$/);
      expect(z.iso.date().safeParse(d).success).toBe(true);
    }
  });

  it('reads the JSON Schema of every route schema (none is unrepresentable)', () => {
    for (const r of allRoutes) {
      for (const part of ['params', 'query', 'body'] as const) {
        const s = r[part];
        if (s) expect(() => jsonSchemaOf(s), `${routeKey(r)} ${part}`).not.toThrow();
      }
    }
  });
});
