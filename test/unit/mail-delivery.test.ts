import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import { departmentReportMessage } from '../../shared/mail/compose.js';
import {
  type ClaimResult,
  canTakeOver,
  claimedRecord,
  type DeliveryLogger,
  deliver,
  type MailDraft,
  type MailLog,
  type MailRecord,
  type OutgoingMail,
  STALE_SENDING_MS,
} from '../../shared/mail/delivery.js';
import type { DepartmentReport } from '../../shared/mail/model.js';
import { sesMailer } from '../../shared/mail/ses.js';
import { sampleDepartmentReport } from '../fixtures/sample-report.js';
import { rawHeader, readMail } from '../support/mail.js';

// Unit tier: the exactly-once protocol of the report mails, with SES faked by aws-sdk-client-mock and the
// records in memory (the same claim rules as the DynamoDB log, which test/integration/mail-log.test.ts runs
// against the local DynamoDB).
const FROM = 'performance@finance.example.gov.cn';
const ses = mockClient(SESv2Client);
const mailer = sesMailer(new SESv2Client({ region: 'us-east-1' }));

/** The records in a Map, with the conditional semantics of DynamoMailLog. */
class MemoryMailLog implements MailLog {
  readonly records = new Map<string, MailRecord>();
  failMarkSent = false;
  private id = (scope: string, key: string) => `${scope}|${key}`;

  async claim(draft: MailDraft, now: Date): Promise<ClaimResult> {
    const found = this.records.get(this.id(draft.scope, draft.key));
    if (!found) {
      const record = claimedRecord(draft, now);
      this.records.set(this.id(draft.scope, draft.key), record);
      return { outcome: 'claimed', record };
    }
    if (found.status === 'sent') return { outcome: 'sent', record: found };
    if (!canTakeOver(found, now)) return { outcome: 'busy', record: found };
    const record = claimedRecord(draft, now, found);
    this.records.set(this.id(draft.scope, draft.key), record);
    return { outcome: 'claimed', record };
  }

  async markSent(claimed: MailRecord, messageId: string, now: Date): Promise<void> {
    if (this.failMarkSent) throw new Error('ProvisionedThroughputExceededException');
    const r = this.records.get(this.id(claimed.scope, claimed.key))!;
    this.records.set(this.id(claimed.scope, claimed.key), {
      ...r,
      status: 'sent',
      messageId,
      sentAt: now.toISOString(),
    });
  }

  async markFailed(claimed: MailRecord, error: string, now: Date): Promise<void> {
    const r = this.records.get(this.id(claimed.scope, claimed.key))!;
    if (r.status !== 'sending' || r.claimedAt !== claimed.claimedAt) return;
    this.records.set(this.id(claimed.scope, claimed.key), {
      ...r,
      status: 'failed',
      error,
      failedAt: now.toISOString(),
    });
  }

  status(key: string) {
    return this.records.get(this.id('REPORT#2026-08-31', key));
  }
}

const departments = [
  { id: 'D-EDU', name: '区教育局', to: ['jiaoyu@example.gov.cn'] },
  {
    id: 'D-HEALTH',
    name: '区卫生健康委员会',
    to: ['weijian@example.gov.cn', 'office@weijian.example.gov.cn'],
  },
  { id: 'D-CIVIL', name: 'District Civil Affairs Bureau', to: ['minzheng@example.gov.cn'] },
];

/** One report mail per department, as shared/store/report-emails.ts builds them. */
function reportMails(): OutgoingMail[] {
  return departments.map((d) => {
    const report: DepartmentReport = {
      ...sampleDepartmentReport,
      departmentId: d.id,
      departmentName: d.name,
      locale: d.id === 'D-CIVIL' ? 'en' : 'zh-CN',
      projects: sampleDepartmentReport.projects.map((p) => ({
        ...p,
        departmentId: d.id,
        departmentName: d.name,
      })),
    };
    return {
      draft: {
        scope: 'REPORT#2026-08-31',
        key: `DEPT#${d.id}`,
        kind: 'department-report',
        to: d.to,
        subject: `report of ${d.id}`,
        departmentId: d.id,
        context: { asOf: '2026-08-31' },
      },
      build: () => departmentReportMessage(report, d.to, FROM),
    };
  });
}

let clock: Date;
let log: MemoryMailLog;
type LogFn = (message: string, extra: Record<string, unknown>) => void;
let logger: DeliveryLogger & { error: Mock<LogFn> };
let messageNo: number;
/** Recipients whose sends SES refuses. */
let refuse: Set<string>;

// One at a time, so SES's message ids follow the order of the mails (the next test runs them concurrently).
const run = (mails = reportMails(), concurrency = 1) =>
  deliver(mails, { log, mailer, from: FROM, now: () => clock, logger, concurrency });
const sentTo = () =>
  ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input.Destination?.ToAddresses?.join(','));

beforeEach(() => {
  clock = new Date('2026-09-01T01:00:00Z');
  log = new MemoryMailLog();
  logger = { info: vi.fn<LogFn>(), warn: vi.fn<LogFn>(), error: vi.fn<LogFn>() };
  messageNo = 0;
  refuse = new Set();
  ses.reset();
  ses.on(SendEmailCommand).callsFake((input: SendEmailCommand['input']) => {
    const to = input.Destination?.ToAddresses ?? [];
    if (to.some((a) => refuse.has(a))) {
      throw Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' });
    }
    messageNo++;
    return { MessageId: `msg-${messageNo}` };
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a first run', () => {
  it('sends each report once through SES with the raw MIME message', async () => {
    const out = await run();

    expect(out.sent.map((s) => [s.departmentId, s.messageId])).toEqual([
      ['D-EDU', 'msg-1'],
      ['D-HEALTH', 'msg-2'],
      ['D-CIVIL', 'msg-3'],
    ]);
    expect(out.alreadySent).toEqual([]);
    expect(out.failed).toEqual([]);
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(3);
    const input = calls[1]!.args[0].input;
    expect(input.FromEmailAddress).toBe(FROM);
    expect(input.Destination?.ToAddresses).toEqual(departments[1]!.to);
    const raw = Buffer.from(input.Content!.Raw!.Data!);
    expect(rawHeader(raw, 'to')).toBe('weijian@example.gov.cn, office@weijian.example.gov.cn');
    expect((await readMail(raw)).subject).toBe('【预算绩效监控】区卫生健康委员会监控报告（截至 2026-08-31）');
  });

  it('sends each once when several go out at the same time, and reports them in the order given', async () => {
    const out = await run(reportMails(), 4);

    expect(out.sent.map((s) => s.departmentId)).toEqual(['D-EDU', 'D-HEALTH', 'D-CIVIL']);
    expect(new Set(out.sent.map((s) => s.messageId)).size).toBe(3);
    expect(sentTo().sort()).toEqual(departments.map((d) => d.to.join(',')).sort());
  });

  it('leaves a `sent` record with SES’s message id for each', async () => {
    await run();

    expect(log.status('DEPT#D-EDU')).toMatchObject({ status: 'sent', messageId: 'msg-1', attempts: 1 });
    expect(log.status('DEPT#D-CIVIL')).toMatchObject({ status: 'sent', messageId: 'msg-3' });
  });
});

describe('a repeated run', () => {
  it('sends nothing and lists every report under alreadySent with its message id', async () => {
    await run();
    ses.resetHistory();
    clock = new Date('2026-09-01T05:00:00Z');

    const again = await run();

    expect(sentTo()).toEqual([]);
    expect(again.sent).toEqual([]);
    expect(again.alreadySent.map((s) => [s.departmentId, s.messageId])).toEqual([
      ['D-EDU', 'msg-1'],
      ['D-HEALTH', 'msg-2'],
      ['D-CIVIL', 'msg-3'],
    ]);
  });

  it('does not even render an already-sent report', async () => {
    await run();
    const mails = reportMails().map((m) => ({ ...m, build: vi.fn(m.build) }));

    await run(mails);

    for (const m of mails) expect(m.build).not.toHaveBeenCalled();
  });
});

describe('a send that fails for one department', () => {
  it('does not stop the others, and is reported in `failed` and in the logs', async () => {
    refuse.add('weijian@example.gov.cn');

    const out = await run();

    expect(out.sent.map((s) => s.departmentId)).toEqual(['D-EDU', 'D-CIVIL']);
    expect(out.failed).toEqual([
      {
        kind: 'department-report',
        departmentId: 'D-HEALTH',
        to: departments[1]!.to,
        error: 'TooManyRequestsException: Maximum sending rate exceeded.',
        attempts: 1,
      },
    ]);
    expect(log.status('DEPT#D-HEALTH')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/rate/),
    });
    expect(logger.error).toHaveBeenCalledWith(
      'mail send failed; a later run retries it',
      expect.objectContaining({ departmentId: 'D-HEALTH', scope: 'REPORT#2026-08-31', attempt: 1 }),
    );
    // no addresses in the logs
    expect(JSON.stringify(logger.error.mock.calls)).not.toContain('@');
  });

  it('is sent by a later run — and only it', async () => {
    refuse.add('weijian@example.gov.cn');
    await run();
    refuse.clear();
    ses.resetHistory();
    clock = new Date('2026-09-01T01:01:00Z');

    const later = await run();

    expect(sentTo()).toEqual(['weijian@example.gov.cn,office@weijian.example.gov.cn']);
    expect(later.sent).toEqual([
      { kind: 'department-report', departmentId: 'D-HEALTH', to: departments[1]!.to, messageId: 'msg-3' },
    ]);
    expect(later.alreadySent.map((s) => s.departmentId)).toEqual(['D-EDU', 'D-CIVIL']);
    expect(later.failed).toEqual([]);
    expect(log.status('DEPT#D-HEALTH')).toMatchObject({ status: 'sent', messageId: 'msg-3', attempts: 2 });
  });

  it('a report that cannot be rendered fails alone, too', async () => {
    const mails = reportMails();
    mails[0] = { ...mails[0]!, build: async () => Promise.reject(new TypeError('bad data')) };

    const out = await run(mails);

    expect(out.failed.map((f) => [f.departmentId, f.error])).toEqual([['D-EDU', 'TypeError: bad data']]);
    expect(out.sent.map((s) => s.departmentId)).toEqual(['D-HEALTH', 'D-CIVIL']);
  });
});

describe('a run that died between claim and send', () => {
  async function claimOnly() {
    await log.claim(reportMails()[0]!.draft, clock);
  }

  it('leaves a `sending` record that a run within the stale window does not touch (another run is at it)', async () => {
    await claimOnly();
    clock = new Date(clock.getTime() + STALE_SENDING_MS - 1000);

    const out = await run();

    expect(out.inProgress.map((s) => s.departmentId)).toEqual(['D-EDU']);
    expect(sentTo()).not.toContain('jiaoyu@example.gov.cn');
  });

  it('is retried once the record is older than the stale window (at least once)', async () => {
    await claimOnly();
    clock = new Date(clock.getTime() + STALE_SENDING_MS);

    const out = await run();

    expect(out.sent.map((s) => s.departmentId)).toEqual(['D-EDU', 'D-HEALTH', 'D-CIVIL']);
    expect(log.status('DEPT#D-EDU')).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('a message SES accepted whose record could not be marked sent', () => {
  it('is reported as sent and logged; its record stays `sending` (the at-least-once window)', async () => {
    log.failMarkSent = true;

    const out = await run(reportMails().slice(0, 1));

    expect(out.sent.map((s) => s.messageId)).toEqual(['msg-1']);
    expect(log.status('DEPT#D-EDU')?.status).toBe('sending');
    expect(logger.error).toHaveBeenCalledWith(
      'mail sent but its record could not be marked sent',
      expect.objectContaining({ messageId: 'msg-1' }),
    );
  });
});

describe('canTakeOver', () => {
  const record = (status: MailRecord['status'], claimedAt: string) =>
    ({ ...claimedRecord(reportMails()[0]!.draft, new Date(claimedAt)), status }) as MailRecord;
  const now = new Date('2026-09-01T01:10:00Z');

  it('takes over a failed record at once', () => {
    expect(canTakeOver(record('failed', '2026-09-01T01:09:59Z'), now)).toBe(true);
  });

  it('takes over a `sending` record only after the stale window', () => {
    expect(canTakeOver(record('sending', '2026-09-01T01:00:01Z'), now)).toBe(false);
    expect(canTakeOver(record('sending', '2026-09-01T01:00:00Z'), now)).toBe(true);
  });

  it('never takes over a sent record', () => {
    expect(canTakeOver(record('sent', '2026-08-01T00:00:00Z'), now)).toBe(false);
  });

  it('has a window longer than any function’s timeout (API 29 s, jobs 5 min)', () => {
    expect(STALE_SENDING_MS).toBeGreaterThan(5 * 60_000);
  });
});
