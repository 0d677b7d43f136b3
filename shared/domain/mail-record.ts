/**
 * The record of a once-only mail and its claim protocol (pure: no I/O, the moment passed in). The delivery
 * itself is in shared/mail/delivery.ts; the records live in DynamoDB (shared/store/mail-log.ts) or in memory
 * (tests).
 */
/** Every kind of mail the system sends once per occasion. */
export const mailKinds = [
  'department-report',
  'bureau-summary',
  'due-soon',
  'overdue',
  'bulletin',
  'plan-due',
  'report-due',
] as const;
export type MailKind = (typeof mailKinds)[number];
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
