import { Logger } from '@aws-lambda-powertools/logger';

/** Structured JSON logs (Powertools), shared by the API, the jobs and the event handlers. No bodies, tokens or addresses. */
export const logger = new Logger({ serviceName: 'budget-performance' });
