import type { DeliveryLogger, DeliveryReport, OutgoingMail } from '../mail/delivery.js';
import { deliver } from '../mail/delivery.js';
import type { Mailer } from '../mail/ses.js';
import { metricNames } from '../metric-names.js';
import { type BusinessMetrics, noMetrics } from '../metrics.js';
import type { Db } from '../store/db.js';
import { DynamoMailLog } from '../store/mail-log.js';

/** What sending once-only mails needs: the table (their records), SES, the sender, and what to tell. */
export interface MailDeps {
  db: Db;
  mailer: Mailer;
  /** The sender address (SES_FROM; a missing one is named as a deployment error). */
  mailFrom: () => string;
  logger?: DeliveryLogger;
  metrics?: BusinessMetrics;
}

/**
 * Delivers each mail once per record (shared/mail/delivery.ts), the records in the table
 * (shared/store/mail-log.ts), and counts what went and what failed.
 */
export async function deliverOnce(
  deps: MailDeps,
  mails: OutgoingMail[],
  from: string,
): Promise<DeliveryReport> {
  const report = await deliver(mails, {
    log: new DynamoMailLog(deps.db),
    mailer: deps.mailer,
    from,
    logger: deps.logger,
  });
  const metrics = deps.metrics ?? noMetrics;
  metrics.count(metricNames.mailsSent, report.sent.length);
  metrics.count(metricNames.mailsFailed, report.failed.length);
  return report;
}
