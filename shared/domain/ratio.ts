/**
 * Exact arithmetic for money and shares: fen are integers, shares are fractions of integers, and results
 * are rounded once, where domain.md says so (half up to two decimals, or down to whole yuan).
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export const fraction = (num: number | bigint, den: number | bigint): Fraction => ({
  num: BigInt(num),
  den: BigInt(den),
});

/** A decimal number as an exact fraction over 10^6 (targets, actuals and plan shares have few decimals). */
export function decimal(n: number): Fraction {
  return fraction(Math.round(n * 1e6), 1_000_000);
}

/** num/den rounded half up to two decimals (non-negative or negative alike, away from zero at .5). */
export function round2(num: bigint, den: bigint): number {
  if (den === 0n) throw new RangeError('division by zero');
  if (den < 0n) return round2(-num, -den);
  const sign = num < 0n ? -1n : 1n;
  const abs = num * sign;
  const hundredths = (abs * 200n + den) / (2n * den);
  return Number(sign * hundredths) / 100;
}

/** a/b × c/d as one fraction. */
export const times = (a: Fraction, b: Fraction): Fraction => ({ num: a.num * b.num, den: a.den * b.den });
export const divide = (a: Fraction, b: Fraction): Fraction => ({ num: a.num * b.den, den: a.den * b.num });
export const compare = (a: Fraction, b: Fraction): number => {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
};
/** A fraction as a number rounded half up to `decimals` places (for display: rates, shares). */
export function approx(f: Fraction, decimals = 4): number {
  const scale = 10n ** BigInt(decimals);
  return Number((f.num * scale * 2n + f.den) / (2n * f.den)) / Number(scale);
}
