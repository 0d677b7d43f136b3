// Property-based fuzzing of every route (issue 11, item 7), over HTTP against the started system. For each
// declared route, fast-check (a fixed seed, a bounded number of runs) makes requests from the route's own
// zod schemas (test/support/arbitrary.ts) and from hostile variants of the valid request of the route table
// (test/e2e/route-table.ts): path segments that are real records, schema values or malformed escapes; query
// strings with crafted paging tokens; bodies with one field made hostile, a prototype key added, broken JSON
// or the wrong content type; odd Idempotency-Key, If-Match and Accept-Language headers — sent with a token
// that may call the route (finance, else the owning department, else the owning agency). Every answer must
// be below 500, every refusal problem+json, and a refused write must have written nothing: the records the
// route targets (and their audit trails) read the same before and after, and the table holds as many items.
// Fiscal year 2022, so that accepted writes (a sweep, a bulletin, a new rule version) touch no other file's.
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/http/registry.js';
import type { Role } from '../../shared/domain/actor.js';
import { type RouteDef, routeKey } from '../../shared/http/route.js';
import { table } from '../../shared/store/table.js';
import { arbitraryOf, dayOf, hostileStrings, hostileValue, withOwn } from '../support/arbitrary.js';
import { type Json, pool } from './fixtures.js';
import { buildTenants, type Fixtures, routeTable } from './route-table.js';
import { type ApiResponse, api, financeToken, runtime } from './support.js';

const YEAR = 2022;
const SEED = 20_261_128;
/** Runs per route: reads are cheap; writes are checked for "nothing written" after every refusal. */
const READ_RUNS = 50;
const WRITE_RUNS = 35;
/** Inputs between two counts of the table's items. */
const COUNT_BATCH = 10;

let f: Fixtures;
let tokens: Record<'finance' | 'department' | 'evaluator', string>;

beforeAll(async () => {
  const started = Date.now();
  f = await buildTenants(YEAR);
  tokens = { finance: await financeToken(), department: f.DA.bearer, evaluator: f.AA.bearer };
  console.log(`[fuzz] records of two tenants built in ${Date.now() - started} ms`);
}, 180_000);

// -------------------------------------------------------------------------------------------- what is sent

interface Input {
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
}

/** Values that stay in this file's fiscal year wherever a field names a year or a day that matters. */
const yearish = fc.constantFrom<unknown>(
  YEAR,
  String(YEAR),
  20_220,
  2022.5,
  -0,
  1e308,
  'x',
  null,
  '２０２２',
  '0x7E6',
);
const dayish = fc.oneof(
  { weight: 4, arbitrary: dayOf(YEAR) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '2022-02-30',
      '2022-13-01',
      '9999-12-31',
      '2022-1-1',
      '',
      '2022-08-31T00:00:00Z',
    ),
  },
);

const rawSegments = [
  '%E0%A4%A',
  '%',
  '%25',
  '%2F',
  '%00',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '..%2F..',
  '__proto__',
  'constructor',
  '%5F%5Fproto%5F%5F',
  'x'.repeat(3000),
];

const rawBodies = [
  '{',
  '{"a":',
  '{"a":"\\x"}',
  '{"a":"\\ud800"}',
  '{"a":"\\u12"}',
  '\u0000',
  'null',
  '[]',
  '1e308',
  '"s"',
  'true',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `{"amount":${'9'.repeat(400)}}`,
  '\ufeff{}',
  '{"id":"a","id":"b"}',
  'x'.repeat(300_000),
];

const contentTypes = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/problem+json',
  'application/json; charset=utf-16',
  '',
];

const headerArb: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'idempotency-key': fc.constantFrom('k'.repeat(129), 'a b', '', 'fuzz-key-1', 'ä', 'k'.repeat(128)),
      'if-match': fc.constantFrom(
        '"1"',
        '"999999999999999"',
        '"abc"',
        '*',
        'W/"2"',
        '"1", "2"',
        '9'.repeat(30),
      ),
      'accept-language': fc.constantFrom('en', 'zh-CN', 'en;q=abc', 'x'.repeat(600), '*', 'en;q=0'),
    },
    { requiredKeys: [] },
  )
  .map((h) => ({ ...h }) as Record<string, string>);

const crafted = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const badTokens = [
  crafted({ pk: 'PROJECT#P1', sk: 'PROJECT' }),
  crafted({ pk: `AUDIT#${'x'}`, sk: '#' }),
  crafted({ pk: 1, sk: null }),
  crafted({ __proto__: 1 }),
  crafted('x'),
  'not-base64!!',
  '%E0%A4%A',
  'x'.repeat(2048),
  'x'.repeat(2049),
  '',
];

/** Parses `/v1/x/{id}` against a concrete path: the route's path parameters. */
function paramsOf(template: string, concrete: string): Record<string, string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const re = new RegExp(`^${template.replace(/\{\w+\}/g, '([^/]+)')}$`);
  const m = re.exec(concrete);
  if (!m) throw new Error(`${concrete} is not ${template}`);
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] as string)]));
}

/**
 * The longest query string or path segment sent: API Gateway refuses a request line and headers above
 * 10,240 bytes before any function runs (the local gateway too: 431 /problems/headers-too-large), so longer ones
 * test the gateway, not the API. (A cut may split a %XX escape: a malformed escape, hostile too.)
 */
const MAX_URL_PART = 3_000;
const capped = (s: string) => s.slice(0, MAX_URL_PART);

const segment = (v: unknown) => {
  try {
    return capped(encodeURIComponent(String(v)));
  } catch {
    return '%ED%A0%80'; // a lone surrogate: what it would be in UTF-8 (invalid)
  }
};

/** The leaves of a JSON value, as paths. */
function leaves(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leaves(x, [...at, i])) : [at];
  if (v && typeof v === 'object') {
    const entries = Object.entries(v);
    return entries.length ? entries.flatMap(([k, x]) => leaves(x, [...at, k])) : [at];
  }
  return [at];
}

/** `valid` with the leaf at `n` replaced by `value` (or removed), or a prototype key added beside it. */
function mutate(valid: unknown, n: number, value: unknown, op: 'replace' | 'delete' | 'add'): unknown {
  const all = leaves(valid);
  const target = all[n % all.length] ?? [];
  if (!target.length) return value;
  const copy = structuredClone(valid) as Json;
  let parent = copy;
  for (const k of target.slice(0, -1)) parent = parent[k];
  const last = target[target.length - 1] as string | number;
  if (op === 'replace') parent[last] = value;
  else if (op === 'delete' && !Array.isArray(parent)) delete parent[last];
  else if (op === 'add' && !Array.isArray(parent)) {
    const withKey = withOwn(parent, '__proto__', value);
    if (target.length === 1) return withKey;
    let p = copy;
    for (const k of target.slice(0, -2)) p = p[k];
    p[target[target.length - 2] as string | number] = withKey;
  } else parent[last] = value;
  return copy;
}

/** The overrides that keep accepted writes in this file's year and aim ids at real records now and then. */
function overrides(): Record<string, fc.Arbitrary<unknown>> {
  const some = (...real: string[]) =>
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: hostileValue });
  return {
    fiscalYear: yearish,
    asOf: dayish,
    date: dayish,
    projectId: some(f.PE6, f.PA, f.PD),
    agencyId: some(f.AA.id, f.AB.id),
    evaluationId: some(f.E5, f.E1),
    documentId: some(f.E3report, f.docA),
    departmentId: some(f.DA.id, f.DB.id),
    entityId: some(f.PA, f.DA.id),
    nextToken: fc.constantFrom(...badTokens),
  };
}

function inputs(r: RouteDef, role: Role | undefined): fc.Arbitrary<Input> {
  const caller = role === 'evaluator' ? 'ownAgency' : role === 'department' ? 'ownDepartment' : 'finance';
  const valid = routeTable[routeKey(r)]!.request(f, caller);
  const [validPath = '', validQuery = ''] = valid.path.split('?');
  const validParams = paramsOf(r.path, validPath);
  const ov = overrides();

  const param = (name: string) =>
    fc.oneof(
      { weight: 6, arbitrary: fc.constant(segment(validParams[name])) },
      {
        weight: 3,
        arbitrary: (r.params ? arbitraryOf(r.params, { hostility: 2, overrides: ov }) : fc.constant({})).map(
          (p) => segment((p as Record<string, unknown>)?.[name] ?? ''),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(...rawSegments) },
    );
  const names = Object.keys(validParams);
  const path = fc
    .tuple(...names.map(param))
    .map((segs) => names.reduce((p, n, i) => p.replace(`{${n}}`, segs[i] as string), r.path));

  const queryArb: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: fc.constant(validQuery) },
    {
      weight: 3,
      arbitrary: (r.query ? arbitraryOf(r.query, { hostility: 2, overrides: ov }) : fc.constant({}))
        .map((q) =>
          new URLSearchParams(
            Object.entries((q ?? {}) as Record<string, unknown>).map(([k, v]): [string, string] => [
              k,
              typeof v === 'object' ? JSON.stringify(v) : String(v),
            ]),
          ).toString(),
        )
        .map(capped),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('nextToken', 'limit', '__proto__', 'constructor', 'fiscalYear', 'x'),
          fc.constantFrom(...badTokens, ...hostileStrings.slice(0, 12)),
        )
        .map(([k, v]) => {
          const extra = v === '%E0%A4%A' ? `${k}=${v}` : new URLSearchParams([[k, v]]).toString();
          return capped(validQuery ? `${validQuery}&${extra}` : extra);
        }),
    },
  );

  const json = (v: unknown) => JSON.stringify(v);
  const bodyArb: fc.Arbitrary<{ body?: string; type?: string }> =
    r.method === 'GET'
      ? fc.constant({})
      : fc.oneof(
          ...(valid.body !== undefined
            ? [
                {
                  weight: 5,
                  arbitrary: fc
                    .tuple(
                      fc.nat(),
                      hostileValue,
                      fc.constantFrom('replace', 'delete', 'add') as fc.Arbitrary<
                        'replace' | 'delete' | 'add'
                      >,
                    )
                    .map(([n, v, op]) => ({
                      body: json(mutate(valid.body, n, v, op)),
                      type: 'application/json',
                    })),
                },
                { weight: 1, arbitrary: fc.constant({ body: json(valid.body), type: 'application/json' }) },
              ]
            : []),
          ...(r.body
            ? [
                {
                  weight: 3,
                  arbitrary: arbitraryOf(r.body, { hostility: 1, overrides: ov }).map((b) => ({
                    body: json(b),
                    type: 'application/json',
                  })),
                },
              ]
            : []),
          {
            weight: 1,
            arbitrary: fc.constantFrom(...rawBodies).map((body) => ({ body, type: 'application/json' })),
          },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom(...contentTypes)
              .map((type) => ({ body: json(valid.body ?? { a: 1 }), type })),
          },
          { weight: 1, arbitrary: fc.constant({}) },
        );

  return fc
    .record({ path, query: queryArb, headers: headerArb, body: bodyArb })
    .map(({ path: p, query, headers, body }) => ({
      path: p,
      query,
      headers: { ...headers, ...(body.type ? { 'content-type': body.type } : {}) },
      body: body.body,
    }));
}

/**
 * Besides the random inputs, fixed hostile cases every route gets: each malformed or prototype-named
 * segment in each path parameter (the others valid), and a share of the broken bodies (the `n`th route
 * gets every sixth, so that all are sent across the routes).
 */
function fixedCases(r: RouteDef, role: Role | undefined, n: number): Input[] {
  const caller = role === 'evaluator' ? 'ownAgency' : role === 'department' ? 'ownDepartment' : 'finance';
  const valid = routeTable[routeKey(r)]!.request(f, caller);
  const [validPath = '', validQuery = ''] = valid.path.split('?');
  const params = paramsOf(r.path, validPath);
  const body = valid.body !== undefined ? JSON.stringify(valid.body) : undefined;
  const json = { 'content-type': 'application/json' };
  const at = (name: string, seg: string) =>
    Object.entries(params).reduce((p, [k, v]) => p.replace(`{${k}}`, k === name ? seg : segment(v)), r.path);
  const cases: Input[] = Object.keys(params).flatMap((name) =>
    rawSegments.map((seg) => ({ path: at(name, seg), query: validQuery, headers: json, body })),
  );
  if (r.method !== 'GET') {
    for (const [i, raw] of rawBodies.entries()) {
      if (i % 6 === n % 6) cases.push({ path: validPath, query: validQuery, headers: json, body: raw });
    }
  }
  return cases;
}

// ------------------------------------------------------------------------------------- "nothing written"

const dynamo = () =>
  new DynamoDBClient({
    endpoint: runtime().dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
let client: DynamoDBClient | undefined;

/** How many items the table holds (a refused write adds none). */
let scans = 0;
let scanMs = 0;
async function itemCount(): Promise<number> {
  const started = Date.now();
  scans++;
  client ??= dynamo();
  let count = 0;
  let start: Record<string, Json> | undefined;
  do {
    const out = await client.send(
      new ScanCommand({ TableName: table.defaultName, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  scanMs += Date.now() - started;
  return count;
}

/** A read as finance, without what differs on every call (the request's id in a problem's `instance`). */
const read = async (path: string) => {
  const res = await api(path, { token: tokens.finance });
  return `${res.status} ${res.text.replace(/"instance":"[^"]*"/g, '')}`;
};
const audit = (id: string) => read(`/v1/audit?entityId=${encodeURIComponent(id)}&limit=100`);
const project = (id: string) => Promise.all([read(`/v1/projects/${id}`), audit(id)]);
const evaluation = (id: string) => Promise.all([read(`/v1/evaluations/${id}`), audit(id)]);
const idOf = (body: string | undefined) => {
  try {
    const id = JSON.parse(body ?? '')?.id;
    return typeof id === 'string' && id && !/[/?#%]/.test(id) ? id : 'none';
  } catch {
    return 'none';
  }
};

/** What each write may change: read before and after a refusal, it must be the same. */
const witnesses: Record<string, (input: Input) => Promise<unknown>> = {
  'POST /v1/departments': (i) => read(`/v1/departments/${idOf(i.body)}`),
  'PUT /v1/departments/{id}': () => Promise.all([read(`/v1/departments/${f.DA.id}`), audit(f.DA.id)]),
  'POST /v1/agencies': (i) => read(`/v1/agencies/${idOf(i.body)}`),
  'PUT /v1/agencies/{id}': () => Promise.all([read(`/v1/agencies/${f.AA.id}`), audit(f.AA.id)]),
  'PUT /v1/config/{fiscalYear}': () => read(`/v1/config/${YEAR}/versions`),
  // the library of the last year the schema allows holds every template taken in for any year
  'POST /v1/indicator-templates': () => read('/v1/indicator-templates?fiscalYear=2100'),
  'POST /v1/projects': () =>
    api(`/v1/projects?fiscalYear=${YEAR}&limit=100`, { token: f.DA.bearer }).then((r) => r.text),
  'PUT /v1/projects/{id}/goals': () => project(f.PD),
  'POST /v1/projects/{id}/submit': () => project(f.PD2),
  'POST /v1/projects/{id}/ex-ante-assessment': () => project(f.PX),
  'POST /v1/projects/{id}/goal-review': () => project(f.PG),
  'POST /v1/projects/{id}/budget': () => project(f.PB),
  'POST /v1/projects/{id}/expenditures': () =>
    Promise.all([project(f.PA), read(`/v1/projects/${f.PA}/expenditures?limit=100`)]),
  'POST /v1/projects/{id}/monitoring-reports': () => project(f.PA),
  'POST /v1/monitoring/sweeps': () => read('/v1/monitoring/sweeps?limit=5'),
  'POST /v1/rectifications/{id}/response': () => audit(f.N1),
  'POST /v1/rectifications/{id}/verification': () => audit(f.N2),
  'POST /v1/clawbacks/{id}/decision': () => Promise.all([audit(f.C1), project(f.PA)]),
  'POST /v1/expenditure-imports': () => Promise.resolve('the item count'),
  'POST /v1/monitoring/report-emails': () => read(`/v1/monitoring/report-emails?asOf=${f.asOf}`),
  'POST /v1/projects/{id}/self-evaluation': () =>
    Promise.all([read(`/v1/projects/${f.PS1}/self-evaluation`), audit(f.PS1)]),
  'POST /v1/projects/{id}/self-evaluation/review': () =>
    Promise.all([read(`/v1/projects/${f.PS2}/self-evaluation`), audit(f.PS2)]),
  'POST /v1/projects/{id}/upload-links': () => project(f.PA),
  'POST /v1/bulletins': () => read(`/v1/bulletins/${YEAR}`),
  'POST /v1/evaluations': () => read(`/v1/evaluations?projectId=${f.PE6}`),
  'POST /v1/evaluations/{id}/upload-links': () => evaluation(f.E1),
  'POST /v1/evaluations/{id}/plan-review': () => evaluation(f.E2),
  'POST /v1/evaluations/{id}/report': () => evaluation(f.E3),
  'POST /v1/evaluations/{id}/report-review': () => evaluation(f.E4),
  'POST /v1/evaluations/{id}/supervision-records': () => read(`/v1/evaluations/${f.E1}/supervision-records`),
  'POST /v1/agencies/{id}/ratings': () => read(`/v1/agencies/${f.AA.id}/ratings`),
};

// ------------------------------------------------------------------------------------------------ the run

const isWrite = (r: RouteDef) => r.method !== 'GET';

function roleFor(r: RouteDef): Role | undefined {
  if (r.roles === 'public') return undefined;
  return (['finance', 'department', 'evaluator'] as const).find((x) =>
    (r.roles as readonly Role[]).includes(x),
  );
}

interface Finding {
  route: string;
  input: Input;
  res: ApiResponse;
  why: string;
}

function checkAnswer(r: RouteDef, res: ApiResponse): string | undefined {
  if (res.status >= 500) return `a ${res.status}`;
  if (res.status < 400) return undefined;
  const type = res.headers.get('content-type') ?? '';
  // The upload page answers a browser: an unknown or used link is an HTML page (404, 410).
  if (r.produces === 'text/html' && /^text\/html/.test(type) && [404, 410].includes(res.status))
    return undefined;
  if (!/^application\/problem\+json/.test(type)) return `a ${res.status} as ${type || 'no content type'}`;
  if (res.json?.status !== res.status || !/^\/problems\/[a-z-]+$/.test(String(res.json?.type)))
    return `a problem without its status or type: ${res.text.slice(0, 200)}`;
  return undefined;
}

const send = (r: RouteDef, input: Input, token: string | undefined) =>
  api(`${input.path}${input.query ? `?${input.query}` : ''}`, {
    method: r.method,
    token,
    headers: input.headers,
    ...(input.body !== undefined ? { rawBody: input.body } : {}),
  });

const statusCounts = new Map<number, number>();
const count = (s: number) => statusCounts.set(s, (statusCounts.get(s) ?? 0) + 1);
let tried = 0;
let refusedWrites = 0;
let countedBatches = 0;
let fixedCount = 0;

describe('fuzzing every route', () => {
  it('names what each write may change (a new write route needs a witness)', () => {
    const writes = allRoutes.filter(isWrite).map(routeKey);
    expect(writes.filter((k) => !(k in witnesses))).toEqual([]);
    expect(Object.keys(witnesses).filter((k) => !writes.includes(k))).toEqual([]);
  });

  it('reads: never a 5xx, every refusal problem+json', async () => {
    const started = Date.now();
    const findings: Finding[] = [];
    const reads = allRoutes.filter((r) => !isWrite(r));
    await pool(reads, 4, async (r, n) => {
      const role = roleFor(r);
      const token = role ? tokens[role] : undefined;
      const fixed = fixedCases(r, role, n);
      fixedCount += fixed.length;
      const samples = [...fixed, ...fc.sample(inputs(r, role), { seed: SEED + n, numRuns: READ_RUNS })];
      for (const input of samples) {
        const res = await send(r, input, token);
        tried++;
        count(res.status);
        const why = checkAnswer(r, res);
        if (why) findings.push({ route: routeKey(r), input, res, why });
      }
    });
    console.log(`[fuzz] reads: ${reads.length} routes × ${READ_RUNS} inputs in ${Date.now() - started} ms`);
    expect(summarize(findings)).toEqual({});
    expect(findings.map(describeFinding)).toEqual([]);
  }, 120_000);

  it('writes: never a 5xx, every refusal problem+json, and a refused write writes nothing', async () => {
    const started = Date.now();
    const findings: Finding[] = [];
    const writes = allRoutes.filter(isWrite);
    for (const [n, r] of writes.entries()) {
      const role = roleFor(r);
      const token = role ? tokens[role] : undefined;
      const witness = witnesses[routeKey(r)]!;
      const fixed = fixedCases(r, role, n);
      fixedCount += fixed.length;
      const samples = [
        ...fixed,
        ...fc.sample(inputs(r, role), { seed: SEED + 1000 + n, numRuns: WRITE_RUNS }),
      ];
      // The witness is read before and after every input (the last "after" serves as the next "before" when
      // it does not depend on the input); the table's items are counted around each batch of inputs, and a
      // batch that had only refusals must leave the count as it was.
      for (let b = 0; b < samples.length; b += COUNT_BATCH) {
        const batch = samples.slice(b, b + COUNT_BATCH);
        const countBefore = await itemCount();
        let accepted = 0;
        let last: unknown;
        for (const input of batch) {
          const before = last !== undefined && witness.length === 0 ? last : await witness(input);
          const res = await send(r, input, token);
          tried++;
          count(res.status);
          const why = checkAnswer(r, res);
          if (why) findings.push({ route: routeKey(r), input, res, why });
          if (res.status >= 400 && res.status < 500) {
            refusedWrites++;
            last = await witness(input);
            if (JSON.stringify(last) !== JSON.stringify(before)) {
              findings.push({
                route: routeKey(r),
                input,
                res,
                why: `a refused write changed ${diff(before, last)}`,
              });
            }
          } else {
            accepted++;
            last = undefined;
          }
        }
        if (accepted === 0) {
          countedBatches++;
          const countAfter = await itemCount();
          if (countAfter !== countBefore) {
            const first = batch[0]!;
            findings.push({
              route: routeKey(r),
              input: first,
              res: { status: 0, text: '', json: undefined, headers: new Headers() },
              why: `a batch of ${batch.length} refused writes changed the item count ${countBefore} → ${countAfter}`,
            });
          }
        }
      }
    }
    console.log(
      `[fuzz] writes: ${writes.length} routes × ${WRITE_RUNS} inputs in ${Date.now() - started} ms`,
    );
    console.log(
      `[fuzz] a scan of the table's items took ${Math.round(scanMs / Math.max(1, scans))} ms on average (${scans} scans)`,
    );
    expect(summarize(findings)).toEqual({});
    expect(findings.map(describeFinding)).toEqual([]);
  }, 240_000);

  it('sums up', () => {
    const summary = [...statusCounts.entries()].sort(([a], [b]) => a - b).map(([s, k]) => `${s}: ${k}`);
    console.log(
      `[fuzz] ${tried} inputs tried (${refusedWrites} refused writes checked, ${countedBatches} batches of refusals counted) — ${summary.join(', ')}`,
    );
    expect(tried).toBe(
      allRoutes.filter((r) => !isWrite(r)).length * READ_RUNS +
        allRoutes.filter(isWrite).length * WRITE_RUNS +
        fixedCount,
    );
    expect([...statusCounts.keys()].filter((s) => s >= 500)).toEqual([]);
  });
});

/** The findings counted by route and kind (the first lines of a failure). */
function summarize(findings: Finding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of findings) {
    const k = `${x.route}: ${x.why.replace(/ changed .*/s, ' changed something').slice(0, 80)}`;
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function diff(before: unknown, after: unknown): string {
  return `${JSON.stringify(before).slice(0, 300)} → ${JSON.stringify(after).slice(0, 300)}`;
}

function describeFinding(x: Finding): string {
  const i = x.input;
  return `${x.route}: ${x.why.slice(0, 400)} — ${i.path.slice(0, 200)}${i.query ? `?${i.query.slice(0, 200)}` : ''} ${JSON.stringify(i.headers).slice(0, 200)} ${(i.body ?? '').slice(0, 300)} → ${x.res.status} ${x.res.text.slice(0, 300)}`;
}
