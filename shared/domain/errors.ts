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

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly errors?: FieldError[],
    readonly type = 'about:blank',
  ) {
    super(detail);
    this.name = new.target.name;
  }
  get detail(): string {
    return this.message;
  }
}

export class BadRequest extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(400, 'Bad Request', detail, errors);
  }
}
export class Unauthorized extends AppError {
  constructor(detail = 'A valid bearer token is required') {
    super(401, 'Unauthorized', detail);
  }
}
export class Forbidden extends AppError {
  constructor(detail = 'Your role may not call this route') {
    super(403, 'Forbidden', detail);
  }
}
export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'Not Found', `${what} was not found`);
  }
}
export class Conflict extends AppError {
  constructor(detail: string, errors?: FieldError[]) {
    super(409, 'Conflict', detail, errors);
  }
}
export class PreconditionFailed extends AppError {
  constructor(detail: string) {
    super(412, 'Precondition Failed', detail);
  }
}
export class PayloadTooLarge extends AppError {
  constructor(limitBytes: number) {
    super(413, 'Payload Too Large', `The request body is larger than ${limitBytes} bytes`);
  }
}
export class UnsupportedMediaType extends AppError {
  constructor(detail = 'The request body must be application/json') {
    super(415, 'Unsupported Media Type', detail);
  }
}
export class RuleViolation extends AppError {
  constructor(detail: string, errors: FieldError[]) {
    super(422, 'Unprocessable Content', detail, errors);
  }
}

/**
 * A write based on a state that changed meanwhile (an optimistic-concurrency check failed: a `replace`
 * whose version moved, or a transaction that collided with another). Not the client's problem: whoever
 * made the change re-reads and decides again (shared/app/retry.ts). It is a Conflict, so that if it ever
 * escapes it is still a 409; the retry helper retries only this class, never a plain Conflict (a state
 * conflict the domain found on a fresh read).
 */
export class ConcurrentChange extends Conflict {}
