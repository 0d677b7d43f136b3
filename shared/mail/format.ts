import type { Light } from '../domain/monitoring.js';

/**
 * Formatting for the mails: money from integer fen (exact: yuan, two decimals, thousands separators),
 * rates as percentages, dates in Asia/Shanghai, HTML escaping. Pure: no clock, no I/O.
 */
export type Locale = 'zh-CN' | 'en';

/** Yuan (as the snapshots and the API carry them) to integer fen. */
export const toFen = (yuan: number): number => Math.round(yuan * 100);

/** 123456789 fen → "1,234,567.89" (exact, from the integer). */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.round(fen));
  const yuan = Math.floor(abs / 100).toString();
  const cents = (abs % 100).toString().padStart(2, '0');
  return `${sign}${yuan.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

/** Money with its currency: "¥1,234,567.89" (zh-CN) or "CNY 1,234,567.89" (en). */
export const formatMoney = (fen: number, locale: Locale): string =>
  locale === 'zh-CN' ? `¥${formatFen(fen)}` : `CNY ${formatFen(fen)}`;

/** A fraction as a percentage with two decimals: 0.4567 → "45.67%". */
export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(Math.round(fraction * 10_000) / 100).toFixed(2)}%`;
}

/** An index (percentage-like number) with two decimals, or a dash when there is none yet. */
export const formatIndex = (index: number | null | undefined): string =>
  index === null || index === undefined ? '—' : (Math.round(index * 100) / 100).toFixed(2);

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** "2026-11-28 17:39" in Asia/Shanghai (UTC+8 all year). */
export function shanghaiDateTime(at: Date): string {
  const s = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  return `${s.toISOString().slice(0, 10)} ${pad2(s.getUTCHours())}:${pad2(s.getUTCMinutes())}`;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The `Date:` header of RFC 5322, in Asia/Shanghai: "Sat, 28 Nov 2026 17:39:44 +0800". */
export function rfc5322Date(at: Date): string {
  const s = new Date(at.getTime() + SHANGHAI_OFFSET_MS);
  const time = `${pad2(s.getUTCHours())}:${pad2(s.getUTCMinutes())}:${pad2(s.getUTCSeconds())}`;
  return `${weekdays[s.getUTCDay()]}, ${s.getUTCDate()} ${months[s.getUTCMonth()]} ${s.getUTCFullYear()} ${time} +0800`;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Light colours that read on white and in print; the label always goes with the colour. */
export const lightColors: Record<Light, string> = {
  red: '#d93025',
  yellow: '#e8a200',
  green: '#188038',
  blue: '#1a73e8',
  none: '#9aa0a6',
};

export const lightLabels: Record<Light, Record<Locale, string>> = {
  red: { 'zh-CN': '红灯', en: 'Red' },
  yellow: { 'zh-CN': '黄灯', en: 'Yellow' },
  green: { 'zh-CN': '绿灯', en: 'Green' },
  blue: { 'zh-CN': '蓝灯', en: 'Blue' },
  none: { 'zh-CN': '暂无', en: 'None' },
};

/** Fills `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
