import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendReminders } from '../../shared/app/reminders.js';
import type { Actor } from '../../shared/domain/actor.js';
import { defaultConfig } from '../../shared/domain/config.js';
import type { Rectification } from '../../shared/domain/rectification.js';
import type { Mailer, OutgoingRaw } from '../../shared/mail/ses.js';
import { newConfigVersion, saveConfigActions } from '../../shared/store/config.js';
import type { Db } from '../../shared/store/db.js';
import { rectifications } from '../../shared/store/monitoring.js';
import { departments } from '../../shared/store/reference.js';
import { readMail } from '../support/mail.js';
import { type LocalDb, startLocalDb } from './local-db.js';

// Integration tier: the daily rectification reminders against the real local DynamoDB (notices found on their
// index, once per notice per kind), with SES replaced by a recording mailer.
const finance: Actor = { sub: 'user-finance', role: 'finance' };
const ctx = { actor: finance, now: new Date('2026-08-01T00:00:00Z'), requestId: 'req-1' };
const FROM = 'performance@finance.example.gov.cn';
const BUREAU = 'czj@example.gov.cn';

/** Records what it sends; refuses the recipients in `refuse`. */
class RecordingMailer implements Mailer {
  sent: OutgoingRaw[] = [];
  refuse = new Set<string>();
  async send(m: OutgoingRaw): Promise<string> {
    if (m.to.some((a) => this.refuse.has(a)))
      throw new Error('MessageRejected: Email address is not verified.');
    this.sent.push(m);
    this.subjectsSent.push((await readMail(m.raw)).subject ?? '');
    return `msg-${this.sent.length}`;
  }
  /** The subjects of the messages sent, as mailparser reads them. */
  subjectsSent: string[] = [];
  subjects() {
    return this.subjectsSent;
  }
}

function notice(
  id: string,
  status: Rectification['status'],
  dueOn: string,
  departmentId = 'D-EDU',
): Rectification {
  return {
    id,
    projectId: `P-${id}`,
    projectName: `项目${id}`,
    departmentId,
    fiscalYear: 2026,
    cause: 'execution',
    reason: '预算执行进度滞后（红灯）',
    reasons: { 'zh-CN': '预算执行进度滞后（红灯）', en: 'Spending lags (red)' },
    issuedOn: '2026-08-31',
    dueOn,
    status,
    sweepId: 'S-1',
    version: 1,
    createdAt: '2026-08-31T00:00:00.000Z',
    updatedAt: '2026-08-31T00:00:00.000Z',
  };
}

let local: LocalDb;
let db: Db;
let mailer: RecordingMailer;
const run = (today: string) =>
  sendReminders({ db, mailer, mailFrom: () => FROM }, { today, now: new Date(`${today}T00:30:00Z`) });

beforeAll(async () => {
  local = await startLocalDb();
});
afterAll(async () => {
  await local?.close();
});

beforeEach(async () => {
  db = await local.freshDb();
  mailer = new RecordingMailer();
  const at = ctx.now.toISOString();
  for (const [id, name, locale] of [
    ['D-EDU', '区教育局', 'zh-CN'],
    ['D-CIVIL', 'Civil Affairs', 'en'],
  ] as const) {
    await db.write(
      departments.createActions(
        {
          id,
          name,
          contactEmails: [`${id.toLowerCase()}@example.gov.cn`],
          locale,
          version: 1,
          createdAt: at,
          updatedAt: at,
        },
        ctx,
      ),
    );
  }
  const config = defaultConfig(2026);
  const { fiscalYear: _y, version: _v, isDefault: _d, ...values } = config;
  await db.write(
    saveConfigActions(config, newConfigVersion(config, { ...values, bureauEmails: [BUREAU] }, ctx), ctx),
  );
  // today will be Thursday 2026-09-10; 3 working days ahead is Tuesday 2026-09-15
  for (const r of [
    notice('A', 'open', '2026-09-14'), // Monday: 2 working days left → the department
    notice('B', 'open', '2026-09-09'), // past due, unanswered → the bureau
    notice('C', 'overdue', '2026-09-01'), // marked overdue by a sweep → the bureau
    notice('D', 'open', '2026-09-30'), // not yet
    notice('E', 'responded', '2026-09-11'), // answered: nothing
    notice('F', 'open', '2026-09-15', 'D-CIVIL'), // Tuesday: 3 working days left → the department, in English
  ]) {
    await db.put(rectifications.toItem(r));
  }
});

describe('sendReminders', () => {
  it('reminds departments of notices due within 3 working days and tells the bureau of overdue ones', async () => {
    const out = await run('2026-09-10');

    expect(out.sent.map((s) => [s.kind, s.noticeId, s.to])).toEqual([
      ['overdue', 'C', [BUREAU]],
      ['overdue', 'B', [BUREAU]],
      ['due-soon', 'A', ['d-edu@example.gov.cn']],
      ['due-soon', 'F', ['d-civil@example.gov.cn']],
    ]);
    expect(mailer.subjects()).toEqual([
      '【整改逾期】区教育局“项目C”整改通知已逾期',
      '【整改逾期】区教育局“项目B”整改通知已逾期',
      '【整改提醒】“项目A”整改通知将于 2026-09-14 到期',
      'Rectification due on 2026-09-15: "项目F"',
    ]);
  });

  it('sends each reminder once: the same day again, or the next day, sends nothing new', async () => {
    await run('2026-09-10');
    const again = await run('2026-09-10');
    const nextDay = await run('2026-09-11');

    expect(again.sent).toEqual([]);
    expect(again.alreadySent).toHaveLength(4);
    expect(nextDay.sent).toEqual([]);
    expect(mailer.sent).toHaveLength(4);
  });

  it('tells the bureau when a reminded notice later becomes overdue (another kind)', async () => {
    await run('2026-09-10');

    const later = await run('2026-09-15');

    expect(later.sent.map((s) => [s.kind, s.noticeId])).toEqual([['overdue', 'A']]);
  });

  it('a refused send is reported, does not stop the others, and goes out on a later run', async () => {
    mailer.refuse.add('d-edu@example.gov.cn');
    const out = await run('2026-09-10');
    mailer.refuse.clear();
    const retry = await run('2026-09-11');

    expect(out.failed.map((f) => [f.kind, f.noticeId, f.error])).toEqual([
      ['due-soon', 'A', 'Error: MessageRejected: Email address is not verified.'],
    ]);
    expect(out.sent).toHaveLength(3);
    expect(retry.sent.map((s) => [s.kind, s.noticeId])).toEqual([['due-soon', 'A']]);
  });

  it('skips the bureau’s mails while the configuration names no bureau address', async () => {
    const v2 = defaultConfig(2026);
    const { fiscalYear: _y, version: _v, isDefault: _d, ...values } = v2;
    await db.write(
      saveConfigActions({ ...v2, version: 2 }, newConfigVersion({ ...v2, version: 2 }, values, ctx), ctx),
    );

    const out = await run('2026-09-10');

    expect(out.sent.map((s) => s.kind)).toEqual(['due-soon', 'due-soon']);
    expect(out.skipped.map((s) => [s.noticeId, s.kind])).toEqual([
      ['C', 'overdue'],
      ['B', 'overdue'],
    ]);
  });
});
