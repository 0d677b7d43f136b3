import * as z from 'zod';
import { Conflict } from '../domain/errors.js';
import {
  type ClaimResult,
  canTakeOver,
  claimedRecord,
  type MailDraft,
  type MailLog,
  type MailRecord,
  mailKinds,
} from '../domain/mail-record.js';
import type { Db, Item } from './db.js';
import { keys } from './keys.js';

/**
 * The records of once-only mails in the table (one item per mail: `MAIL#<scope>` / `<key>`), with the claim
 * protocol of shared/domain/mail-record.ts: a conditional create, a takeover conditional on the state that was
 * read (status and claimedAt), and settling writes.
 */
export const mailRecordSchema = z.object({
  scope: z.string(),
  key: z.string(),
  kind: z.enum(mailKinds),
  to: z.array(z.string()),
  subject: z.string(),
  departmentId: z.string().optional(),
  context: z.record(z.string(), z.string()).optional(),
  status: z.enum(['sending', 'sent', 'failed']),
  attempts: z.int(),
  claimedAt: z.string(),
  createdAt: z.string(),
  messageId: z.string().optional(),
  sentAt: z.string().optional(),
  error: z.string().optional(),
  failedAt: z.string().optional(),
});

const item = (r: MailRecord): Item => ({ ...keys.mailRecord(r.scope, r.key), type: 'mail', ...r });

export class DynamoMailLog implements MailLog {
  constructor(private readonly db: Db) {}

  async get(scope: string, key: string): Promise<MailRecord | undefined> {
    return this.db.get(keys.mailRecord(scope, key), mailRecordSchema);
  }

  async claim(draft: MailDraft, now: Date): Promise<ClaimResult> {
    const fresh = claimedRecord(draft, now);
    try {
      await this.db.write([{ kind: 'create', item: item(fresh), conflict: 'claimed already' }]);
      return { outcome: 'claimed', record: fresh };
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
    }
    const found = await this.get(draft.scope, draft.key);
    if (!found)
      throw new Conflict(`The record of mail ${draft.scope}/${draft.key} vanished while claiming it`);
    if (found.status === 'sent') return { outcome: 'sent', record: found };
    if (!canTakeOver(found, now)) return { outcome: 'busy', record: found };
    const next = claimedRecord(draft, now, found);
    try {
      await this.db.write([
        {
          kind: 'update',
          key: keys.mailRecord(draft.scope, draft.key),
          set: {
            status: next.status,
            attempts: next.attempts,
            claimedAt: next.claimedAt,
            to: next.to,
            subject: next.subject,
          },
          condition: {
            expression: '#st = :seenStatus AND claimedAt = :seenClaim',
            names: { '#st': 'status' },
            values: { ':seenStatus': found.status, ':seenClaim': found.claimedAt },
          },
          conflict: 'taken over by another run',
        },
      ]);
      return { outcome: 'claimed', record: next };
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      // Another run took it over (or finished it) between our read and our write.
      const now2 = await this.get(draft.scope, draft.key);
      if (now2?.status === 'sent') return { outcome: 'sent', record: now2 };
      return { outcome: 'busy', record: now2 ?? found };
    }
  }

  async markSent(claimed: MailRecord, messageId: string, now: Date): Promise<void> {
    // A sent message is a fact: recorded whoever holds the claim now.
    await this.db.write([
      {
        kind: 'update',
        key: keys.mailRecord(claimed.scope, claimed.key),
        set: { status: 'sent', messageId, sentAt: now.toISOString() },
        conflict: `The record of mail ${claimed.scope}/${claimed.key} is missing`,
      },
    ]);
  }

  async markFailed(claimed: MailRecord, error: string, now: Date): Promise<void> {
    try {
      await this.db.write([
        {
          kind: 'update',
          key: keys.mailRecord(claimed.scope, claimed.key),
          set: { status: 'failed', error, failedAt: now.toISOString() },
          condition: {
            expression: '#st = :sending AND claimedAt = :mine',
            names: { '#st': 'status' },
            values: { ':sending': 'sending', ':mine': claimed.claimedAt },
          },
          conflict: 'no longer ours',
        },
      ]);
    } catch (err) {
      // Someone else holds the claim now (or sent it): their outcome stands.
      if (!(err instanceof Conflict)) throw err;
    }
  }

  /** The records of one occasion (a report's asOf), by key. */
  async list(scope: string): Promise<MailRecord[]> {
    return this.db.all({ pk: keys.mailScope(scope), limit: 100 }, mailRecordSchema);
  }
}
