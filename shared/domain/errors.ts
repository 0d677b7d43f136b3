/**
 * Typed errors that the domain and the store throw. One error handler (shared/http/problem.ts) turns
 * them into application/problem+json; no handler builds an error response by hand.
 */
export interface FieldError {
  /** Where the problem is, e.g. `indicators[3].unit` or `body` */
  path: string;
  message: string;
  /** For rule catalogues (the goal lint): the rule's id, its severity and the message in each language. */
  rule?: string;
  severity?: 'error' | 'warning';
  messages?: Localized;
}

export interface Localized {
  'zh-CN': string;
  en: string;
}

/**
 * The kinds of problem a client can act on; each has a stable `type` URI (`/problems/<kind>`, see
 * shared/http/problem.ts, listed in the OpenAPI document's Problem schema and the README).
 */
export const problemKinds = [
  'validation',
  'unauthorized',
  'forbidden',
  'not-found',
  'method-not-allowed',
  'payload-too-large',
  'unsupported-media-type',
  'headers-too-large',
  'state-conflict',
  'duplicate',
  'idempotency-conflict',
  'idempotency-in-progress',
  'concurrent-change',
  'version-mismatch',
  'rule-violation',
  'internal',
] as const;
export type ProblemKind = (typeof problemKinds)[number];

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly kind: ProblemKind = 'internal',
    /** The detail in both languages, when the code that throws has it in both. */
    readonly details?: Localized,
  ) {
    super(detail);
    this.name = new.target.name;
  }
  get detail(): string {
    return this.message;
  }
}

export class BadRequest extends AppError {
  constructor(detail: string, errors?: FieldError[], details?: Localized) {
    super(400, 'Bad Request', detail, errors, 'validation', details);
  }
}
export class Unauthorized extends AppError {
  constructor(detail = 'A valid bearer token is required', details?: Localized) {
    super(401, 'Unauthorized', detail, undefined, 'unauthorized', details);
  }
}
export class Forbidden extends AppError {
  constructor(detail = 'Your role may not call this route') {
    super(403, 'Forbidden', detail, undefined, 'forbidden');
  }
}
export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'Not Found', `${what} was not found`, undefined, 'not-found');
  }
}
/** What a 409 is about: the state does not allow it, or a duplicate, or an idempotency clash, or a race lost. */
export type ConflictKind =
  | 'state-conflict'
  | 'duplicate'
  | 'idempotency-conflict'
  | 'idempotency-in-progress'
  | 'concurrent-change';

export class Conflict extends AppError {
  constructor(detail: string, errors?: FieldError[], kind: ConflictKind = 'state-conflict') {
    super(409, 'Conflict', detail, errors, kind);
  }
}
export class PreconditionFailed extends AppError {
  constructor(detail: string) {
    super(412, 'Precondition Failed', detail, undefined, 'version-mismatch');
  }
}
export class PayloadTooLarge extends AppError {
  constructor(limitBytes: number) {
    super(
      413,
      'Payload Too Large',
      `The request body is larger than ${limitBytes} bytes`,
      undefined,
      'payload-too-large',
      {
        'zh-CN': `请求体超过 ${limitBytes} 字节`,
        en: `The request body is larger than ${limitBytes} bytes`,
      },
    );
  }
}
export class UnsupportedMediaType extends AppError {
  constructor(detail = 'The request body must be application/json') {
    super(415, 'Unsupported Media Type', detail, undefined, 'unsupported-media-type');
  }
}
export class RuleViolation extends AppError {
  constructor(detail: string, errors: FieldError[]) {
    super(422, 'Unprocessable Content', detail, errors, 'rule-violation');
  }
}

/**
 * A write based on a state that changed meanwhile (an optimistic-concurrency check failed: a `replace`
 * whose version moved, or a transaction that collided with another). Not the client's problem: whoever
 * made the change re-reads and decides again (shared/app/retry.ts). It is a Conflict, so that if it ever
 * escapes it is still a 409; the retry helper retries only this class, never a plain Conflict (a state
 * conflict the domain found on a fresh read).
 */
export class ConcurrentChange extends Conflict {
  constructor(detail: string) {
    super(detail, undefined, 'concurrent-change');
  }
}
