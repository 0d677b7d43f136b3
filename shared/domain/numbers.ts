import * as z from 'zod';

/**
 * Numbers the API accepts besides money: bounded on both sides, and never so close to zero that DynamoDB
 * (which stores numbers from 1e-130 to 1e126, and whose SDK refuses anything beyond 2^53) or a later
 * computation could fail on them. Every number of a request schema is one of these, a bounded int, or yuan.
 */
export const TINY = 1e-9;

export function measure(min: number, max: number) {
  return z
    .number()
    .min(min)
    .max(max)
    .refine((n) => n === 0 || Math.abs(n) >= TINY, { message: `0, or at least ${TINY} in size` });
}

/** A measured value of an indicator (a target, an actual): ±10^12. */
export const indicatorValue = () => measure(-1e12, 1e12);

/**
 * A score in points as a request states it (a report's score, a rating's items): within ±1,000. Every sheet
 * of the domain is out of 100 points and no configured item has more than 100 (config.ts), so its own bounds
 * are a rule of the domain (422 naming the field, with the sheet's bounds); beyond ±1,000 it is no score.
 */
export const statedPoints = () => measure(-1_000, 1_000);
