import { ConcurrentChange, Conflict } from '../domain/errors.js';

/**
 * The one retry of a read-modify-write: `attempt` reads, decides (the domain) and writes. When the write
 * finds that what it read changed meanwhile (a ConcurrentChange: a version check failed), it is run again —
 * reading afresh — after a jittered exponential pause (full jitter: a random wait up to base × 2^n, at most
 * `maxDelayMs`), until `deadlineMs` have passed; then it gives up with a 409 Conflict of the type
 * `/problems/concurrent-change` ("changed by someone else; reload and retry"). Anything else — a plain
 * Conflict the domain found on a fresh read, a 404, a 422, a 5xx — goes out at once: a real answer is never
 * retried away.
 */
export interface RetryOptions {
  /** How long to keep trying (from the first attempt). Default 3 s: well inside an API call's 29 s. */
  deadlineMs?: number;
  /** The first pause's upper bound; doubles each time. Default 20 ms. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** For tests: the clock, the pause and the dice. */
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** What was changed, for the final 409's message, e.g. "Clawback recommendation C-1". */
  what?: string;
}

export const DEFAULT_DEADLINE_MS = 3_000;

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retryOnConcurrentChange<T>(
  attempt: (n: number) => Promise<T>,
  opts: RetryOptions = {},
): Promise<T> {
  const clock = opts.clock ?? Date.now;
  const sleep = opts.sleep ?? pause;
  const random = opts.random ?? Math.random;
  const deadline = clock() + (opts.deadlineMs ?? DEFAULT_DEADLINE_MS);
  const base = opts.baseDelayMs ?? 20;
  const max = opts.maxDelayMs ?? 500;
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ConcurrentChange)) throw err;
      const wait = Math.floor(random() * Math.min(max, base * 2 ** (n - 1)));
      if (clock() + wait >= deadline) {
        const what = opts.what ?? 'This record';
        // Its own problem type (/problems/concurrent-change), not a state conflict: a portal tells "someone
        // else changed it, retry" from "the state does not allow it". A plain Conflict, not a ConcurrentChange,
        // so that an outer retry does not start over.
        throw new Conflict(
          `${what} was changed by someone else meanwhile; reload it and try again`,
          undefined,
          'concurrent-change',
        );
      }
      await sleep(wait);
    }
  }
}
