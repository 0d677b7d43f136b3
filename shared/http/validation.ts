import type { z } from 'zod';
import { BadRequest, type FieldError } from '../domain/errors.js';

/** `indicators[3].unit` from zod's path ['indicators', 3, 'unit']. */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    prefix,
  );
}

export function fieldErrors(prefix: string, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => ({
        path: formatPath(prefix, [...issue.path, k]),
        message: 'unknown field',
      }));
    }
    const missing = issue.code === 'invalid_type' && /received undefined$/.test(issue.message);
    return [
      {
        path: formatPath(prefix, issue.path) || prefix,
        message: missing ? `required (${issue.expected})` : issue.message,
      },
    ];
  });
}

/** Parses `input` with `schema`, or throws a 400 naming every failing field under `prefix`. */
export function parseOr400<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: string,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new BadRequest(
    `The ${what} does not match the schema of this route`,
    fieldErrors(prefix, result.error),
  );
}
