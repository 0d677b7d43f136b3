import * as z from 'zod';

/**
 * Money is yuan in the API (JSON numbers with at most two decimals) and integer fen everywhere else.
 * Conversions happen at the edge, exactly.
 */
export type Fen = number;

/**
 * A yuan amount with at most two decimals, converted exactly to fen: from the number's shortest decimal
 * form (`String(n)`, what JSON.parse read), in integer arithmetic — no float product, no tolerance. Every
 * amount the schema accepts (up to 9,999,999,999,999.99) converts; anything else is a RangeError.
 */
export function yuanToFen(yuan: number): Fen {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(String(yuan));
  const whole = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isSafeInteger(whole)) {
    throw new RangeError(`${yuan} is not an amount in yuan with at most two decimals`);
  }
  const fen = whole * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(fen)) {
    throw new RangeError(`${yuan} is not an amount in yuan with at most two decimals`);
  }
  return m[1] ? -fen : fen;
}

/** Fen to yuan: the division of an integer by 100 gives the closest double, whose shortest form has ≤ 2 decimals. */
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
