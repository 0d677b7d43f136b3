import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MailDraft, STALE_SENDING_MS } from '../../shared/mail/delivery.js';
import { DynamoMailLog } from '../../shared/store/mail-log.js';
import { type LocalDb, startLocalDb } from './local-db.js';

// Integration tier: the records of once-only mails against the real local DynamoDB — the conditional create,
// the takeover conditioned on what was read, and settling.
const draft: MailDraft = {
  scope: 'REPORT#2026-08-31',
  key: 'DEPT#D-EDU',
  kind: 'department-report',
  to: ['jiaoyu@example.gov.cn'],
  subject: '【预算绩效监控】区教育局监控报告（截至 2026-08-31）',
  departmentId: 'D-EDU',
  context: { asOf: '2026-08-31', sweepId: 'S-1' },
};
const t0 = new Date('2026-09-01T01:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

let local: LocalDb;
let log: DynamoMailLog;

beforeAll(async () => {
  local = await startLocalDb();
});
afterAll(async () => {
  await local?.close();
});
beforeEach(async () => {
  log = new DynamoMailLog(await local.freshDb());
});

describe('DynamoMailLog', () => {
  it('claims a new mail with a `sending` record', async () => {
    const c = await log.claim(draft, t0);

    expect(c.outcome).toBe('claimed');
    expect(await log.get(draft.scope, draft.key)).toMatchObject({
      ...draft,
      status: 'sending',
      attempts: 1,
      claimedAt: t0.toISOString(),
    });
  });

  it('lets only one of two simultaneous claims through', async () => {
    const outcomes = await Promise.all([log.claim(draft, t0), log.claim(draft, t0)]);

    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['busy', 'claimed']);
  });

  it('answers `sent` once the mail is marked sent, with its message id', async () => {
    const c = await log.claim(draft, t0);
    await log.markSent(c.record, 'msg-1', later(1000));

    const again = await log.claim(draft, later(60 * 60_000));

    expect(again).toMatchObject({ outcome: 'sent', record: { status: 'sent', messageId: 'msg-1' } });
  });

  it('takes over a failed mail at once, counting the attempt', async () => {
    const c = await log.claim(draft, t0);
    await log.markFailed(c.record, 'TooManyRequestsException: slow down', later(1000));

    const retry = await log.claim(draft, later(2000));

    expect(retry).toMatchObject({ outcome: 'claimed', record: { status: 'sending', attempts: 2 } });
    expect(await log.get(draft.scope, draft.key)).toMatchObject({ status: 'sending', attempts: 2 });
  });

  it('leaves a fresh `sending` record to its run, and takes over a stale one', async () => {
    await log.claim(draft, t0);

    expect((await log.claim(draft, later(STALE_SENDING_MS - 1))).outcome).toBe('busy');
    expect((await log.claim(draft, later(STALE_SENDING_MS))).outcome).toBe('claimed');
  });

  it('does not mark failed a mail whose claim another run took over', async () => {
    const first = await log.claim(draft, t0);
    const second = await log.claim(draft, later(STALE_SENDING_MS));

    await log.markFailed(first.record, 'late failure', later(STALE_SENDING_MS + 1));

    expect(second.outcome).toBe('claimed');
    expect(await log.get(draft.scope, draft.key)).toMatchObject({ status: 'sending', attempts: 2 });
  });

  it('lists the records of an occasion', async () => {
    await log.claim(draft, t0);
    await log.claim({ ...draft, key: 'BUREAU', kind: 'bureau-summary', departmentId: undefined }, t0);
    await log.claim({ ...draft, scope: 'REPORT#2026-10-31' }, t0);

    expect((await log.list('REPORT#2026-08-31')).map((r) => r.key)).toEqual(['BUREAU', 'DEPT#D-EDU']);
  });
});
