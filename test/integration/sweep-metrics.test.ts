// The sweep's business metrics as CloudWatch reads them: the EMF lines Powertools Metrics prints on stdout,
// captured and parsed back. A sweep over the real local table (dynalite) of two departments: D-A with a red
// project at June's end (one rectification notice), D-B with a green one.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runSweepHere } from '../../shared/app/sweep.js';
import type { Actor } from '../../shared/domain/actor.js';
import { metricsNamespace, serviceName } from '../../shared/metric-names.js';
import { powertoolsMetrics } from '../../shared/metrics.js';
import type { Db } from '../../shared/store/db.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';
import { educationGoals, executingProject, spentOn } from '../support/projects.js';
import { useFreshDb } from './local-db.js';

const finance: Actor = { sub: 'user-finance', role: 'finance' };
const NOW = new Date('2026-11-28T02:00:00.000Z');
const ctx = { actor: finance, now: NOW, requestId: 'req-metrics' };

let db: Db;
useFreshDb((fresh) => {
  db = fresh;
});

async function seed(layout: Record<string, [string, number][]>) {
  for (const [id, list] of Object.entries(layout)) {
    const at = '2026-01-02T02:00:00.000Z';
    await db.write(
      departments.createActions(
        { id, name: id, contactEmails: [], locale: 'zh-CN', version: 1, createdAt: at, updatedAt: at },
        ctx,
      ),
    );
    for (const [projectId, spent] of list) {
      const p = executingProject({
        id: projectId,
        departmentId: id,
        goals: educationGoals(),
        ...spentOn(spent),
      });
      await db.write(projects.createActions(p, ctx));
    }
  }
}

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [field: string]: unknown;
}

/** Every EMF line written to stdout while `run` runs. */
async function emfLines(run: () => Promise<void>): Promise<Emf[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.flatMap((l) => {
    try {
      const parsed = JSON.parse(l);
      return parsed?._aws?.CloudWatchMetrics ? [parsed as Emf] : [];
    } catch {
      return [];
    }
  });
}

describe('a sweep’s metrics (Powertools EMF)', () => {
  beforeEach(() => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('prints the notices issued, the clawbacks recommended and one duration line per department', async () => {
    await seed({ 'D-A': [['P2026-EMF00001', 100_000]], 'D-B': [['P2026-EMF00002', 500_000]] });
    const metrics = powertoolsMetrics(new Metrics({ namespace: metricsNamespace, serviceName }));

    const lines = await emfLines(async () => {
      await runSweepHere(
        { db, metrics },
        { asOf: '2026-06-30', trigger: 'request', actor: finance, now: NOW },
      );
      metrics.flush(); // what the handler wrapper does when the invocation ends
    });

    for (const l of lines) expect(l._aws.CloudWatchMetrics[0]?.Namespace).toBe('BudgetPerformance');
    const durations = lines.filter((l) => 'SweepDepartmentDuration' in l);
    expect(durations.map((l) => l.departmentId).sort()).toEqual(['D-A', 'D-B']);
    for (const l of durations) {
      expect(l._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['service', 'departmentId']]);
      expect(l._aws.CloudWatchMetrics[0]?.Metrics).toEqual([
        { Name: 'SweepDepartmentDuration', Unit: 'Milliseconds' },
      ]);
      expect(l.service).toBe('budget-performance');
      expect(l.SweepDepartmentDuration).toBeGreaterThanOrEqual(0);
    }
    const counts = lines.filter((l) => 'RectificationsIssued' in l);
    expect(counts).toHaveLength(1); // the stored metrics, published together at the end
    const sum = (v: unknown) => [v].flat().reduce((a: number, b) => a + Number(b), 0);
    expect(sum(counts[0]!.RectificationsIssued)).toBe(1); // the red project's one notice
    expect(sum(counts[0]!.ClawbacksRecommended)).toBe(0);
    expect(counts[0]!._aws.CloudWatchMetrics[0]?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'RectificationsIssued', Unit: 'Count' },
        { Name: 'ClawbacksRecommended', Unit: 'Count' },
      ]),
    );
  });

  it('a second sweep of the same day issues nothing new: RectificationsIssued 0', async () => {
    await seed({ 'D-A': [['P2026-EMF00003', 100_000]] });
    await runSweepHere({ db }, { asOf: '2026-06-30', trigger: 'request', actor: finance, now: NOW });
    const metrics = powertoolsMetrics(new Metrics({ namespace: metricsNamespace, serviceName }));

    const lines = await emfLines(async () => {
      await runSweepHere(
        { db, metrics },
        { asOf: '2026-06-30', trigger: 'request', actor: finance, now: NOW },
      );
      metrics.flush();
    });

    const counts = lines.find((l) => 'RectificationsIssued' in l);
    expect(counts?.RectificationsIssued).toBe(0);
  });
});
