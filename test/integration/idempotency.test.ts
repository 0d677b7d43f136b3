import { describe, expect, it } from 'vitest';
import { Conflict } from '../../shared/domain/errors.js';
import { IdempotencyGuard, type Replay } from '../../shared/http/idempotency.js';
import type { Db } from '../../shared/store/db.js';
import { errorOf } from '../support/errors.js';
import { useFreshDb } from './local-db.js';

// Integration tier: the Idempotency-Key guard against the real local DynamoDB.
const scope = { sub: 'user-finance', method: 'POST', path: '/v1/departments', key: 'key-1' };
const body = { id: 'D-EDU', name: 'Education', contactEmails: ['edu@example.cn'] };
const now = new Date('2026-03-01T08:00:00Z');
const response: Replay = {
  statusCode: 201,
  headers: { 'content-type': 'application/json; charset=utf-8', etag: '"1"' },
  body: JSON.stringify({ ...body, version: 1 }),
};

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

describe('IdempotencyGuard', () => {
  it('lets the first request run', async () => {
    expect(await new IdempotencyGuard(db, scope, body, now).begin()).toBeUndefined();
  });

  it('replays the stored response to a retry with the same key and body', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();
    await first.complete(response);

    const replay = await new IdempotencyGuard(db, scope, { ...body }, now).begin();

    expect(replay).toEqual({ ...response, headers: { ...response.headers, 'idempotent-replayed': 'true' } });
  });

  it('refuses the same key with another body with a Conflict', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();
    await first.complete(response);

    const err = await errorOf(new IdempotencyGuard(db, scope, { ...body, name: 'Health' }, now).begin());

    expect(err).toBeInstanceOf(Conflict);
  });

  it('refuses a retry while the first request is still in progress with a Conflict', async () => {
    await new IdempotencyGuard(db, scope, body, now).begin();

    const err = await errorOf(new IdempotencyGuard(db, scope, body, now).begin());

    expect(err).toBeInstanceOf(Conflict);
    expect((err as Conflict).detail).toMatch(/still being processed/);
  });

  it('lets exactly one of two concurrent first requests run', async () => {
    const outcomes = await Promise.allSettled([
      new IdempotencyGuard(db, scope, body, now).begin(),
      new IdempotencyGuard(db, scope, body, now).begin(),
    ]);

    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('lets the request run again once the first was abandoned', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();
    await first.abandon();

    expect(await new IdempotencyGuard(db, scope, body, now).begin()).toBeUndefined();
  });

  it('lets a retry take over an in-progress claim whose lock has expired', async () => {
    await new IdempotencyGuard(db, scope, body, now).begin();
    const later = new Date(now.getTime() + 61_000);

    expect(await new IdempotencyGuard(db, scope, body, later).begin()).toBeUndefined();
  });

  it('keeps keys of other callers apart', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();
    await first.complete(response);

    const other = await new IdempotencyGuard(
      db,
      { ...scope, sub: 'user-other' },
      { ...body, name: 'Health' },
      now,
    ).begin();

    expect(other).toBeUndefined();
  });

  it('keeps the same key on two concrete paths of one route apart (both run)', async () => {
    const a = { ...scope, path: '/v1/projects/P-A/expenditures' };
    const b = { ...scope, path: '/v1/projects/P-B/expenditures' };
    const first = new IdempotencyGuard(db, a, body, now);
    await first.begin();
    await first.complete(response);

    expect(await new IdempotencyGuard(db, b, body, now).begin()).toBeUndefined();
  });

  it('names an in-progress clash and a body clash by their kinds', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();

    const busy = await errorOf(new IdempotencyGuard(db, scope, body, now).begin());
    const other = await errorOf(new IdempotencyGuard(db, scope, { ...body, name: 'x' }, now).begin());

    expect((busy as Conflict).kind).toBe('idempotency-in-progress');
    expect((other as Conflict).kind).toBe('idempotency-conflict');
  });

  it('ignores a record past its 24 hours: the same key with another body runs as a new request', async () => {
    const first = new IdempotencyGuard(db, scope, body, now);
    await first.begin();
    await first.complete(response);
    const nextDay = new Date(now.getTime() + 24 * 3600_000 + 1000);

    const fresh = new IdempotencyGuard(db, scope, { ...body, name: 'Health' }, nextDay);
    expect(await fresh.begin()).toBeUndefined();
    // and the taken-over claim behaves as a new one: a retry of it while it runs is in progress
    const err = await errorOf(new IdempotencyGuard(db, scope, { ...body, name: 'Health' }, nextDay).begin());
    expect((err as Conflict).kind).toBe('idempotency-in-progress');
  });
});
