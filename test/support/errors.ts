// Test support: the error an operation fails with, for assertions on its class and details.
import { AppError } from '../../shared/domain/errors.js';

/** Runs `fn` and returns the AppError it threw (fails the test when it throws nothing or something else). */
export function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an error, none was thrown');
}

/** Awaits `promise` and returns what it rejected with (fails the test when it resolves). */
export async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail, but it succeeded');
}
