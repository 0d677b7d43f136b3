// fast-check arbitraries derived from the zod schemas of the route declarations (issue 11, item 7): the schema
// goes through z.toJSONSchema (zod 4, input side) and the JSON Schema is walked — objects with their required
// and optional properties, arrays within their bounds, strings of their length, pattern, format or enum,
// numbers and integers within their bounds — and at every node, now and then, a hostile value takes the
// valid one's place: huge, tiny and negative-zero numbers, numbers past 2^53, very long strings, lone
// surrogates, NUL, malformed % escapes, prototype keys, the wrong JSON type. The fuzz test (test/e2e/fuzz.test.ts)
// sends what they make to every route; test/unit/arbitrary.test.ts checks the derivation.
import fc from 'fast-check';
import * as z from 'zod';

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema as z.toJSONSchema writes it
type JsonSchema = any;

export interface DeriveOptions {
  /**
   * How often a node is replaced by a hostile value, as a weight against 10 for the valid one: 0 makes
   * only values the schema describes (before its refinements), 1 about one node in eleven.
   */
  hostility?: number;
  /** Arbitraries for named properties, wherever they are (a test's own ids, dates of its own year). */
  overrides?: Record<string, fc.Arbitrary<unknown>>;
  /** The longest string and array the valid side makes (the schema's bound when it is smaller). */
  maxLength?: number;
  maxItems?: number;
}

/** Numbers that broke, or could break, a conversion, a bound or the SDK. */
export const hostileNumbers: readonly number[] = [
  1e308,
  -1e308,
  5e-324,
  -0,
  2 ** 53,
  2 ** 53 + 2,
  2 ** 60,
  -(2 ** 60),
  1e21,
  1e-7,
  0.1 + 0.2,
  0.005,
  134_234_470.645,
  134_234_470.64,
  9_999_999_999_999.99,
  9_999_999_999_999.998, // three decimals
  10_000_000_000_000,
  2_147_483_648,
  4_294_967_296,
  -1,
  0,
];

/** Strings a careless handler chokes on: none is a fiscal year or a date a test of another year uses. */
export const hostileStrings: readonly string[] = [
  '',
  ' ',
  '\u0000',
  '\ud800',
  'a\udfffb',
  'x'.repeat(5_000),
  '长'.repeat(3_000),
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'toString',
  '%',
  '%E0%A4%A',
  '%00',
  '%2F..%2F',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  `\${7*7}{{7*7}}`,
  'NaN',
  'Infinity',
  '-0',
  '1e308',
  'null',
  'true',
  '\u202egnp.exe',
  '😀'.repeat(64),
  '０１２３',
  'PROJECT#P1',
  'AUDIT#x#y',
  '#',
  '\r\n',
  '\\u0000',
];

/** Values of the wrong JSON type. */
const wrongTypes: readonly unknown[] = [null, true, false, [], {}, [1, 2], { a: 1 }, 0, 'x', [null], [[[]]]];

/** An object with an own enumerable property named `key` (so `__proto__` survives JSON.stringify). */
export function withOwn(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...obj };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

const hostileKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'unknownField',
  '',
  '$where',
  'pk',
  'sk',
];

/** Any hostile value: a number, a string or the wrong type. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...hostileNumbers),
  fc.constantFrom(...hostileStrings),
  fc.constantFrom(...wrongTypes),
  fc.constantFrom(...hostileKeys).map((k) => withOwn({}, k, { polluted: true })),
);

/** A day (YYYY-MM-DD) of the fiscal year `year`. */
export const dayOf = (year: number): fc.Arbitrary<string> =>
  fc
    .integer({ min: Date.UTC(year, 0, 1), max: Date.UTC(year, 11, 31) })
    .map((ms) => new Date(ms - (ms % 86_400_000)).toISOString().slice(0, 10));

/** The JSON Schema of a zod schema's input side (what a client sends). */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

/** The arbitrary of a zod schema (its JSON Schema walked), hostile values mixed in as `opts` says. */
export function arbitraryOf(schema: z.ZodType, opts: DeriveOptions = {}): fc.Arbitrary<unknown> {
  const root = jsonSchemaOf(schema);
  return derive(root, root, opts, undefined, 0);
}

function resolve(root: JsonSchema, node: JsonSchema): JsonSchema {
  let n = node;
  for (let i = 0; i < 20 && n && typeof n.$ref === 'string'; i++) {
    const name = n.$ref.replace(/^#\/\$defs\//, '');
    n = n.$ref === '#' ? root : root.$defs?.[name];
  }
  return n ?? {};
}

function derive(
  root: JsonSchema,
  raw: JsonSchema,
  opts: DeriveOptions,
  property: string | undefined,
  depth: number,
): fc.Arbitrary<unknown> {
  const override = property !== undefined && opts.overrides ? Object.hasOwn(opts.overrides, property) : false;
  if (override) return opts.overrides![property!]!;
  const valid = validOf(root, resolve(root, raw), opts, depth);
  const hostility = opts.hostility ?? 0;
  return hostility > 0
    ? fc.oneof({ weight: 10, arbitrary: valid }, { weight: hostility, arbitrary: hostileValue })
    : valid;
}

function validOf(root: JsonSchema, s: JsonSchema, opts: DeriveOptions, depth: number): fc.Arbitrary<unknown> {
  if (depth > 12) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (Array.isArray(alternatives) && alternatives.length) {
    return fc.oneof(
      ...alternatives.map((a: JsonSchema) =>
        derive(root, a, { ...opts, hostility: 0 }, undefined, depth + 1),
      ),
    );
  }
  if (Array.isArray(s.allOf) && s.allOf.length) return derive(root, s.allOf[0], opts, undefined, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringOf(s, opts);
    case 'number':
      return numberOf(s, false);
    case 'integer':
      return numberOf(s, true);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const min = s.minItems ?? 0;
      const max = Math.max(min, Math.min(s.maxItems ?? 8, opts.maxItems ?? 4));
      const items = Array.isArray(s.prefixItems)
        ? fc.tuple(...s.prefixItems.map((p: JsonSchema) => derive(root, p, opts, undefined, depth + 1)))
        : fc.array(derive(root, s.items ?? {}, opts, undefined, depth + 1), {
            minLength: min,
            maxLength: max,
          });
      return items;
    }
    case 'object':
      return objectOf(root, s, opts, depth);
    default:
      // {} (anything): a small JSON value
      return fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
  }
}

function objectOf(
  root: JsonSchema,
  s: JsonSchema,
  opts: DeriveOptions,
  depth: number,
): fc.Arbitrary<unknown> {
  const props: Record<string, JsonSchema> = s.properties ?? {};
  const required = new Set<string>(s.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, p] of Object.entries(props)) model[name] = derive(root, p, opts, name, depth + 1);
  let arb: fc.Arbitrary<Record<string, unknown>> = fc.record(model, {
    requiredKeys: Object.keys(props).filter((k) => required.has(k)),
  }) as fc.Arbitrary<Record<string, unknown>>;
  if (s.additionalProperties && typeof s.additionalProperties === 'object' && !Object.keys(props).length) {
    // a record: a few keys of its own
    const value = derive(root, s.additionalProperties, opts, undefined, depth + 1);
    arb = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value, { maxKeys: 3 });
  }
  const hostility = opts.hostility ?? 0;
  if (hostility === 0) return arb;
  // Now and then a key the schema does not know: a prototype key above all.
  return fc
    .tuple(
      arb,
      fc.option(fc.tuple(fc.constantFrom(...hostileKeys), hostileValue), {
        freq: Math.max(2, 12 - hostility),
      }),
    )
    .map(([obj, extra]) => (extra ? withOwn(obj, extra[0], extra[1]) : obj));
}

function stringOf(s: JsonSchema, opts: DeriveOptions): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 64, opts.maxLength ?? 40));
  if (s.format === 'date') {
    return fc
      .integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 11, 31) })
      .map((ms) => new Date(ms).toISOString().slice(0, 10));
  }
  if (s.format === 'email') {
    return fc
      .tuple(
        fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/),
        fc.constantFrom('example.gov.cn', 'agency.example.cn'),
      )
      .map(([local, domain]) => `${local}@${domain}`);
  }
  if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof s.pattern === 'string') {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Number.POSITIVE_INFINITY));
    } catch {
      // a pattern fast-check cannot read: any string of the length
    }
  }
  // Lengths are UTF-16 code units, as zod counts them.
  return fc
    .string({ minLength: min, maxLength: max, unit: 'grapheme' })
    .map((v) => v.slice(0, max).padEnd(min, 'x'));
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum : 1e6);
  const min = Math.max(lo, -1e15);
  const max = Math.min(hi, 1e15);
  const ok = (v: number) =>
    (s.exclusiveMinimum === undefined || v > s.exclusiveMinimum) &&
    (s.exclusiveMaximum === undefined || v < s.exclusiveMaximum);
  const ints = fc.integer({
    min: Math.ceil(Math.max(min, Number.MIN_SAFE_INTEGER)),
    max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)),
  });
  if (integer) return ints.filter(ok);
  // Money and scores have at most two decimals: whole numbers, cents, and any double in range.
  const cents = fc
    .integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) })
    .map((c) => Math.round(c) / 100);
  const smallLo = Math.ceil(Math.max(min, 0));
  const smallHi = Math.floor(Math.min(max, 1000));
  const small = smallLo <= smallHi ? [fc.integer({ min: smallLo, max: smallHi })] : [];
  return fc
    .oneof(
      ...small.map((arbitrary) => ({ weight: 3, arbitrary })),
      { weight: 3, arbitrary: cents },
      { weight: 1, arbitrary: ints },
      { weight: 1, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
    )
    .filter(ok)
    .map((v) => (Object.is(v, -0) ? 0 : v));
}
