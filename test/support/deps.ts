import { Logger } from '@aws-lambda-powertools/logger';
import type { Deps } from '../../shared/deps.js';
import type { Storage } from '../../shared/docs/storage.js';
import type { OutgoingRaw } from '../../shared/mail/ses.js';
import type { BusinessMetrics, Dimensions, MetricName } from '../../shared/metrics.js';
import { Db } from '../../shared/store/db.js';
import { tracer } from '../../shared/tracer.js';

/** A container of fakes for tests: hand in what the test is about, the rest refuses to be used. */
export interface RecordedMetric {
  name: MetricName;
  unit: 'Count' | 'Milliseconds';
  value: number;
  dimensions?: Dimensions;
}

export function fakeMetrics(): BusinessMetrics & { recorded: RecordedMetric[]; flushes: number } {
  const recorded: RecordedMetric[] = [];
  const m = {
    recorded,
    flushes: 0,
    count: (name: MetricName, value: number, dimensions?: Dimensions) =>
      void recorded.push({ name, unit: 'Count', value, ...(dimensions ? { dimensions } : {}) }),
    milliseconds: (name: MetricName, value: number, dimensions?: Dimensions) =>
      void recorded.push({ name, unit: 'Milliseconds', value, ...(dimensions ? { dimensions } : {}) }),
    flush: () => {
      m.flushes++;
    },
  };
  return m;
}

export function fakeMailer(): Deps['mailer'] & { sent: OutgoingRaw[] } {
  const sent: OutgoingRaw[] = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
      return `fake-${sent.length}`;
    },
  };
}

const refuse = (what: string) => () => {
  throw new Error(`this test's deps have no ${what}`);
};

export function testDeps(over: Partial<Deps> = {}): Deps {
  return {
    db: over.db ?? new Db(undefined, 'no-table-in-this-test'),
    storage: over.storage ?? (new Proxy({}, { get: (_, p) => refuse(`storage.${String(p)}`) }) as Storage),
    publisher: { put: async () => refuse('publisher')() },
    mailer: fakeMailer(),
    mailFrom: () => 'performance@finance.example.gov.cn',
    sweepQueue: { send: async () => refuse('sweep queue')() },
    reportEmailsQueue: { send: async () => refuse('report mails queue')() },
    now: () => new Date(),
    logger: new Logger({ serviceName: 'test', logLevel: 'SILENT' }),
    metrics: fakeMetrics(),
    tracer,
    environment: {},
    ...over,
  };
}
