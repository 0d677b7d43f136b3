import { z } from 'zod';

/**
 * Money is yuan in the API (JSON numbers with at most two decimals) and integer fen everywhere else.
 * Conversions happen at the edge, exactly.
 */
export type Fen = number;

/** A yuan amount with at most two decimals, converted exactly to fen. */
export function yuanToFen(yuan: number): Fen {
  const fen = Math.round(yuan * 100);
  if (Math.abs(fen - yuan * 100) > 1e-6 || !Number.isSafeInteger(fen)) {
    throw new RangeError(`${yuan} is not an amount in yuan with at most two decimals`);
  }
  return fen;
}

export function fenToYuan(fen: Fen): number {
  return Math.round(fen) / 100;
}

/** Whether a JSON number has at most two decimals (checked on its shortest decimal form). */
export function hasAtMostTwoDecimals(n: number): boolean {
  const [, decimals = ''] = String(n).split('.');
  return !String(n).includes('e') && decimals.length <= 2;
}

/** Yuan as the API accepts it: ≥ 0, at most two decimals, below 10^13. */
export const yuan = z
  .number()
  .nonnegative()
  .max(9_999_999_999_999.99)
  .refine(hasAtMostTwoDecimals, { message: 'at most two decimals (yuan and fen)' })
  .meta({ description: 'Amount in yuan (CNY), at most two decimals', examples: [3000000] });
