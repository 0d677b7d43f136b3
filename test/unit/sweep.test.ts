// What one sweep decides for one project (domain.md §3, pure): the snapshot, the rectification notice a red
// light brings (one open per project and cause, due 10 working days later), overdue notices, and the
// clawback recommendation (an overdue or not_resolved notice, or a red light at a checkpoint from August;
// one pending at a time; a cause used once). Also the schedule that runs the sweep daily.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as monitoringSweep from '../../functions/jobs/monitoring-sweep.js';
import { schedules } from '../../functions/jobs/schedules.js';
import { cronJob } from '../../infra/local/cron.js';
import { loadJob } from '../../infra/local/scheduler.js';
import { defaultConfig, type RuleConfig } from '../../shared/domain/config.js';
import type { Project, RectificationStatus } from '../../shared/domain/project.js';
import { sweepProject } from '../../shared/domain/sweep.js';
import { yuan } from '../support/money.js';
import { approvedBudget, educationGoals, executingProject, spentOn } from '../support/projects.js';

const config = defaultConfig(2026);
const ID = 'P2026-TESTSWP1';

/** An executing project of 1,000,000.00 budgeted in January, with the education goals. */
const executing = (over: Partial<Project> = {}): Project =>
  executingProject({
    id: ID,
    goals: educationGoals(),
    budget: approvedBudget({ approvedBy: 'finance-user' }),
    ...over,
  });

/** The project with `yuan` spent on 2026-03-15. */
const spending = (amount: number, over: Partial<Project> = {}) => executing({ ...spentOn(amount), ...over });

/** Red all year: 100,000.00 of 1,000,000.00 (index 20 at June). */
const red = (over: Partial<Project> = {}) => spending(100_000, over);

const NOTICE = 'R-P2026-TESTSWP1-execution-2026-06-30';
/** A notice issued on 2026-06-30, due 2026-07-14. */
const withNotice = (status: RectificationStatus, cause: 'execution' | 'goal' = 'execution', id = NOTICE) => ({
  rectifications: { [id]: { cause, status, issuedOn: '2026-06-30', dueOn: '2026-07-14' } },
});

const sweep = (p: Project, asOf: string, cfg: RuleConfig = config) => sweepProject(p, asOf, 'S-test', cfg);

describe('sweepProject: the snapshot', () => {
  it('holds the figures, the lights and the inputs of the execution index', () => {
    const { snapshot } = sweep(red(), '2026-06-30');

    expect(snapshot).toMatchObject({
      projectId: ID,
      departmentId: 'D-EDU',
      fiscalYear: 2026,
      asOf: '2026-06-30',
      sweepId: 'S-test',
      timeProgress: 0.5,
      timeProgressBasis: { months: 6, source: 'months' },
      spentAmount: 100_000,
      approvedAmount: 1_000_000,
      executionRate: 0.1,
      executionIndex: 20,
      executionLight: 'red',
      goalLight: 'none',
      light: 'red',
      reportPeriod: null,
      goalProgress: null,
      divergence: false,
      configVersion: 1,
    });
  });

  it('counts only the spend dated on or before asOf', () => {
    const p = executing({
      spentFen: yuan(400_000),
      spendByDate: { '2026-03-15': yuan(300_000), '2026-07-01': yuan(100_000) },
    });

    expect(sweep(p, '2026-06-30').snapshot).toMatchObject({ spentAmount: 300_000, executionIndex: 60 });
  });

  it('goal light is none until a monitoring report is filed, even with indicators', () => {
    const { snapshot } = sweep(spending(500_000), '2026-06-30');

    expect(snapshot.goalLight).toBe('none');
    expect(snapshot.indicators.every((i) => i.light === 'none')).toBe(true);
  });

  it('with a report, the goal light is the worst indicator light and the light the worse of both', () => {
    const p = spending(500_000, { reports: [juneReport(3.4)] });

    const { snapshot } = sweep(p, '2026-06-30');

    expect(snapshot.indicators.map((i) => [i.name, i.index, i.light])).toEqual([
      ['新增学位数', 100, 'green'],
      ['工程竣工验收合格率', 120, 'blue'],
      ['项目按期完工率', 100, 'green'],
      ['生均建设成本', null, 'green'],
      ['适龄儿童少年入学率', 200, 'blue'],
      ['办学条件持续改善', null, 'yellow'],
      ['学生家长满意度', 100, 'green'],
    ]);
    expect(snapshot).toMatchObject({
      executionLight: 'green',
      goalLight: 'yellow',
      light: 'yellow',
      reportPeriod: '2026-06',
    });
  });

  it('goal progress (>= only) and execution rate 55 points apart: divergence', () => {
    const { snapshot } = sweep(red({ reports: [juneReport(3.4)] }), '2026-06-30');

    // (0.5 × 15 + 0.5 × 10 + 1 × 15 + 0.5 × 10) ÷ 50 = 0.65 against 0.1
    expect(snapshot).toMatchObject({ goalProgress: 0.65, executionRate: 0.1, divergence: true });
  });

  it('lists the periods whose report is missing', () => {
    expect(sweep(red(), '2026-07-11').snapshot.missingReports).toEqual(['2026-04', '2026-06']);
  });
});

/** The June report: everything on track except the qualitative one (partly achieved) and the cost. */
function juneReport(cost: number) {
  return {
    period: '2026-06',
    filedOn: '2026-06-30',
    indicators: [
      { name: '新增学位数', actual: 600 },
      { name: '工程竣工验收合格率', actual: 60 },
      { name: '项目按期完工率', actual: 47.5 },
      { name: '生均建设成本', actual: cost },
      { name: '适龄儿童少年入学率', actual: 99.5 },
      { name: '办学条件持续改善', tier: 'partly_achieved' as const },
      { name: '学生家长满意度', actual: 45 },
    ],
  };
}

describe('sweepProject: rectification notices', () => {
  it('a red execution light issues one execution notice due 10 working days later', () => {
    const { notices } = sweep(red(), '2026-06-30');

    expect(notices).toEqual([
      {
        id: NOTICE,
        cause: 'execution',
        issuedOn: '2026-06-30',
        dueOn: '2026-07-14',
        reason: { 'zh-CN': expect.stringContaining('执行率10.00%'), en: expect.stringContaining('index 20') },
      },
    ]);
  });

  it('the deadline honours a configured holiday', () => {
    const cfg = { ...config, calendar: { holidays: ['2026-07-01'], makeUpWorkdays: [] } };

    expect(sweep(red(), '2026-06-30', cfg).notices[0]?.dueOn).toBe('2026-07-15');
  });

  it('the deadline honours a make-up working day on a Saturday', () => {
    const cfg = { ...config, calendar: { holidays: [], makeUpWorkdays: ['2026-07-04'] } };

    expect(sweep(red(), '2026-06-30', cfg).notices[0]?.dueOn).toBe('2026-07-13');
  });

  it('a yellow light issues nothing', () => {
    expect(sweep(spending(300_000), '2026-06-30').notices).toEqual([]);
  });

  it('a red goal light issues a goal notice naming the red indicator', () => {
    const { notices } = sweep(spending(500_000, { reports: [juneReport(3.6)] }), '2026-06-30');

    expect(notices).toEqual([
      expect.objectContaining({
        id: 'R-P2026-TESTSWP1-goal-2026-06-30',
        cause: 'goal',
        reason: expect.objectContaining({ 'zh-CN': expect.stringContaining('生均建设成本') }),
      }),
    ]);
  });

  it.each(['open', 'responded', 'overdue'] as const)(
    'with an %s notice of that cause none is issued',
    (status) => {
      expect(sweep(red(withNotice(status)), '2026-07-01').notices).toEqual([]);
    },
  );

  it.each(['resolved', 'not_resolved'] as const)(
    'after a %s notice a new red light issues a new one',
    (status) => {
      const { notices } = sweep(red(withNotice(status)), '2026-07-31');

      expect(notices.map((n) => n.id)).toEqual(['R-P2026-TESTSWP1-execution-2026-07-31']);
    },
  );

  it('an open notice of the other cause does not hold back an execution notice', () => {
    const p = red(withNotice('open', 'goal', 'R-P2026-TESTSWP1-goal-2026-06-30'));

    expect(sweep(p, '2026-07-01').notices.map((n) => n.cause)).toEqual(['execution']);
  });

  it('a rerun on the same day after the notice was resolved issues no second notice', () => {
    expect(sweep(red(withNotice('resolved')), '2026-06-30').notices).toEqual([]);
  });
});

describe('sweepProject: overdue notices', () => {
  it('an open notice is overdue the day after its due date', () => {
    expect(sweep(red(withNotice('open')), '2026-07-15').overdue).toEqual([NOTICE]);
  });

  it('an open notice is not overdue on its due date', () => {
    expect(sweep(red(withNotice('open')), '2026-07-14').overdue).toEqual([]);
  });

  it('a responded notice is not overdue after its due date', () => {
    expect(sweep(red(withNotice('responded')), '2026-07-31').overdue).toEqual([]);
  });
});

describe('sweepProject: clawback recommendations', () => {
  it('a notice becoming overdue brings a clawback with cause rectification:<id>', () => {
    // 2026-07-15: six whole months; projected 100,000 × 12 ÷ 6 = 200,000 → 800,000
    const { clawback } = sweep(red(withNotice('open')), '2026-07-15');

    expect(clawback).toEqual({
      id: 'C-P2026-TESTSWP1-2026-07-15',
      cause: `rectification:${NOTICE}`,
      recommendedFen: yuan(800_000),
      basis: {
        approvedAmount: 1_000_000,
        spent: 100_000,
        timeProgress: 0.5,
        projectedSpend: 200_000,
        formula: 'floor(approved − min(spent × 12 ÷ 6, approved)) in whole yuan',
      },
    });
  });

  it('a notice already overdue brings a clawback', () => {
    expect(sweep(red(withNotice('overdue')), '2026-07-31').clawback).toMatchObject({
      cause: `rectification:${NOTICE}`,
      recommendedFen: yuan(828_571),
    });
  });

  it('a notice verified not_resolved brings a clawback', () => {
    expect(sweep(red(withNotice('not_resolved')), '2026-07-20').clawback?.cause).toBe(
      `rectification:${NOTICE}`,
    );
  });

  it('a resolved notice brings none', () => {
    expect(sweep(red(withNotice('resolved')), '2026-07-20').clawback).toBeUndefined();
  });

  it('a red execution light on the August checkpoint brings one (cause checkpoint:<asOf>)', () => {
    // 1,000,000 − 100,000 × 12 ÷ 8 = 850,000
    expect(sweep(red(), '2026-08-31').clawback).toMatchObject({
      cause: 'checkpoint:2026-08-31',
      recommendedFen: yuan(850_000),
    });
  });

  it('a red light on the June checkpoint brings none (before August)', () => {
    expect(sweep(red(), '2026-06-30').clawback).toBeUndefined();
  });

  it('a red light on a day that is not a checkpoint brings none', () => {
    expect(sweep(red(), '2026-08-30').clawback).toBeUndefined();
  });

  it('a yellow light on the August checkpoint brings none', () => {
    // 450,000 ÷ 1,000,000 ÷ 8/12 = 67.5
    expect(sweep(spending(450_000), '2026-08-31').clawback).toBeUndefined();
  });

  it('a pending recommendation blocks another', () => {
    const p = red({ ...withNotice('overdue'), pendingClawbackId: 'C-P2026-TESTSWP1-2026-07-15' });

    expect(sweep(p, '2026-08-31').clawback).toBeUndefined();
  });

  it('a cause already used is not used again', () => {
    const p = red({ ...withNotice('overdue'), clawbackCauses: [`rectification:${NOTICE}`] });

    expect(sweep(p, '2026-07-31').clawback).toBeUndefined();
  });

  it('with one cause used, another cause (the checkpoint) still brings one', () => {
    const p = red({ ...withNotice('overdue'), clawbackCauses: [`rectification:${NOTICE}`] });

    expect(sweep(p, '2026-08-31').clawback?.cause).toBe('checkpoint:2026-08-31');
  });

  it('a second recommendation on the same day gets another id than the first', () => {
    const first = sweep(red(withNotice('overdue')), '2026-08-31').clawback!;
    const decided = red({ ...withNotice('overdue'), clawbackCauses: [first.cause] });

    const second = sweep(decided, '2026-08-31').clawback!;

    expect(second.cause).toBe('checkpoint:2026-08-31');
    expect(second.id).not.toBe(first.id);
  });

  it('an amount under 1,000 yuan brings none even with an overdue notice', () => {
    // 999,500 spent at 12 months: 500 left
    const p = spending(999_500, withNotice('overdue'));

    expect(sweep(p, '2026-12-31').clawback).toBeUndefined();
  });
});

describe('the scheduled sweep', () => {
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const def = schedules.find((s) => s.name === 'monitoring-sweep');

  it('is declared once, on the monitoring-sweep job module', () => {
    expect(def).toMatchObject({ entry: 'functions/jobs/monitoring-sweep.ts', timezone: 'Asia/Shanghai' });
  });

  it('runs daily at 02:00 Asia/Shanghai (18:00 UTC the day before)', () => {
    const job = cronJob(def!.cron, def!.timezone);
    try {
      const runs = job.nextRuns(3, new Date('2026-08-30T12:00:00Z')).map((d) => d.toISOString());

      expect(runs).toEqual([
        '2026-08-30T18:00:00.000Z',
        '2026-08-31T18:00:00.000Z',
        '2026-09-01T18:00:00.000Z',
      ]);
    } finally {
      job.stop();
    }
  });

  it('the local scheduler loads the same handler export the job module has', async () => {
    const handler = await loadJob(repoRoot, def!.entry);

    expect(handler).toBe(monitoringSweep.handler);
  });
});

describe('when a department of a sweep is presumed lost (issue 12/11)', () => {
  it('the worker’s timeout plus the queue’s visibility timeout, as the stack declares them', async () => {
    const { queues } = await import('../../functions/jobs/schedules.js');
    const { LOST_AFTER_MS, VISIBILITY_TIMEOUT_MS, WORKER_TIMEOUT_MS } = await import(
      '../../shared/app/sweep.js'
    );
    const sweepQueue = queues.find((q) => q.name === 'sweep')!;
    // infra/aws/constructs/work-queue.ts: visibility = 6 × the consumer's timeout (capped at 12 h).
    expect(WORKER_TIMEOUT_MS).toBe(sweepQueue.timeoutSeconds * 1000);
    expect(VISIBILITY_TIMEOUT_MS).toBe(Math.min(sweepQueue.timeoutSeconds * 6, 43_200) * 1000);
    expect(LOST_AFTER_MS).toBe(105 * 60 * 1000);
  });
});
