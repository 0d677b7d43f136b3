// The authorization matrix (issue 11, item 7), over HTTP against the started system: every declared route ×
// ten callers — no token, four bad tokens (expired, another key, another audience, another issuer), finance,
// the department that owns the records, another department, the agency that owns the evaluations, another
// agency — with real records of each tenant (fiscal year 2024: no other e2e file uses it). The expected
// status of every cell is written in `routeTable` (test/e2e/route-table.ts), keyed by method and path; a declared
// route without one fails the test, so a new route cannot be added without saying who may call it.
import { beforeAll, describe, expect, it } from 'vitest';
import { allRoutes } from '../../functions/http/registry.js';
import type { Role } from '../../shared/domain/actor.js';
import { routeKey } from '../../shared/http/route.js';
import { pool } from './fixtures.js';
import {
  badCallers,
  buildTenants,
  type Caller,
  callers,
  callerTokens,
  routeTable as expectations,
  F,
  type Fixtures,
  goodCallers,
  roleOf,
  tenantARecords,
} from './route-table.js';
import { api } from './support.js';

const YEAR = 2024;

let f: Fixtures;
let tokens: Record<Caller, string | undefined>;

beforeAll(async () => {
  const started = Date.now();
  f = await buildTenants(YEAR);
  tokens = await callerTokens(f);
  console.log(`[matrix] fixtures of two tenants built in ${Date.now() - started} ms`);
}, 180_000);

const key = routeKey;
/** Routes whose cells run after all others (see below). */
const runLast = ['POST /v1/monitoring/sweeps'];

describe('the expectations table', () => {
  it('has an expectation for every declared route, and names no route that is not declared', () => {
    const declared = allRoutes.map(key).sort();
    expect(
      declared.filter((k) => !(k in expectations)),
      'routes without an expectation',
    ).toEqual([]);
    expect(
      Object.keys(expectations).filter((k) => !declared.includes(k)),
      'expectations of no route',
    ).toEqual([]);
  });

  it('agrees with the declared roles: 403 exactly for the roles a route does not allow', () => {
    const disagreements: string[] = [];
    for (const r of allRoutes) {
      const e = expectations[key(r)];
      if (!e) continue;
      if (r.roles === 'public') {
        if (e.public === undefined) disagreements.push(`${key(r)}: public, but the table names roles`);
        continue;
      }
      if (!e.expect) {
        disagreements.push(`${key(r)}: not public, but the table says public`);
        continue;
      }
      goodCallers.forEach((c, i) => {
        const allowed = (r.roles as readonly Role[]).includes(roleOf[c]);
        if (allowed === (e.expect?.[i] === F)) disagreements.push(`${key(r)} ${c}: ${e.expect?.[i]}`);
      });
    }
    expect(disagreements).toEqual([]);
  });
});

describe('every route × every caller', () => {
  it('answers each cell as the table says: 401 for bad tokens, 403 for other roles, 404 for another tenant', async () => {
    const cells = allRoutes.flatMap((r) => callers.map((caller) => ({ r, caller })));
    // A sweep runs department by department after it is recorded: the report mails would find it still
    // running (409), so the sweep's cells go last, once every other cell has its answer.
    const last = (c: { r: (typeof allRoutes)[number] }) => runLast.includes(key(c.r));
    const started = Date.now();
    const cell = async ({ r, caller }: { r: (typeof allRoutes)[number]; caller: Caller }) => {
      const e = expectations[key(r)];
      if (!e) return { r, caller, status: -1, want: [0], problem: true, text: 'no expectation' };
      const req = e.request(f, caller);
      const res = await api(req.path, {
        method: r.method,
        token: tokens[caller],
        ...(req.body !== undefined ? { body: req.body } : {}),
      });
      const wanted =
        e.public !== undefined
          ? e.public
          : (badCallers as readonly string[]).includes(caller)
            ? 401
            : (e.expect?.[goodCallers.indexOf(caller as (typeof goodCallers)[number])] ?? 0);
      const want = typeof wanted === 'number' ? [wanted] : [...wanted];
      // Every refusal is problem+json with the type of its kind.
      const types: Record<number, string> = {
        401: '/problems/unauthorized',
        403: '/problems/forbidden',
        404: '/problems/not-found',
      };
      const problem =
        res.status < 400 ||
        (/^application\/problem\+json/.test(res.headers.get('content-type') ?? '') &&
          res.json?.status === res.status &&
          (types[res.status] === undefined || res.json?.type === types[res.status]));
      // Another tenant's 2xx (its own lists, its own creations) names none of tenant A's records.
      const leaked =
        (caller === 'otherDepartment' || caller === 'otherAgency') &&
        res.status < 300 &&
        !e.published &&
        e.public === undefined
          ? tenantARecords(f).filter((id) => res.text.includes(id))
          : [];
      return {
        r,
        caller,
        status: res.status,
        want,
        problem: problem && leaked.length === 0,
        text: leaked.length ? `leaks ${leaked.join(', ')}` : res.text.slice(0, 300),
      };
    };
    const results = [
      ...(await pool(
        cells.filter((c) => !last(c)),
        8,
        cell,
      )),
      ...(await pool(cells.filter(last), 8, cell)),
    ];
    const ms = Date.now() - started;

    const byStatus = new Map<number, number>();
    for (const c of results) byStatus.set(c.status, (byStatus.get(c.status) ?? 0) + 1);
    const summary = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}: ${n}`);
    console.log(
      `[matrix] ${results.length} cells (${allRoutes.length} routes × ${callers.length} callers) in ${ms} ms — ${summary.join(', ')}`,
    );
    const wrong = results
      .filter((c) => !c.want.includes(c.status) || !c.problem)
      .map(
        (c) =>
          `${key(c.r)} as ${c.caller}: ${c.status} (want ${c.want.join('|')}) ${c.problem ? '' : 'not a problem of its kind, or a leak '}${c.status !== c.want[0] ? c.text : ''}`,
      );
    expect(wrong).toEqual([]);
    expect(results).toHaveLength(allRoutes.length * callers.length);
  }, 120_000);
});
