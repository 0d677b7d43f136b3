// Test support: amounts written in yuan, kept in fen as the domain keeps them.

/** `y` yuan in fen (rounded, unlike shared/domain/money.ts, which refuses a third decimal). */
export const yuan = (y: number) => Math.round(y * 100);
