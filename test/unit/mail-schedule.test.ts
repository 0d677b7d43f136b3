import type { Cron } from 'croner';
import { afterEach, describe, expect, it } from 'vitest';
import { dueCheckpoint, RETRY_DAYS } from '../../functions/jobs/report-emails.js';
import { schedules } from '../../functions/jobs/schedules.js';
import { cronJob } from '../../infra/local/cron.js';
import { defaultConfig, ruleValuesSchema } from '../../shared/domain/config.js';
import { BadRequest } from '../../shared/domain/errors.js';
import { departmentInput, departmentUpdate } from '../../shared/domain/reference.js';
import { reminderFor } from '../../shared/domain/reminders.js';
import { parseOr400 } from '../../shared/http/validation.js';

// Unit tier: when the report and reminder mails go out, and what addresses the API accepts.
const jobs: Cron[] = [];
afterEach(() => {
  for (const j of jobs.splice(0)) j.stop();
});

function nextRuns(name: string, n: number, from: string): string[] {
  const s = schedules.find((d) => d.name === name)!;
  const job = cronJob(s.cron, s.timezone);
  jobs.push(job);
  return job.nextRuns(n, new Date(from)).map((d) => d.toISOString());
}

const configs =
  (change: (c: ReturnType<typeof defaultConfig>) => void = () => {}) =>
  async (year: number) => {
    const c = defaultConfig(year);
    change(c);
    return c;
  };

describe('the report-emails schedule', () => {
  it('is declared once, daily at 09:00 in Shanghai (after the 02:00 sweep), with the right to send mail', () => {
    const s = schedules.filter((d) => d.name === 'report-emails');

    expect(s).toHaveLength(1);
    expect(s[0]).toMatchObject({
      cron: 'cron(0 9 * * ? *)',
      timezone: 'Asia/Shanghai',
      entry: 'functions/jobs/report-emails.ts',
      access: { table: 'readWrite', sendEmail: true },
    });
    expect(nextRuns('report-emails', 2, '2026-08-31T20:00:00Z')).toEqual([
      '2026-09-01T01:00:00.000Z',
      '2026-09-02T01:00:00.000Z',
    ]);
  });

  it('sends the reports of the checkpoint that closed yesterday', async () => {
    expect(await dueCheckpoint('2026-09-01', configs())).toBe('2026-08-31');
    expect(await dueCheckpoint('2026-05-01', configs())).toBe('2026-04-30');
  });

  it(`keeps retrying it for ${RETRY_DAYS} days, then stops`, async () => {
    expect(await dueCheckpoint('2026-09-03', configs())).toBe('2026-08-31');
    expect(await dueCheckpoint('2026-09-04', configs())).toBeUndefined();
  });

  it('does nothing on other days', async () => {
    expect(await dueCheckpoint('2026-08-31', configs())).toBeUndefined();
    expect(await dueCheckpoint('2026-07-15', configs())).toBeUndefined();
  });

  it('follows the checkpoints of the configuration in force, also across the new year', async () => {
    const moved = configs((c) => {
      c.monitoring.checkpoints = ['03-31', '12-31'];
    });

    expect(await dueCheckpoint('2026-04-01', moved)).toBe('2026-03-31');
    expect(await dueCheckpoint('2026-05-01', moved)).toBeUndefined();
    expect(await dueCheckpoint('2027-01-01', moved)).toBe('2026-12-31');
  });
});

describe('the reminders', () => {
  const config = defaultConfig(2026); // 3 working days
  const open = { status: 'open' as const, dueOn: '2026-09-14' }; // a Monday

  it('are declared once, daily, with the right to send mail', () => {
    expect(schedules.filter((d) => d.name === 'rectification-reminders')).toEqual([
      expect.objectContaining({
        cron: 'cron(30 8 * * ? *)',
        timezone: 'Asia/Shanghai',
        entry: 'functions/jobs/reminders.ts',
        access: { table: 'readWrite', sendEmail: true },
      }),
    ]);
  });

  it('remind a department from 3 working days before the due date, to the day itself', () => {
    expect(reminderFor(open, '2026-09-08', config)).toBeUndefined(); // Tue: 4 working days left
    expect(reminderFor(open, '2026-09-09', config)).toEqual({ kind: 'due-soon', workingDaysLeft: 3 });
    expect(reminderFor(open, '2026-09-12', config)).toEqual({ kind: 'due-soon', workingDaysLeft: 1 }); // Sat
    expect(reminderFor(open, '2026-09-14', config)).toEqual({ kind: 'due-soon', workingDaysLeft: 0 });
  });

  it('count working days with the configured holidays', () => {
    const withHoliday = { ...config, calendar: { holidays: ['2026-09-11'], makeUpWorkdays: [] } };

    expect(reminderFor(open, '2026-09-08', withHoliday)).toEqual({ kind: 'due-soon', workingDaysLeft: 3 });
  });

  it('tell the bureau once a notice is past its due date unanswered', () => {
    expect(reminderFor(open, '2026-09-15', config)).toEqual({ kind: 'overdue' });
    expect(reminderFor({ ...open, status: 'overdue' }, '2026-09-10', config)).toEqual({ kind: 'overdue' });
  });

  it('leave answered and closed notices alone', () => {
    for (const status of ['responded', 'resolved', 'not_resolved'] as const) {
      expect(reminderFor({ ...open, status }, '2026-09-20', config)).toBeUndefined();
    }
  });
});

describe('addresses are validated when saved', () => {
  function pathsOf(schema: Parameters<typeof parseOr400>[0], input: unknown): string[] {
    try {
      parseOr400(schema, input, '', 'body');
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequest);
      return ((err as BadRequest).errors ?? []).map((e) => e.path);
    }
    return [];
  }

  it('a department’s contactEmails: the error names the index', () => {
    const body = {
      id: 'D-EDU',
      name: '区教育局',
      contactEmails: ['jiaoyu@example.gov.cn', 'not an address'],
    };

    expect(pathsOf(departmentInput, body)).toEqual(['contactEmails[1]']);
    expect(pathsOf(departmentInput, { ...body, contactEmails: ['jiaoyu@example.gov.cn'] })).toEqual([]);
    expect(pathsOf(departmentUpdate, { name: 'x', contactEmails: ['a@b', 'ok@example.cn'] })).toEqual([
      'contactEmails[0]',
    ]);
  });

  it('the configuration’s bureauEmails: the error names the index', () => {
    const { fiscalYear: _y, version: _v, isDefault: _d, ...values } = defaultConfig(2026);
    const body = { ...values, bureauEmails: ['czj@example.gov.cn', 'czj@example.gov.cn\r\nBcc: x@evil.cn'] };

    expect(pathsOf(ruleValuesSchema, body)).toEqual(['bureauEmails[1]']);
    expect(pathsOf(ruleValuesSchema, { ...values, bureauEmails: ['czj@example.gov.cn'] })).toEqual([]);
  });
});
