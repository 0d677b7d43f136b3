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

  it.each([
    [134_234_470.64, 13_423_447_064],
    [9_999_999_999_999.99, 999_999_999_999_999],
    [1_234_567_890_123.45, 123_456_789_012_345],
    [0.07, 7],
    [8_888_888.88, 888_888_888],
  ])('converts %s yuan exactly to %s fen (where ×100 in floats is off)', (amount, fen) => {
    expect(yuanToFen(amount)).toBe(fen);
  });

  it('converts every two-decimal amount of a wide sample exactly (the decimal text, not a float product)', () => {
    for (let i = 0; i < 20_000; i++) {
      const fen = Math.floor(Math.random() * 999_999_999_999_999);
      const amount = Number(`${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`);
      expect(yuanToFen(amount)).toBe(fen);
      expect(fenToYuan(fen)).toBe(amount);
    }
  });

  it('rejects a number that only looks like two decimals after a float sum (0.1 + 0.2)', () => {
    expect(() => yuanToFen(0.1 + 0.2)).toThrow(RangeError);
  });

  it.each([1e21, 1e-7, -0.001])('rejects %s (exponent form or more decimals)', (amount) => {
    expect(() => yuanToFen(amount)).toThrow(RangeError);
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
