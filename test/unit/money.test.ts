import { describe, expect, it } from 'vitest';
import { fenToYuan, yuan, yuanToFen } from '../../shared/domain/money.js';

describe('yuanToFen', () => {
  it.each([
    [3_000_000, 300_000_000],
    [2_999_999.99, 299_999_999],
    [1.1, 110],
    [4.35, 435],
    [0.29, 29],
    [0, 0],
  ])('converts %s yuan to exactly %s fen', (amount, fen) => {
    expect(yuanToFen(amount)).toBe(fen);
  });

  it('converts a sum that binary floats make inexact (0.1 + 0.2) to 30 fen', () => {
    expect(yuanToFen(0.1 + 0.2)).toBe(30);
  });

  it('rejects an amount with three decimals', () => {
    expect(() => yuanToFen(1.005)).toThrow(RangeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects the non-finite %s',
    (amount) => {
      expect(() => yuanToFen(amount)).toThrow(RangeError);
    },
  );

  it('rejects an amount beyond what fen can hold as a safe integer', () => {
    expect(() => yuanToFen(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
  });
});

describe('fenToYuan', () => {
  it.each([
    [300_000_000, 3_000_000],
    [299_999_999, 2_999_999.99],
    [435, 4.35],
    [1, 0.01],
  ])('converts %s fen to %s yuan', (fen, amount) => {
    expect(fenToYuan(fen)).toBe(amount);
  });

  it('round-trips with yuanToFen', () => {
    expect(yuanToFen(fenToYuan(123_456_789))).toBe(123_456_789);
  });
});

describe('the yuan schema', () => {
  it('accepts two decimals', () => {
    expect(yuan.safeParse(2_999_999.99).success).toBe(true);
  });

  it('rejects three decimals', () => {
    expect(yuan.safeParse(1.005).success).toBe(false);
  });

  it('rejects a negative amount', () => {
    expect(yuan.safeParse(-0.01).success).toBe(false);
  });

  it('rejects a number in exponent notation with more than two decimals', () => {
    expect(yuan.safeParse(1e-7).success).toBe(false);
  });
});
