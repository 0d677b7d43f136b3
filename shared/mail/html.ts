import type { Light } from '../domain/monitoring.js';
import { escapeHtml, type Locale, lightColors, lightLabels } from './format.js';

/**
 * HTML building blocks that survive ordinary mail clients (Outlook, Foxmail, Gmail, Apple Mail, webmail):
 * layout tables, inline CSS only, `bgcolor`/`width` attributes beside the CSS for the old engines, no
 * scripts, no <style> block, no remote images. Text is escaped here; callers pass plain strings.
 */
export const FONT =
  "'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','Noto Sans SC','Helvetica Neue',Arial,sans-serif";
export const COLORS = {
  ink: '#202124',
  muted: '#5f6368',
  line: '#dadce0',
  page: '#f1f3f4',
  header: '#9e1b1b',
  track: '#e8eaed',
  time: '#80868b',
};

export const esc = escapeHtml;

/** A coloured pill with the light's name (the name, not only the colour, carries the meaning). */
export function badge(light: Light, locale: Locale): string {
  const fg = light === 'yellow' ? COLORS.ink : '#ffffff';
  const bg = lightColors[light];
  return (
    `<span style="display:inline-block;padding:2px 8px;border-radius:10px;background-color:${bg};` +
    `color:${fg};font-size:12px;line-height:16px;white-space:nowrap;">● ${esc(lightLabels[light][locale])}</span>`
  );
}

/**
 * A horizontal bar of `filled` pixels on a `track`-pixel track: two table cells with background colours
 * (renders everywhere, unlike CSS widths on divs). A cell of width 0 is left out.
 */
export function bar(filled: number, track: number, color: string, kind: string): string {
  const rest = track - filled;
  const cell = (w: number, c: string) =>
    `<td width="${w}" height="10" bgcolor="${c}" style="width:${w}px;height:10px;background-color:${c};` +
    `font-size:0;line-height:0;">&nbsp;</td>`;
  return (
    `<table role="presentation" data-bar="${kind}" data-filled="${filled}" width="${track}" cellpadding="0" ` +
    `cellspacing="0" border="0" style="width:${track}px;border-collapse:collapse;"><tr>` +
    (filled > 0 ? cell(filled, color) : '') +
    (rest > 0 ? cell(rest, COLORS.track) : '') +
    '</tr></table>'
  );
}

export function heading(text: string): string {
  return (
    `<h2 style="margin:24px 0 10px 0;padding:0 0 6px 0;font-size:17px;line-height:24px;color:${COLORS.ink};` +
    `border-bottom:2px solid ${COLORS.header};font-family:${FONT};">${esc(text)}</h2>`
  );
}

export function paragraph(html: string, style = ''): string {
  return `<p style="margin:0 0 10px 0;font-size:14px;line-height:22px;${style}">${html}</p>`;
}

/** A bordered data table: header cells and rows of already-rendered cell HTML. */
export function dataTable(headers: string[], rows: string[][], align: ('left' | 'right')[] = []): string {
  const th = headers
    .map(
      (h, i) =>
        `<th align="${align[i] ?? 'left'}" bgcolor="${COLORS.page}" style="padding:6px 8px;font-size:12px;` +
        `font-weight:bold;color:${COLORS.muted};background-color:${COLORS.page};border:1px solid ${COLORS.line};">${esc(h)}</th>`,
    )
    .join('');
  const trs = rows
    .map(
      (r) =>
        '<tr>' +
        r
          .map(
            (c, i) =>
              `<td align="${align[i] ?? 'left'}" valign="top" style="padding:6px 8px;font-size:13px;line-height:19px;` +
              `border:1px solid ${COLORS.line};">${c}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('');
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ` +
    `style="width:100%;border-collapse:collapse;font-family:${FONT};color:${COLORS.ink};"><tr>${th}</tr>${trs}</table>`
  );
}

/** The whole document: a centred 680-pixel card with a header band, the body, and a footer. */
export function page(opts: {
  lang: Locale;
  title: string;
  kicker: string;
  heading: string;
  subheading: string;
  body: string;
  footer: string;
}): string {
  return `<!DOCTYPE html>
<html lang="${opts.lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
</head>
<body style="margin:0;padding:0;background-color:${COLORS.page};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${COLORS.page}" style="width:100%;background-color:${COLORS.page};">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="680" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:680px;max-width:100%;background-color:#ffffff;border:1px solid ${COLORS.line};font-family:${FONT};color:${COLORS.ink};">
<tr><td bgcolor="${COLORS.header}" style="padding:20px 24px;background-color:${COLORS.header};color:#ffffff;font-family:${FONT};">
<div style="font-size:13px;line-height:18px;color:#f6d7d7;">${esc(opts.kicker)}</div>
<div style="font-size:22px;line-height:30px;font-weight:bold;color:#ffffff;margin-top:4px;">${esc(opts.heading)}</div>
<div style="font-size:14px;line-height:20px;color:#ffffff;margin-top:6px;">${esc(opts.subheading)}</div>
</td></tr>
<tr><td style="padding:8px 24px 20px 24px;font-family:${FONT};color:${COLORS.ink};">
${opts.body}
</td></tr>
<tr><td bgcolor="#f8f9fa" style="padding:14px 24px;background-color:#f8f9fa;border-top:1px solid ${COLORS.line};font-size:12px;line-height:18px;color:${COLORS.muted};font-family:${FONT};">
${opts.footer}
</td></tr>
</table>
</td></tr>
</table>
</body>
</html>
`;
}

/** A row of boxes, one count per light (big number, label under it). */
export function lightTally(counts: Record<Light, number>, order: Light[], locale: Locale): string {
  const cells = order
    .map((l) => {
      const c = lightColors[l];
      return (
        `<td align="center" width="${Math.floor(100 / order.length)}%" style="padding:10px 4px;border:1px solid ${COLORS.line};` +
        `border-top:4px solid ${c};font-family:${FONT};">` +
        `<div style="font-size:24px;line-height:30px;font-weight:bold;color:${c};">${counts[l]}</div>` +
        `<div style="font-size:12px;line-height:16px;color:${COLORS.muted};">${esc(lightLabels[l][locale])}</div></td>`
      );
    })
    .join('');
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" ` +
    `style="width:100%;border-collapse:collapse;margin:8px 0 4px 0;"><tr>${cells}</tr></table>`
  );
}

/** Plain-text bar: `[#####---------------]` of `width` characters. */
export function textBar(fraction: number, width = 20): string {
  const n = Math.round(Math.min(Math.max(Number.isFinite(fraction) ? fraction : 0, 0), 1) * width);
  return `[${'#'.repeat(n)}${'-'.repeat(width - n)}]`;
}
