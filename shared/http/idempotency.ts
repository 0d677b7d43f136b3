import { createHash } from 'node:crypto';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { Conflict } from '../domain/errors.js';
import type { Db } from '../store/db.js';
import { keys } from '../store/keys.js';

/**
 * `Idempotency-Key` on a POST, scoped to the caller, the method and the concrete path (the same key on
 * `/v1/projects/A/expenditures` and on `/v1/projects/B/expenditures` names two requests): the first request
 * runs and its response is kept for 24 hours; a retry with the same key and body gets that response again
 * and changes nothing; the same key with another body is a 409 (`idempotency-conflict`). While the first is
 * still running a retry is a 409 too (`idempotency-in-progress`: try again shortly). A request that fails is
 * forgotten, so a corrected retry can run. A record past its 24 hours is ignored (DynamoDB's TTL removes it
 * within days; until then it is taken over as if absent).
 */
const KEEP_SECONDS = 24 * 3600;
const IN_PROGRESS_SECONDS = 60;

/** What an Idempotency-Key may be: 1–128 characters of a URL-safe set (a UUID, a ULID, a voucher batch id). */
export const idempotencyKeyPattern = /^[A-Za-z0-9._:~-]{1,128}$/;

const recordSchema = z.object({
  bodyHash: z.string(),
  expiresAt: z.number().optional(),
  status: z.enum(['in_progress', 'completed']),
  lockedUntil: z.number(),
  response: z
    .object({ statusCode: z.number(), body: z.string(), headers: z.record(z.string(), z.string()) })
    .optional(),
});

export const bodyHash = (body: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');

export type Replay = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

export class IdempotencyGuard {
  private readonly key;
  private readonly hash: string;

  constructor(
    private readonly db: Db,
    scope: { sub: string; method: string; path: string; key: string },
    body: unknown,
    private readonly now: Date,
  ) {
    this.key = keys.idempotency(scope.sub, `${scope.method} ${scope.path}`, scope.key);
    this.hash = bodyHash(body);
  }

  /** The stored response of an earlier identical request, or undefined after claiming the key for this one. */
  async begin(): Promise<Replay | undefined> {
    const nowSeconds = Math.floor(this.now.getTime() / 1000);
    const stored = await this.db.get(this.key, recordSchema);
    const existing =
      stored && (stored.expiresAt ?? Number.POSITIVE_INFINITY) > nowSeconds ? stored : undefined;
    const busy = 'A request with this Idempotency-Key is still being processed; retry in a moment';
    if (existing) {
      if (existing.bodyHash !== this.hash) {
        throw new Conflict(
          'This Idempotency-Key was already used with another body; use a new key for a new request',
          undefined,
          'idempotency-conflict',
        );
      }
      if (existing.status === 'completed' && existing.response) {
        const r = existing.response;
        return {
          statusCode: r.statusCode,
          body: r.body,
          headers: { ...r.headers, 'idempotent-replayed': 'true' },
        };
      }
      if (existing.lockedUntil > nowSeconds) throw new Conflict(busy, undefined, 'idempotency-in-progress');
    }
    const item = {
      ...this.key,
      type: 'idempotency',
      bodyHash: this.hash,
      status: 'in_progress',
      lockedUntil: nowSeconds + IN_PROGRESS_SECONDS,
      expiresAt: nowSeconds + KEEP_SECONDS,
    };
    if (!stored) {
      await this.db.write([
        { kind: 'create', item, conflict: busy, conflictKind: 'idempotency-in-progress' },
      ]);
    } else {
      // Take over an abandoned claim (or an expired record) only if nobody else took it over since we read it.
      await this.db.write([
        {
          kind: 'updateExpression',
          key: this.key,
          update: 'SET bodyHash = :h, #st = :p, lockedUntil = :l, expiresAt = :e REMOVE #resp',
          condition: 'lockedUntil = :seen AND bodyHash = :seenHash',
          names: { '#st': 'status', '#resp': 'response' },
          values: {
            ':h': this.hash,
            ':p': 'in_progress',
            ':l': item.lockedUntil,
            ':e': item.expiresAt,
            ':seen': stored.lockedUntil,
            ':seenHash': stored.bodyHash,
          },
          conflict: busy,
          conflictKind: 'idempotency-in-progress',
        },
      ]);
    }
    return undefined;
  }

  async complete(response: Replay): Promise<void> {
    const nowSeconds = Math.floor(this.now.getTime() / 1000);
    await this.db.put({
      ...this.key,
      type: 'idempotency',
      bodyHash: this.hash,
      status: 'completed',
      lockedUntil: 0,
      expiresAt: nowSeconds + KEEP_SECONDS,
      response: {
        statusCode: response.statusCode ?? 200,
        body: String(response.body ?? ''),
        headers: response.headers,
      },
    });
  }

  async abandon(): Promise<void> {
    await this.db.delete(this.key);
  }
}
