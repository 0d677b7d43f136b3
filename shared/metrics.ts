import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type metricNames, metricsNamespace, serviceName } from './metric-names.js';

/**
 * The business metrics (shared/metric-names.ts) as the use cases emit them: a count or a duration, with
 * dimensions when one is per something (a department). In Lambda they go out as CloudWatch EMF lines
 * (Powertools Metrics): stored ones when the invocation ends (`flush`, called by the handler wrapper), one
 * with its own dimensions at once. Outside Lambda the container hands in `noMetrics` (shared/deps.ts).
 */
export type MetricName = (typeof metricNames)[keyof typeof metricNames];
export type Dimensions = Record<string, string>;

export interface BusinessMetrics {
  count(name: MetricName, value: number, dimensions?: Dimensions): void;
  milliseconds(name: MetricName, value: number, dimensions?: Dimensions): void;
  /** Publishes what is stored (once per invocation); nothing when nothing is. */
  flush(): void;
}

export const noMetrics: BusinessMetrics = {
  count: () => undefined,
  milliseconds: () => undefined,
  flush: () => undefined,
};

export function newPowertoolsMetrics(): Metrics {
  return new Metrics({ namespace: metricsNamespace, serviceName });
}

export function powertoolsMetrics(metrics: Metrics = newPowertoolsMetrics()): BusinessMetrics {
  const add = (
    name: MetricName,
    unit: (typeof MetricUnit)[keyof typeof MetricUnit],
    value: number,
    dimensions?: Dimensions,
  ) => {
    if (dimensions && Object.keys(dimensions).length) {
      // Its own EMF line, published at once, so that its dimensions do not stick to the other metrics.
      const single = metrics.singleMetric();
      single.addDimensions(dimensions);
      single.addMetric(name, unit, value);
      return;
    }
    metrics.addMetric(name, unit, value);
  };
  return {
    count: (name, value, dimensions) => add(name, MetricUnit.Count, value, dimensions),
    milliseconds: (name, value, dimensions) => add(name, MetricUnit.Milliseconds, value, dimensions),
    flush: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
