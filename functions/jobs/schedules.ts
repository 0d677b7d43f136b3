/**
 * Every scheduled job, declared once: EventBridge Scheduler (infra/aws) and the local scheduler
 * (infra/local/scheduler.ts) both read this list. `cron` is AWS's six-field `cron(...)` expression,
 * evaluated in `timezone`; the job module's `handler` receives `input`.
 */
export interface ScheduleDef {
  /** Unique, kebab-case: names the schedule and, in AWS, its resources. */
  name: string;
  description: string;
  cron: string;
  timezone: string;
  /** The module whose `handler` export runs the job (a Lambda entry). */
  entry: string;
  input?: Record<string, unknown>;
  /** What the job's function may touch (least privilege in AWS). */
  access: Access;
}

/** The AWS resources a function uses, and how. CDK grants exactly these. */
export interface Access {
  table?: 'read' | 'readWrite';
  bucket?: 'read' | 'readWrite';
  sendEmail?: boolean;
}

export const schedules: ScheduleDef[] = [];
