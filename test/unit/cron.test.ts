import type { Cron } from 'croner';
import { afterEach, describe, expect, it } from 'vitest';
import { cronJob, translateAwsCron } from '../../infra/local/cron.js';

const SHANGHAI = 'Asia/Shanghai';
const jobs: Cron[] = [];

/** The next `n` runs of a paused job, from `from`. */
function nextRuns(expression: string, n: number, from: string, timezone = SHANGHAI): string[] {
  const job = cronJob(expression, timezone);
  jobs.push(job);
  return job.nextRuns(n, new Date(from)).map((d) => d.toISOString());
}

afterEach(() => {
  for (const job of jobs.splice(0)) job.stop();
});

describe('translateAwsCron', () => {
  it('prefixes seconds and reads ? as any', () => {
    expect(translateAwsCron('cron(0 2 * * ? *)', SHANGHAI)).toEqual({
      pattern: '0 0 2 * * * *',
      options: { alternativeWeekdays: true, mode: '7-part', timezone: SHANGHAI },
    });
  });

  it('refuses both day-of-month and day-of-week given', () => {
    expect(() => translateAwsCron('cron(0 2 * * * *)', SHANGHAI)).toThrow(/exactly one/);
  });

  it('refuses both day-of-month and day-of-week as ?', () => {
    expect(() => translateAwsCron('cron(0 2 ? * ? *)', SHANGHAI)).toThrow(/exactly one/);
  });

  it('refuses five fields', () => {
    expect(() => translateAwsCron('cron(0 2 * * ?)', SHANGHAI)).toThrow(/six fields/);
  });

  it('refuses an expression that is not cron(...)', () => {
    expect(() => translateAwsCron('0 2 * * ? *', SHANGHAI)).toThrow(/Not an AWS cron/);
  });

  it('refuses a rate() expression', () => {
    expect(() => translateAwsCron('rate(5 minutes)', SHANGHAI)).toThrow(/Not an AWS cron/);
  });
});

describe('cronJob', () => {
  it('runs cron(0 2 * * ? *) in Asia/Shanghai at 18:00Z the day before', () => {
    expect(nextRuns('cron(0 2 * * ? *)', 3, '2026-03-10T00:00:00Z')).toEqual([
      '2026-03-10T18:00:00.000Z',
      '2026-03-11T18:00:00.000Z',
      '2026-03-12T18:00:00.000Z',
    ]);
  });

  it('runs cron(0 9 L 4,6,8,10 ? *) on the last days of April, June, August and October', () => {
    expect(nextRuns('cron(0 9 L 4,6,8,10 ? *)', 5, '2026-01-01T00:00:00Z')).toEqual([
      '2026-04-30T01:00:00.000Z',
      '2026-06-30T01:00:00.000Z',
      '2026-08-31T01:00:00.000Z',
      '2026-10-31T01:00:00.000Z',
      '2027-04-30T01:00:00.000Z',
    ]);
  });

  it('skips the weekend for cron(30 8 ? * MON-FRI *)', () => {
    // 2026-01-02 is a Friday: the next run is Monday 2026-01-05, 08:30 Shanghai time.
    expect(nextRuns('cron(30 8 ? * MON-FRI *)', 2, '2026-01-02T01:00:00Z')).toEqual([
      '2026-01-05T00:30:00.000Z',
      '2026-01-06T00:30:00.000Z',
    ]);
  });

  it('reads AWS weekday numbers (1 = Sunday): 2 is Monday', () => {
    const runs = nextRuns('cron(0 8 ? * 2 *)', 4, '2026-01-01T00:00:00Z', 'UTC');

    expect(runs.map((r) => new Date(r).getUTCDay())).toEqual([1, 1, 1, 1]);
    expect(runs[0]).toBe('2026-01-05T08:00:00.000Z');
  });

  it('reads 6#2 as the second Friday of the month', () => {
    expect(nextRuns('cron(0 8 ? * 6#2 *)', 3, '2026-01-01T00:00:00Z', 'UTC')).toEqual([
      '2026-01-09T08:00:00.000Z',
      '2026-02-13T08:00:00.000Z',
      '2026-03-13T08:00:00.000Z',
    ]);
  });

  it('runs only in the year the year field names', () => {
    const runs = nextRuns('cron(0 8 1 * ? 2027)', 20, '2026-01-01T00:00:00Z', 'UTC');

    expect(runs).toHaveLength(12);
    expect(runs.every((r) => r.startsWith('2027-'))).toBe(true);
  });

  it('throws for an invalid expression instead of making a job', () => {
    expect(() => cronJob('cron(0 2 * * *)', SHANGHAI)).toThrow();
  });

  it('stays paused when only its runs are read', () => {
    const job = cronJob('cron(* * * * ? *)', SHANGHAI);
    jobs.push(job);

    expect(job.isRunning()).toBe(false);
  });
});
