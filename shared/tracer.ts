import { Tracer } from '@aws-lambda-powertools/tracer';
import { serviceName } from './metric-names.js';

/**
 * X-Ray tracing (Powertools Tracer), one per process like the logger: each invocation a segment, each AWS SDK
 * call a subsegment (the clients are captured in shared/deps.ts). Powertools turns it off outside Lambda (and
 * with POWERTOOLS_TRACE_ENABLED=false), so local runs and tests trace nothing and print nothing.
 */
export const tracer = new Tracer({ serviceName });
