import type { Mailer } from './ses.js';

/**
 * Exactly-once delivery of mails that must go once per occasion (a department's report for an `asOf`, a
 * reminder per notice and kind). Each mail has a record, claimed BEFORE the send:
 *
 *   claim   conditional create of the record as `sending` (claimedAt = now, attempts = 1). If it exists:
 *           `sent`                               → alreadySent, nothing is sent;
 *           `failed`, or `sending` older than the stale window (a run that died mid-send)
 *                                                → taken over (conditional on the state read), sent again;
 *           `sending`, fresh                     → inProgress (another run is at it), nothing is sent.
 *   send    render the message (only now: repeats cost nothing) and send it through SES.
 *   settle  success → `sent` with SES's messageId; an error → `failed` with the error (only while the claim
 *           is still ours), to be retried by a later run.
 *
 * Trade-off, chosen on purpose: AT LEAST ONCE across crashes, exactly once otherwise. A run that dies after
 * SES accepted a message but before `sent` was written leaves a `sending` record; after the stale window a
 * later run sends it again (one duplicate) rather than never (a missing report). The window (10 minutes) is
 * longer than any function's timeout (API 29 s, jobs 5 min), so a live sender is never overtaken and two
 * runs never send the same mail at the same time. A send that SES refused is marked `failed` and retried;
 * a send whose answer was lost (timeout after acceptance) is the same rare duplicate.
 */
export type MailKind =
  | 'department-report'
  | 'bureau-summary'
  | 'due-soon'
  | 'overdue'
  | 'plan-due'
  | 'report-due';
export type MailStatus = 'sending' | 'sent' | 'failed';

/** What a mail's record says before it is claimed. */
export interface MailDraft {
  /** The occasion, e.g. `REPORT#2026-08-31` or `REMINDER#R-P1-execution-2026-08-31`. */
  scope: string;
  /** The mail within the occasion, e.g. `DEPT#D-EDU`, `BUREAU`, `due-soon`, `overdue`. */
  key: string;
  kind: MailKind;
  to: string[];
  subject: string;
  departmentId?: string;
  /** Context worth keeping with the record (asOf, sweepId, noticeId…). */
  context?: Record<string, string>;
}

export interface MailRecord extends MailDraft {
  status: MailStatus;
  attempts: number;
  claimedAt: string;
  createdAt: string;
  messageId?: string;
  sentAt?: string;
  error?: string;
  failedAt?: string;
}

export type ClaimResult =
  | { outcome: 'claimed'; record: MailRecord }
  | { outcome: 'sent'; record: MailRecord }
  | { outcome: 'busy'; record: MailRecord };

/** Where the records live (DynamoDB in shared/store/mail-log.ts; memory in tests). */
export interface MailLog {
  claim(draft: MailDraft, now: Date): Promise<ClaimResult>;
  markSent(claimed: MailRecord, messageId: string, now: Date): Promise<void>;
  markFailed(claimed: MailRecord, error: string, now: Date): Promise<void>;
}

export const STALE_SENDING_MS = 10 * 60_000;

/** Whether a record found at claim time may be taken over by this run. */
export function canTakeOver(r: MailRecord, now: Date, staleMs = STALE_SENDING_MS): boolean {
  if (r.status === 'failed') return true;
  return r.status === 'sending' && now.getTime() - Date.parse(r.claimedAt) >= staleMs;
}

/** The record of a fresh claim (first attempt) or of a takeover (next attempt). */
export function claimedRecord(draft: MailDraft, now: Date, previous?: MailRecord): MailRecord {
  const at = now.toISOString();
  return {
    ...draft,
    status: 'sending',
    attempts: (previous?.attempts ?? 0) + 1,
    claimedAt: at,
    createdAt: previous?.createdAt ?? at,
    // what a previous attempt learnt stays readable until this one settles
    ...(previous?.error ? { error: previous.error, failedAt: previous.failedAt } : {}),
  };
}

export interface OutgoingMail {
  draft: MailDraft;
  /** The raw MIME message; called only once the mail is claimed. */
  build(): Promise<Buffer>;
}

interface Outcome {
  kind: MailKind;
  to: string[];
  departmentId?: string;
  noticeId?: string;
}
export interface DeliveryReport {
  sent: (Outcome & { messageId: string })[];
  alreadySent: (Outcome & { messageId?: string; sentAt?: string })[];
  failed: (Outcome & { error: string; attempts: number })[];
  /** Claimed by another run a moment ago: that run sends them. */
  inProgress: (Outcome & { since: string })[];
}

export interface DeliveryLogger {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

export const errorText = (err: unknown): string => {
  const e = err as { name?: string; message?: string };
  return `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 500);
};

/**
 * Sends each mail at most once per record (see above), `concurrency` at a time. One mail's failure never
 * stops the others: it is reported in `failed` and logged (the occasion and department, never addresses).
 */
export async function deliver(
  mails: readonly OutgoingMail[],
  opts: {
    log: MailLog;
    mailer: Mailer;
    from: string;
    now?: () => Date;
    logger?: DeliveryLogger;
    concurrency?: number;
  },
): Promise<DeliveryReport> {
  const now = opts.now ?? (() => new Date());
  const results: { index: number; put: (r: DeliveryReport) => void }[] = [];
  const outcome = (d: MailDraft): Outcome => ({
    kind: d.kind,
    to: d.to,
    ...(d.departmentId ? { departmentId: d.departmentId } : {}),
    ...(d.context?.noticeId ? { noticeId: d.context.noticeId } : {}),
  });
  const where = (d: MailDraft) => ({
    scope: d.scope,
    key: d.key,
    kind: d.kind,
    departmentId: d.departmentId,
  });

  async function one(mail: OutgoingMail, index: number): Promise<void> {
    const d = mail.draft;
    let claimed: MailRecord;
    try {
      const c = await opts.log.claim(d, now());
      if (c.outcome === 'sent') {
        results.push({
          index,
          put: (r) =>
            r.alreadySent.push({ ...outcome(d), messageId: c.record.messageId, sentAt: c.record.sentAt }),
        });
        return;
      }
      if (c.outcome === 'busy') {
        opts.logger?.warn('mail is being sent by another run', { ...where(d), since: c.record.claimedAt });
        results.push({ index, put: (r) => r.inProgress.push({ ...outcome(d), since: c.record.claimedAt }) });
        return;
      }
      claimed = c.record;
    } catch (err) {
      opts.logger?.error('mail could not be claimed', { ...where(d), error: errorText(err) });
      results.push({
        index,
        put: (r) => r.failed.push({ ...outcome(d), error: errorText(err), attempts: 0 }),
      });
      return;
    }

    let messageId: string;
    try {
      const raw = await mail.build();
      messageId = await opts.mailer.send({ from: opts.from, to: d.to, raw });
    } catch (err) {
      const error = errorText(err);
      opts.logger?.error('mail send failed; a later run retries it', {
        ...where(d),
        attempt: claimed.attempts,
        error,
      });
      try {
        await opts.log.markFailed(claimed, error, now());
      } catch (markErr) {
        // The record stays `sending`: after the stale window a later run retries it all the same.
        opts.logger?.error('could not mark the mail failed', { ...where(d), error: errorText(markErr) });
      }
      results.push({
        index,
        put: (r) => r.failed.push({ ...outcome(d), error, attempts: claimed.attempts }),
      });
      return;
    }

    try {
      await opts.log.markSent(claimed, messageId, now());
    } catch (err) {
      // The message went out; only its record lags. Reported as sent (it was); the stale `sending` record is
      // the at-least-once window described above.
      opts.logger?.error('mail sent but its record could not be marked sent', {
        ...where(d),
        messageId,
        error: errorText(err),
      });
    }
    opts.logger?.info('mail sent', { ...where(d), messageId, attempt: claimed.attempts });
    results.push({ index, put: (r) => r.sent.push({ ...outcome(d), messageId }) });
  }

  const queue = mails.map((m, i) => [m, i] as const);
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) await one(next[0], next[1]);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 4, queue.length) }, worker));

  const report: DeliveryReport = { sent: [], alreadySent: [], failed: [], inProgress: [] };
  for (const r of results.sort((a, b) => a.index - b.index)) r.put(report);
  return report;
}
