import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BadRequest } from '../../shared/domain/errors.js';
import { fieldErrors, formatPath, parseOr400 } from '../../shared/http/validation.js';

const goals = z.strictObject({
  overallGoal: z.string(),
  indicators: z.array(z.strictObject({ name: z.string(), unit: z.string() })),
});

function errorOf(schema: z.ZodType, input: unknown): z.ZodError {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to break the schema');
  return result.error;
}

describe('formatPath', () => {
  it('writes array indexes in brackets and fields with dots', () => {
    expect(formatPath('', ['indicators', 3, 'unit'])).toBe('indicators[3].unit');
  });

  it('puts a prefix first', () => {
    expect(formatPath('body', ['indicators', 0])).toBe('body.indicators[0]');
  });

  it('gives the prefix alone for an empty path', () => {
    expect(formatPath('query', [])).toBe('query');
  });
});

describe('fieldErrors', () => {
  it('lists each unknown key as `unknown field` with its path', () => {
    const error = errorOf(goals, {
      overallGoal: 'g',
      indicators: [{ name: 'n', unit: 'u', colour: 'red' }],
      extra: 1,
    });
    expect(fieldErrors('', error)).toEqual(
      expect.arrayContaining([
        { path: 'indicators[0].colour', message: 'unknown field' },
        { path: 'extra', message: 'unknown field' },
      ]),
    );
  });

  it('names a missing field as required, with the type expected', () => {
    const error = errorOf(goals, { overallGoal: 'g', indicators: [{ name: 'n' }] });
    expect(fieldErrors('', error)).toEqual([{ path: 'indicators[0].unit', message: 'required (string)' }]);
  });

  it("keeps zod's message for a value of the wrong type", () => {
    const [err] = fieldErrors('', errorOf(goals, { overallGoal: 7, indicators: [] }));
    expect(err?.path).toBe('overallGoal');
    expect(err?.message).not.toMatch(/^required/);
  });

  it('names the prefix when the whole input is wrong', () => {
    expect(fieldErrors('body', errorOf(goals, 'text'))).toEqual([
      { path: 'body', message: expect.any(String) },
    ]);
  });
});

describe('parseOr400', () => {
  it('returns the parsed value', () => {
    expect(parseOr400(goals, { overallGoal: 'g', indicators: [] }, '', 'body')).toEqual({
      overallGoal: 'g',
      indicators: [],
    });
  });

  it('throws a BadRequest naming every failing field', () => {
    expect(() => parseOr400(goals, { indicators: [{ name: 'n', unit: 'u', x: 1 }] }, '', 'body')).toThrow(
      expect.objectContaining({
        constructor: BadRequest,
        errors: expect.arrayContaining([
          { path: 'overallGoal', message: 'required (string)' },
          { path: 'indicators[0].x', message: 'unknown field' },
        ]),
      }),
    );
  });
});
