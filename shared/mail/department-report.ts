import {
  fill,
  formatIndex,
  formatMoney,
  formatPercent,
  type Locale,
  lightColors,
  lightLabels,
  shanghaiDateTime,
  toFen,
} from './format.js';
import {
  badge,
  bar,
  COLORS,
  dataTable,
  esc,
  FONT,
  heading,
  lightTally,
  page,
  paragraph,
  textBar,
} from './html.js';
import {
  barWidths,
  type DepartmentReport,
  lightCounts,
  type NextAction,
  nextActions,
  type ReportClawback,
  type ReportNotice,
  type ReportProject,
} from './model.js';
import { type Texts, texts } from './texts.js';

/**
 * A department's monitoring report: subject, HTML and plain text with the same content — its projects
 * (execution rate against time progress as bars, the money and goal lights), open rectification notices
 * with their due dates, clawback recommendations with their basis, and what to do next. Pure.
 */
export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

/** Width in pixels of the bars' track. */
export const BAR_TRACK = 240;

export const departmentReportFileName = (r: Pick<DepartmentReport, 'departmentId' | 'asOf'>) =>
  `monitoring-${r.departmentId.replace(/[^A-Za-z0-9-]/g, '_')}-${r.asOf}.xlsx`;

export function departmentSubject(r: DepartmentReport): string {
  return fill(texts[r.locale].deptSubject, { department: r.departmentName, asOf: r.asOf });
}

const statusText = (t: Texts, s: ReportNotice['status']) =>
  s === 'overdue' ? t.statusOverdue : s === 'responded' ? t.statusResponded : t.statusOpen;

/** One sentence per next action, in the report's language (plain text; escape for HTML). */
export function actionSentence(a: NextAction, locale: Locale): string {
  const t = texts[locale];
  return fill(t.actions[a.kind], {
    project: a.projectName ?? '',
    notice: a.noticeId ?? '',
    due: a.dueOn ?? '',
    periods: (a.periods ?? []).join(locale === 'zh-CN' ? '、' : ', '),
    rate: formatPercent(a.executionRate),
    tp: formatPercent(a.timeProgress),
    amount: a.amountFen !== undefined ? formatMoney(a.amountFen, locale) : '',
  });
}

function basisSentence(c: ReportClawback, locale: Locale): string {
  return fill(texts[locale].basisText, {
    approved: formatMoney(toFen(c.basis.approvedAmount), locale),
    spent: formatMoney(toFen(c.basis.spent), locale),
    asOf: c.asOf,
    tp: formatPercent(c.basis.timeProgress),
    projected: formatMoney(toFen(c.basis.projectedSpend), locale),
  });
}

function projectNotes(p: ReportProject, t: Texts, locale: Locale): string[] {
  const notes: string[] = [];
  notes.push(p.reportPeriod ? fill(t.reportPeriod, { period: p.reportPeriod }) : t.noReport);
  if (p.missingReports.length) {
    notes.push(fill(t.missing, { periods: p.missingReports.join(locale === 'zh-CN' ? '、' : ', ') }));
  }
  if (p.divergence) notes.push(t.divergence);
  for (const i of p.indicators ?? []) {
    if (i.operator !== 'qualitative' || typeof i.target !== 'string') continue;
    const status = t.tierNames[(i.tier as keyof Texts['tierNames']) ?? 'none'] ?? t.tierNames.none;
    notes.push(fill(t.qualitativeTarget, { name: i.name, target: i.target, status }));
  }
  return notes;
}

// ---------------------------------------------------------------- HTML

function projectCard(p: ReportProject, locale: Locale): string {
  const t = texts[locale];
  const w = barWidths(p.executionRate, p.timeProgress, BAR_TRACK);
  const label = `style="padding:3px 8px 3px 0;font-size:13px;line-height:18px;color:${COLORS.muted};white-space:nowrap;"`;
  const value = 'style="padding:3px 0 3px 8px;font-size:13px;line-height:18px;white-space:nowrap;"';
  const figure = (name: string, v: string) =>
    `<td valign="top" style="padding:6px 12px 0 0;font-family:${FONT};">` +
    `<div style="font-size:12px;line-height:16px;color:${COLORS.muted};">${esc(name)}</div>` +
    `<div style="font-size:14px;line-height:20px;font-weight:bold;white-space:nowrap;">${esc(v)}</div></td>`;
  const notes = projectNotes(p, t, locale)
    .map((n) => `<div style="font-size:12px;line-height:18px;color:${COLORS.muted};">${esc(n)}</div>`)
    .join('');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;border:1px solid ${COLORS.line};border-left:4px solid ${lightColors[p.executionLight]};">
<tr><td style="padding:12px 14px;font-family:${FONT};">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;border-collapse:collapse;"><tr>
<td valign="top" style="font-size:15px;line-height:21px;font-weight:bold;">${esc(p.projectName)}<div style="font-size:12px;line-height:16px;font-weight:normal;color:${COLORS.muted};">${esc(p.projectId)}</div></td>
<td valign="top" align="right" style="font-size:12px;line-height:20px;color:${COLORS.muted};white-space:nowrap;">${esc(t.executionLight)} ${badge(p.executionLight, locale)}&nbsp;&nbsp;${esc(t.goalLight)} ${badge(p.goalLight, locale)}</td>
</tr></table>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin-top:10px;">
<tr><td ${label}>${esc(t.executionRate)}</td><td>${bar(w.execution, BAR_TRACK, lightColors[p.executionLight], 'execution')}</td><td ${value}><b>${formatPercent(p.executionRate)}</b></td></tr>
<tr><td ${label}>${esc(t.timeProgress)}</td><td>${bar(w.time, BAR_TRACK, COLORS.time, 'time')}</td><td ${value}>${formatPercent(p.timeProgress)}</td></tr>
</table>
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;margin-top:4px;"><tr>
${figure(t.approved, formatMoney(p.approvedFen, locale))}${figure(t.spent, formatMoney(p.spentFen, locale))}${figure(t.executionIndex, formatIndex(p.executionIndex))}${figure(t.goalProgress, formatPercent(p.goalProgress))}
</tr></table>
<div style="margin-top:8px;">${notes}</div>
</td></tr></table>`;
}

const spacer = (px: number) =>
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td height="${px}" style="height:${px}px;font-size:0;line-height:0;">&nbsp;</td></tr></table>`;

export function noticeRows(notices: readonly ReportNotice[], locale: Locale): string[][] {
  const t = texts[locale];
  return notices.map((n) => [
    esc(n.id),
    `${esc(n.projectName)}<div style="font-size:12px;color:${COLORS.muted};white-space:nowrap;">${esc(n.projectId)}</div>`,
    esc(n.reasons[locale]),
    `<span style="white-space:nowrap;">${esc(n.issuedOn)}</span>`,
    `<b style="white-space:nowrap;">${esc(n.dueOn)}</b>`,
    n.status === 'overdue'
      ? `<span style="color:${lightColors.red};font-weight:bold;white-space:nowrap;">${esc(statusText(t, n.status))}</span>`
      : `<span style="white-space:nowrap;">${esc(statusText(t, n.status))}</span>`,
  ]);
}

export function renderDepartmentHtml(r: DepartmentReport): string {
  const { locale } = r;
  const t = texts[locale];
  const counts = lightCounts(r.projects, 'executionLight');
  const body: string[] = [];
  body.push(
    paragraph(
      esc(
        fill(t.summary, {
          n: r.projects.length,
          red: counts.red,
          yellow: counts.yellow,
          green: counts.green,
          none: counts.none,
        }),
      ),
      'margin-top:12px;',
    ),
  );
  body.push(lightTally(counts, ['red', 'yellow', 'green', 'none'], locale));

  body.push(heading(t.sectionActions));
  body.push(
    `<ol style="margin:0 0 4px 0;padding:0 0 0 22px;font-size:14px;line-height:22px;">${nextActions(r)
      .map((a) => `<li style="margin:0 0 6px 0;">${esc(actionSentence(a, locale))}</li>`)
      .join('')}</ol>`,
  );

  body.push(heading(t.sectionProjects));
  body.push(r.projects.map((p) => projectCard(p, locale)).join(spacer(12)));

  body.push(heading(t.sectionNotices));
  body.push(
    r.notices.length
      ? dataTable(
          [t.notice, t.project, t.reason, t.issuedOn, t.dueOn, t.status],
          noticeRows(r.notices, locale),
        )
      : paragraph(esc(t.noNotices), `color:${COLORS.muted};`),
  );

  body.push(heading(t.sectionClawbacks));
  body.push(
    r.clawbacks.length
      ? dataTable(
          [t.project, t.recommended, t.basis],
          r.clawbacks.map((c) => [
            `${esc(c.projectName)}<div style="font-size:12px;color:${COLORS.muted};white-space:nowrap;">${esc(c.projectId)}</div>`,
            `<b style="white-space:nowrap;">${esc(formatMoney(c.recommendedFen, locale))}</b>`,
            `${esc(basisSentence(c, locale))}<div style="font-size:11px;color:${COLORS.muted};font-family:Consolas,Menlo,monospace;">${esc(c.basis.formula)}</div>`,
          ]),
          ['left', 'right', 'left'],
        )
      : paragraph(esc(t.noClawbacks), `color:${COLORS.muted};`),
  );

  return page({
    lang: locale,
    title: departmentSubject(r),
    kicker: t.bureau,
    heading: t.deptTitle,
    subheading: fill(t.deptHeadline, { department: r.departmentName, asOf: r.asOf, year: r.fiscalYear }),
    body: body.join('\n'),
    footer: [
      esc(fill(t.generated, { at: shanghaiDateTime(r.generatedAt) })),
      esc(fill(t.attachmentNote, { file: departmentReportFileName(r) })),
      esc(t.footer),
    ].join('<br>'),
  });
}

// ---------------------------------------------------------------- text

const numeral = (i: number, locale: Locale) =>
  locale === 'zh-CN' ? `${'一二三四五六七八九十'[i] ?? i + 1}、` : `${i + 1}. `;

export function renderDepartmentText(r: DepartmentReport): string {
  const { locale } = r;
  const t = texts[locale];
  const colon = locale === 'zh-CN' ? '：' : ': ';
  const counts = lightCounts(r.projects, 'executionLight');
  const out: string[] = [];
  out.push(
    t.bureau,
    t.deptTitle,
    fill(t.deptHeadline, { department: r.departmentName, asOf: r.asOf, year: r.fiscalYear }),
  );
  out.push(fill(t.generated, { at: shanghaiDateTime(r.generatedAt) }), '');
  out.push(
    fill(t.summary, {
      n: r.projects.length,
      red: counts.red,
      yellow: counts.yellow,
      green: counts.green,
      none: counts.none,
    }),
    '',
  );

  out.push(`${numeral(0, locale)}${t.sectionActions}`);
  nextActions(r).forEach((a, i) => {
    out.push(`  ${i + 1}. ${actionSentence(a, locale)}`);
  });
  out.push('');

  out.push(`${numeral(1, locale)}${t.sectionProjects}`);
  r.projects.forEach((p, i) => {
    out.push(`  ${i + 1}. ${p.projectName} (${p.projectId})`);
    out.push(
      `     ${t.executionLightLong}${colon}${lightLabels[p.executionLight][locale]}    ${t.goalLightLong}${colon}${lightLabels[p.goalLight][locale]}`,
    );
    out.push(
      `     ${t.approved}${colon}${formatMoney(p.approvedFen, locale)}    ${t.spent}${colon}${formatMoney(p.spentFen, locale)}`,
    );
    out.push(`     ${t.executionRate} ${textBar(p.executionRate)} ${formatPercent(p.executionRate)}`);
    out.push(`     ${t.timeProgress} ${textBar(p.timeProgress)} ${formatPercent(p.timeProgress)}`);
    out.push(
      `     ${t.executionIndex}${colon}${formatIndex(p.executionIndex)}    ${t.goalProgress}${colon}${formatPercent(p.goalProgress)}`,
    );
    for (const n of projectNotes(p, t, locale)) out.push(`     ${n}`);
  });
  out.push('');

  out.push(`${numeral(2, locale)}${t.sectionNotices}`);
  if (!r.notices.length) out.push(`  ${t.noNotices}`);
  for (const n of r.notices) {
    out.push(`  - ${n.id}  ${n.projectName} (${n.projectId})`);
    out.push(`    ${t.reason}${colon}${n.reasons[locale]}`);
    out.push(
      `    ${t.issuedOn}${colon}${n.issuedOn}    ${t.dueOn}${colon}${n.dueOn}    ${t.status}${colon}${statusText(t, n.status)}`,
    );
  }
  out.push('');

  out.push(`${numeral(3, locale)}${t.sectionClawbacks}`);
  if (!r.clawbacks.length) out.push(`  ${t.noClawbacks}`);
  for (const c of r.clawbacks) {
    out.push(
      `  - ${c.projectName} (${c.projectId})${colon}${t.recommended} ${formatMoney(c.recommendedFen, locale)}`,
    );
    out.push(`    ${t.basis}${colon}${basisSentence(c, locale)}`);
    out.push(`    ${c.basis.formula}`);
  }
  out.push('');
  out.push(fill(t.attachmentNote, { file: departmentReportFileName(r) }));
  out.push(t.footer);
  return `${out.join('\n')}\n`;
}

export function renderDepartmentReport(r: DepartmentReport): RenderedMail {
  return { subject: departmentSubject(r), html: renderDepartmentHtml(r), text: renderDepartmentText(r) };
}
