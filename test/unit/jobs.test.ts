// The jobs run with their dependencies handed in (test/support/deps.ts): no environment, no network. The
// table is a faked document client; the queue, the metrics and the clock are fakes the test reads back.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMonitoringSweepHandler } from '../../functions/jobs/monitoring-sweep.js';
import { schedules } from '../../functions/jobs/schedules.js';
import { createSweepHeartbeatHandler } from '../../functions/jobs/sweep-heartbeat.js';
import { cronJob } from '../../infra/local/cron.js';
import type { DepartmentWork } from '../../shared/app/sweep.js';
import { logger } from '../../shared/logger.js';
import { Db } from '../../shared/store/db.js';
import { keys } from '../../shared/store/keys.js';
import { fakeMetrics, testDeps } from '../support/deps.js';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' }));
const dynamo = mockClient(doc);
const db = new Db(doc, 'test-table');
afterEach(() => dynamo.reset());

/** 2026-09-30 06:00 in Asia/Shanghai. */
const SIX_AM = new Date('2026-09-29T22:00:00Z');

const sweep = (over: Record<string, unknown>) => ({
  ...keys.sweep(String(over.sweepId)),
  type: 'sweep',
  asOf: '2026-09-30',
  fiscalYear: 2026,
  trigger: 'schedule',
  startedAt: '2026-09-29T18:00:01.000Z',
  startedBy: 'system:monitoring-sweep',
  departments: 5,
  configVersion: 1,
  departmentsDone: 5,
  ...over,
});

describe('the sweep heartbeat job (functions/jobs/sweep-heartbeat.ts)', () => {
  const run = async (items: Record<string, unknown>[]) => {
    dynamo.on(QueryCommand).resolves({ Items: items });
    const metrics = fakeMetrics();
    const handler = createSweepHeartbeatHandler(testDeps({ db, metrics, now: () => SIX_AM }));
    const result = await handler({});
    return { result, metrics, query: dynamo.commandCalls(QueryCommand)[0]?.args[0].input };
  };

  it("emits SweepHeartbeat 1 when today's scheduled sweep counted every department", async () => {
    const { result, metrics, query } = await run([sweep({ sweepId: 'S-2026-09-30-a' })]);

    expect(result).toMatchObject({ today: '2026-09-30', complete: true, sweepId: 'S-2026-09-30-a' });
    expect(metrics.recorded).toEqual([{ name: 'SweepHeartbeat', unit: 'Count', value: 1 }]);
    expect(metrics.flushes).toBe(1); // published when the invocation ends
    expect(query).toMatchObject({
      IndexName: 'gsi1',
      ExpressionAttributeValues: { ':pk': 'SWEEPS', ':sk': '2026-09-30#' },
    });
  });

  it('emits 0 when the scheduled sweep is still short of departments', async () => {
    const { result, metrics } = await run([sweep({ sweepId: 'S-2026-09-30-b', departmentsDone: 3 })]);

    expect(result).toMatchObject({ complete: false, departmentsDone: 3, departments: 5 });
    expect(metrics.recorded).toEqual([{ name: 'SweepHeartbeat', unit: 'Count', value: 0 }]);
  });

  it('emits 0 when only a sweep on request ran today (not the schedule)', async () => {
    const { metrics } = await run([sweep({ sweepId: 'S-2026-09-30-c', trigger: 'request' })]);

    expect(metrics.recorded.map((m) => m.value)).toEqual([0]);
  });

  it('emits 0 when no sweep ran at all', async () => {
    const { result, metrics } = await run([]);

    expect(result).toEqual({ today: '2026-09-30', complete: false });
    expect(metrics.recorded.map((m) => m.value)).toEqual([0]);
  });

  it('is declared at 06:00 Asia/Shanghai (22:00 UTC the day before)', () => {
    const def = schedules.find((s) => s.name === 'sweep-heartbeat');
    expect(def).toMatchObject({
      cron: 'cron(0 6 * * ? *)',
      timezone: 'Asia/Shanghai',
      entry: 'functions/jobs/sweep-heartbeat.ts',
    });
    const job = cronJob(def!.cron, def!.timezone);
    try {
      expect(job.nextRuns(1, new Date('2026-09-29T12:00:00Z'))[0]?.toISOString()).toBe(
        '2026-09-29T22:00:00.000Z',
      );
    } finally {
      job.stop();
    }
  });
});

describe('the monitoring sweep job (functions/jobs/monitoring-sweep.ts)', () => {
  const department = (id: string) => ({
    ...keys.department(id),
    type: 'department',
    id,
    name: id,
    contactEmails: [],
    locale: 'zh-CN',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });

  it('plans the sweep and sends one unit of work per department to the queue it is given, sweeping nothing itself', async () => {
    dynamo
      .on(QueryCommand)
      .callsFake((input) =>
        input.ExpressionAttributeValues[':pk'] === keys.departmentsPartition
          ? { Items: [department('D-A'), department('D-B')] }
          : { Items: [] },
      );
    dynamo.on(TransactWriteCommand).resolves({});
    const sent: DepartmentWork[][] = [];
    const handler = createMonitoringSweepHandler(
      testDeps({
        db,
        now: () => new Date('2026-07-15T18:00:00Z'), // 02:00 on 07-16 in Shanghai
        sweepQueue: { send: async (items) => void sent.push([...items]) },
      }),
    );

    const results = await handler({});

    expect(results).toEqual([
      { sweepId: expect.stringMatching(/^S-2026-07-16-/), asOf: '2026-07-16', departments: 2, resumed: 0 },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toEqual([
      {
        sweepId: results[0]!.sweepId,
        asOf: '2026-07-16',
        fiscalYear: 2026,
        configVersion: 1,
        departmentId: 'D-A',
      },
      {
        sweepId: results[0]!.sweepId,
        asOf: '2026-07-16',
        fiscalYear: 2026,
        configVersion: 1,
        departmentId: 'D-B',
      },
    ]);
    // The only write is the sweep's summary: no project was read or swept by the coordinator.
    const writes = dynamo
      .commandCalls(TransactWriteCommand)
      .flatMap((c) => c.args[0].input.TransactItems ?? []);
    expect(writes.map((w) => w.Put?.Item?.type)).toEqual(['sweep']);
    const queried = dynamo
      .commandCalls(QueryCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']);
    expect(queried.some((pk) => String(pk).includes('PROJECTS'))).toBe(false);
  });

  it('first sweeps the checkpoint that closed yesterday (06-30), then today', async () => {
    dynamo
      .on(QueryCommand)
      .callsFake((input) =>
        input.ExpressionAttributeValues[':pk'] === keys.departmentsPartition
          ? { Items: [department('D-A')] }
          : { Items: [] },
      );
    dynamo.on(TransactWriteCommand).resolves({});
    const sent: string[] = [];
    const handler = createMonitoringSweepHandler(
      testDeps({
        db,
        now: () => new Date('2026-06-30T18:00:00Z'), // 02:00 on 07-01
        sweepQueue: { send: async (items) => void sent.push(...items.map((w) => w.asOf)) },
      }),
    );

    const results = await handler({});

    expect(results.map((r) => r.asOf)).toEqual(['2026-06-30', '2026-07-01']);
    expect(sent).toEqual(['2026-06-30', '2026-07-01']);
  });
});

describe('every job runs inside the Powertools logger context (shared/lambda.ts)', () => {
  it('puts cold start, function name and the Lambda request id in each log line', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });
    const handler = createSweepHeartbeatHandler(testDeps({ db, logger, now: () => SIX_AM }));
    const lines: string[] = [];
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    const spies = [
      vi.spyOn(process.stdout, 'write').mockImplementation(capture),
      vi.spyOn(process.stderr, 'write').mockImplementation(capture), // warnings go to stderr
    ];
    try {
      const context = {
        functionName: 'sweep-heartbeat',
        awsRequestId: 'req-1',
        getRemainingTimeInMillis: () => 1,
      };
      await handler({}, context as never);
      await handler({}, { ...context, awsRequestId: 'req-2' } as never);
    } finally {
      for (const spy of spies) spy.mockRestore();
      logger.setLogLevel(level);
    }

    const logs = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('sweep heartbeat'))
      .map((l) => JSON.parse(l));
    // cold_start is true on a process's first invocation only (earlier tests of this file were first).
    expect(logs.map((l) => [l.function_request_id, typeof l.cold_start, l.function_name])).toEqual([
      ['req-1', 'boolean', 'sweep-heartbeat'],
      ['req-2', 'boolean', 'sweep-heartbeat'],
    ]);
    expect(logs[1].cold_start).toBe(false);
  });
});
