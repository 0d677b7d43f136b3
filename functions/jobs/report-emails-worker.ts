import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MailDeps } from '../../shared/app/deliver-mails.js';
import { consumeReportEmailsWork } from '../../shared/app/report-email-jobs.js';
import { type Deps, type DepsSource, defaultDeps, resolveDeps } from '../../shared/deps.js';
import { observed } from '../../shared/lambda.js';

/**
 * The report-mails worker: one SQS message = one requested run of the monitoring report mails (the same
 * consumer code the in-process queue runs: shared/app/report-email-jobs.ts). Failures are reported per
 * message; after the queue's retries a message lands in the dead-letter queue, which has an alarm.
 */
export type ReportEmailsWorkerDeps = MailDeps & Pick<Deps, 'now' | 'logger' | 'metrics'>;

export function createReportEmailsWorkerHandler(source: DepsSource<ReportEmailsWorkerDeps>) {
  return observed(
    async (event: SQSEvent): Promise<SQSBatchResponse> => {
      const deps = resolveDeps(source);
      const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
      for (const record of event.Records) {
        try {
          await consumeReportEmailsWork(deps, record.body);
        } catch (err) {
          deps.logger.error('report mails worker failed', {
            messageId: record.messageId,
            error: err as Error,
          });
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      return { batchItemFailures };
    },
    () => resolveDeps(source).metrics,
  );
}

export const handler = createReportEmailsWorkerHandler(defaultDeps);
