import type { MailDeps } from '../../shared/app/deliver-mails.js';
import { consumeReportEmailsWork } from '../../shared/app/report-email-jobs.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { queueWorker } from '../../shared/lambda.js';

/**
 * The report-mails worker: one SQS message = one requested run of the monitoring report mails (the same
 * consumer code the in-process queue runs: shared/app/report-email-jobs.ts), failures reported per message.
 */
export type ReportEmailsWorkerDeps = MailDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export const createReportEmailsWorkerHandler = (source: DepsSource<ReportEmailsWorkerDeps>) =>
  queueWorker(
    () => resolveDeps(source),
    'report mails worker failed',
    (deps, record) => consumeReportEmailsWork(deps, record.body),
  );

export const handler = createReportEmailsWorkerHandler(defaultDeps);
