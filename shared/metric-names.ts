/** The CloudWatch metrics the functions emit (Powertools Metrics, EMF) and the alarms watch: one list for both. */
export const metricsNamespace = 'BudgetPerformance';
export const serviceName = 'budget-performance';
export const metricNames = {
  rectificationsIssued: 'RectificationsIssued',
  clawbacksRecommended: 'ClawbacksRecommended',
  clawbacksDecided: 'ClawbacksDecided',
  mailsSent: 'MailsSent',
  mailsFailed: 'MailsFailed',
  importRowsAccepted: 'ImportRowsAccepted',
  importRowsRefused: 'ImportRowsRefused',
  sweepDepartmentDuration: 'SweepDepartmentDuration',
  /** 1 when today's scheduled sweep has completed, 0 when not; emitted by the 06:00 heartbeat job. */
  sweepHeartbeat: 'SweepHeartbeat',
} as const;
