import { describe, expect, it } from 'vitest';
import type { Actor } from '../../shared/domain/actor.js';
import { defaultRuleValues } from '../../shared/domain/config.js';
import { Conflict } from '../../shared/domain/errors.js';
import type { Department } from '../../shared/domain/reference.js';
import { listAudit } from '../../shared/store/audit.js';
import { currentConfig, newConfigVersion, saveConfigActions } from '../../shared/store/config.js';
import type { Db } from '../../shared/store/db.js';
import type { ChangeContext } from '../../shared/store/entity-store.js';
import { departments } from '../../shared/store/reference.js';
import { errorOf } from '../support/errors.js';
import { useFreshDb } from './local-db.js';

// Integration tier: the store against the real local DynamoDB (dynalite with transactions, in process).
const finance: Actor = { sub: 'user-finance', role: 'finance' };
const ctx = (iso: string): ChangeContext => ({ actor: finance, now: new Date(iso), requestId: 'req-1' });

function dept(id: string, version = 1, name = `Department ${id}`): Department {
  const at = '2026-03-01T08:00:00.000Z';
  return {
    id,
    name,
    contactEmails: [`${id.toLowerCase()}@example.cn`],
    locale: 'zh-CN',
    version,
    createdAt: at,
    updatedAt: at,
  };
}

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('departments.createActions', () => {
  it('writes the department and its audit record together', async () => {
    const edu = dept('D-EDU');

    await db.write(departments.createActions(edu, ctx('2026-03-01T08:00:00Z')));

    expect(await departments.get(db, 'D-EDU')).toEqual(edu);
    const audit = await listAudit(db, 'D-EDU', {});
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      entityType: 'department',
      entityId: 'D-EDU',
      action: 'create',
      actor: { sub: 'user-finance', role: 'finance' },
      at: '2026-03-01T08:00:00.000Z',
      requestId: 'req-1',
      before: null,
      after: edu,
    });
  });

  it('refuses the same id again with a Conflict and writes no second audit record', async () => {
    await db.write(departments.createActions(dept('D-EDU'), ctx('2026-03-01T08:00:00Z')));

    const err = await errorOf(
      db.write(departments.createActions(dept('D-EDU', 1, 'Another name'), ctx('2026-03-01T09:00:00Z'))),
    );

    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).detail).toBe('Department D-EDU already exists');
    expect((await departments.get(db, 'D-EDU'))?.name).toBe('Department D-EDU');
    expect((await listAudit(db, 'D-EDU', {})).items).toHaveLength(1);
  });
});

describe('departments.updateActions', () => {
  it('replaces the department and appends an audit record, oldest first', async () => {
    const v1 = dept('D-EDU');
    await db.write(departments.createActions(v1, ctx('2026-03-01T08:00:00Z')));
    const v2 = { ...v1, name: 'Education Bureau', version: 2 };

    await db.write(departments.updateActions(v1, v2, ctx('2026-03-02T08:00:00Z')));

    expect(await departments.get(db, 'D-EDU')).toEqual(v2);
    const audit = await listAudit(db, 'D-EDU', {});
    expect(audit.items.map((a) => a.action)).toEqual(['create', 'update']);
    expect(audit.items[1]).toMatchObject({ before: v1, after: v2 });
  });

  it('refuses a stale version with a Conflict, leaving the department and its audit trail unchanged', async () => {
    const v1 = dept('D-EDU');
    await db.write(departments.createActions(v1, ctx('2026-03-01T08:00:00Z')));
    const v2 = { ...v1, name: 'First change', version: 2 };
    await db.write(departments.updateActions(v1, v2, ctx('2026-03-02T08:00:00Z')));

    const stale = { ...v1, name: 'Based on version 1', version: 2 };
    const err = await errorOf(db.write(departments.updateActions(v1, stale, ctx('2026-03-03T08:00:00Z'))));

    expect(err).toBeInstanceOf(Conflict);
    expect(await departments.get(db, 'D-EDU')).toEqual(v2);
    expect((await listAudit(db, 'D-EDU', {})).items).toHaveLength(2);
  });
});

describe('departments.list', () => {
  it('pages over 7 departments 3 at a time: each exactly once, then no nextToken', async () => {
    const ids = ['D-01', 'D-02', 'D-03', 'D-04', 'D-05', 'D-06', 'D-07'];
    for (const id of ids) await db.write(departments.createActions(dept(id), ctx('2026-03-01T08:00:00Z')));

    const pages: string[][] = [];
    let nextToken: string | undefined;
    do {
      const page = await departments.list(db, { limit: 3, nextToken });
      pages.push(page.items.map((d) => d.id));
      nextToken = page.nextToken;
    } while (nextToken && pages.length < 10);

    expect(pages.flat()).toEqual(ids);
    expect(pages.slice(0, 3).map((p) => p.length)).toEqual([3, 3, 1]);
    expect(nextToken).toBeUndefined();
  });
});

describe('the rule configuration', () => {
  it('is the defaults, version 1, until a version is saved', async () => {
    const config = await currentConfig(db, 2026);

    expect(config).toMatchObject({ fiscalYear: 2026, version: 1, isDefault: true, ...defaultRuleValues });
  });

  it('is the newest saved version once versions are saved', async () => {
    const v1 = await currentConfig(db, 2026);
    const v2 = newConfigVersion(
      v1,
      { ...defaultRuleValues, results: { cutShare: 0.15 } },
      ctx('2026-03-01T08:00:00Z'),
    );
    await db.write(saveConfigActions(v1, v2, ctx('2026-03-01T08:00:00Z')));
    const v3 = newConfigVersion(
      v2,
      { ...defaultRuleValues, results: { cutShare: 0.2 } },
      ctx('2026-03-02T08:00:00Z'),
    );
    await db.write(saveConfigActions(v2, v3, ctx('2026-03-02T08:00:00Z')));

    const config = await currentConfig(db, 2026);

    expect(config).toMatchObject({
      version: 3,
      isDefault: false,
      results: { cutShare: 0.2 },
      createdBy: 'user-finance',
    });
  });

  it('keeps each fiscal year apart', async () => {
    const v1 = await currentConfig(db, 2026);
    const v2 = newConfigVersion(
      v1,
      { ...defaultRuleValues, results: { cutShare: 0.15 } },
      ctx('2026-03-01T08:00:00Z'),
    );
    await db.write(saveConfigActions(v1, v2, ctx('2026-03-01T08:00:00Z')));

    expect(await currentConfig(db, 2027)).toMatchObject({ fiscalYear: 2027, version: 1, isDefault: true });
  });

  it('lets exactly one of two concurrent saves based on the same version succeed', async () => {
    const base = await currentConfig(db, 2026);
    const a = newConfigVersion(
      base,
      { ...defaultRuleValues, results: { cutShare: 0.15 } },
      ctx('2026-03-01T08:00:00Z'),
    );
    const b = newConfigVersion(
      base,
      { ...defaultRuleValues, results: { cutShare: 0.2 } },
      ctx('2026-03-01T08:00:00Z'),
    );

    const outcomes = await Promise.allSettled([
      db.write(saveConfigActions(base, a, ctx('2026-03-01T08:00:00Z'))),
      db.write(saveConfigActions(base, b, ctx('2026-03-01T08:00:00Z'))),
    ]);

    const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toBeInstanceOf(Conflict);
    const winner = outcomes[0]?.status === 'fulfilled' ? a : b;
    expect(await currentConfig(db, 2026)).toMatchObject({ version: 2, results: winner.results });
    expect((await listAudit(db, 'config-2026', {})).items).toHaveLength(1);
  });
});
