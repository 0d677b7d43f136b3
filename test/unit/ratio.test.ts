// Exact arithmetic (domain.md §3: "indices are rounded to two decimals before they are compared"; money in
// fen; time progress as an exact fraction): half-up rounding at its .005 boundaries and exact fractions.
import { describe, expect, it } from 'vitest';
import { approx, compare, decimal, divide, fraction, round2, times } from '../../shared/domain/ratio.js';

describe('round2 (half up to two decimals)', () => {
  it('rounds exactly .005 up: 1/200 → 0.01', () => {
    expect(round2(1n, 200n)).toBe(0.01);
  });

  it('rounds just under .005 down: 1/201 → 0', () => {
    expect(round2(1n, 201n)).toBe(0);
  });

  it('rounds 59.995 up to 60', () => {
    expect(round2(59_995n, 1_000n)).toBe(60);
  });

  it('rounds 59.994999 down to 59.99', () => {
    expect(round2(59_994_999n, 1_000_000n)).toBe(59.99);
  });

  it('rounds 79.995 up to 80', () => {
    expect(round2(79_995n, 1_000n)).toBe(80);
  });

  it('rounds 2/3 to 0.67 and 1/3 to 0.33', () => {
    expect([round2(2n, 3n), round2(1n, 3n)]).toEqual([0.67, 0.33]);
  });

  it('rounds 200/3 to 66.67', () => {
    expect(round2(200n, 3n)).toBe(66.67);
  });

  it('rounds a negative .005 away from zero', () => {
    expect(round2(-1n, 200n)).toBe(-0.01);
  });

  it('treats a negative denominator like a negative numerator', () => {
    expect(round2(1n, -200n)).toBe(-0.01);
  });

  it('keeps an exact value as it is: 3/10 → 0.3', () => {
    expect(round2(3n, 10n)).toBe(0.3);
  });

  it('refuses a zero denominator', () => {
    expect(() => round2(1n, 0n)).toThrow(RangeError);
  });
});

describe('fractions', () => {
  it('approx rounds 2/3 half up to four decimals', () => {
    expect(approx(fraction(2, 3))).toBe(0.6667);
  });

  it('approx rounds 1/8 = 0.125 up to 0.13 at two decimals', () => {
    expect(approx(fraction(1, 8), 2)).toBe(0.13);
  });

  it('decimal keeps six decimals exactly: 0.1 is 100000/1000000', () => {
    expect(decimal(0.1)).toEqual({ num: 100_000n, den: 1_000_000n });
  });

  it('divide and times stay exact: (3/10 ÷ 6/12) × 100 = 60', () => {
    const index = times(divide(fraction(3, 10), fraction(6, 12)), fraction(100, 1));

    expect(compare(index, fraction(60, 1))).toBe(0);
  });

  it('compare orders 2/3 above 0.6666', () => {
    expect(compare(fraction(2, 3), decimal(0.6666))).toBe(1);
  });

  it('compare orders 0.1 + 0.2 as exactly 0.3 (no binary drift)', () => {
    const sum = fraction(decimal(0.1).num + decimal(0.2).num, 1_000_000);

    expect(compare(sum, decimal(0.3))).toBe(0);
  });
});
