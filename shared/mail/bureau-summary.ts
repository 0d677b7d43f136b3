import type { Light } from '../domain/monitoring.js';
import type { RenderedMail } from './department-report.js';
import {
  fill,
  formatIndex,
  formatMoney,
  formatPercent,
  lightColors,
  lightLabels,
  shanghaiDateTime,
} from './format.js';
import { badge, COLORS, dataTable, esc, heading, lightTally, page, paragraph } from './html.js';
import { type BureauSummary, departmentStandings, laggingProjects, lightCounts } from './model.js';
import { texts } from './texts.js';

/**
 * The bureau's summary of a sweep (zh-CN): counts by light, the projects furthest behind, departments by
 * execution index, overdue notices, clawbacks awaiting a decision. Pure.
 */
export const LAGGING = 10;
const locale = 'zh-CN' as const;
const t = texts[locale];
const order: Light[] = ['red', 'yellow', 'green', 'blue', 'none'];

export const bureauSummaryFileName = (s: Pick<BureauSummary, 'asOf'>) => `monitoring-all-${s.asOf}.xlsx`;

export const bureauSubject = (s: BureauSummary) => fill(t.bureauSubject, { asOf: s.asOf });

const departmentCount = (s: BureauSummary) => new Set(s.projects.map((p) => p.departmentId)).size;

const who = (name: string, id: string) =>
  `${esc(name)}<div style="font-size:12px;color:${COLORS.muted};white-space:nowrap;">${esc(id)}</div>`;

export function renderBureauHtml(s: BureauSummary): string {
  const exec = lightCounts(s.projects, 'executionLight');
  const goal = lightCounts(s.projects, 'goalLight');
  const body: string[] = [];
  body.push(
    paragraph(
      esc(fill(t.bureauOverview, { n: s.projects.length, departments: departmentCount(s) })),
      'margin-top:12px;',
    ),
  );

  body.push(heading(t.sectionLights));
  body.push(paragraph(`<b>${esc(t.lightExecution)}</b>`, 'margin:6px 0 0 0;'));
  body.push(lightTally(exec, ['red', 'yellow', 'green', 'none'], locale));
  body.push(paragraph(`<b>${esc(t.lightGoal)}</b>`, 'margin:10px 0 0 0;'));
  body.push(lightTally(goal, order, locale));

  body.push(heading(t.sectionLagging));
  const lagging = laggingProjects(s.projects, LAGGING);
  body.push(
    lagging.length
      ? dataTable(
          [t.project, t.department, t.executionRate, t.timeProgress, t.executionIndex, t.light],
          lagging.map((p) => [
            who(p.projectName, p.projectId),
            esc(p.departmentName),
            formatPercent(p.executionRate),
            formatPercent(p.timeProgress),
            `<b>${formatIndex(p.executionIndex)}</b>`,
            badge(p.executionLight, locale),
          ]),
          ['left', 'left', 'right', 'right', 'right', 'left'],
        )
      : paragraph(esc(t.noLagging), `color:${COLORS.muted};`),
  );

  body.push(heading(t.sectionDepartments));
  body.push(
    dataTable(
      [t.rank, t.department, t.projects, t.approved, t.spent, t.executionIndex, t.lights],
      departmentStandings(s.projects, s.bands).map((d, i) => [
        String(i + 1),
        who(d.departmentName, d.departmentId),
        String(d.projects),
        `<span style="white-space:nowrap;">${esc(formatMoney(d.approvedFen, locale))}</span>`,
        `<span style="white-space:nowrap;">${esc(formatMoney(d.spentFen, locale))}</span>`,
        `<b style="color:${lightColors[d.light]};">${formatIndex(d.executionIndex)}</b>`,
        `${d.red} / ${d.yellow} / ${d.green}`,
      ]),
      ['right', 'left', 'right', 'right', 'right', 'right', 'right'],
    ),
  );

  body.push(heading(t.sectionOverdue));
  body.push(
    s.overdue.length
      ? dataTable(
          [t.notice, t.department, t.project, t.dueOn, t.reason],
          s.overdue.map((n) => [
            esc(n.id),
            esc(n.departmentName),
            who(n.projectName, n.projectId),
            `<b style="color:${lightColors.red};white-space:nowrap;">${esc(n.dueOn)}</b>`,
            esc(n.reasons[locale]),
          ]),
        )
      : paragraph(esc(t.noOverdue), `color:${COLORS.muted};`),
  );

  body.push(heading(t.sectionPendingClawbacks));
  body.push(
    s.clawbacks.length
      ? dataTable(
          [t.department, t.project, t.recommended, t.basis],
          s.clawbacks.map((c) => [
            esc(c.departmentName),
            who(c.projectName, c.projectId),
            `<b style="white-space:nowrap;">${esc(formatMoney(c.recommendedFen, locale))}</b>`,
            `<span style="font-size:12px;">${esc(c.basis.formula)}</span>`,
          ]),
          ['left', 'left', 'right', 'left'],
        )
      : paragraph(esc(t.noClawbacks), `color:${COLORS.muted};`),
  );

  return page({
    lang: locale,
    title: bureauSubject(s),
    kicker: t.bureau,
    heading: t.bureauTitle,
    subheading: fill(t.bureauHeadline, { asOf: s.asOf, year: s.fiscalYear, sweep: s.sweepId }),
    body: body.join('\n'),
    footer: [
      esc(fill(t.generated, { at: shanghaiDateTime(s.generatedAt) })),
      esc(fill(t.attachmentNote, { file: bureauSummaryFileName(s) })),
      esc(t.bureauFooter),
    ].join('<br>'),
  });
}

export function renderBureauText(s: BureauSummary): string {
  const exec = lightCounts(s.projects, 'executionLight');
  const goal = lightCounts(s.projects, 'goalLight');
  const tally = (c: Record<Light, number>, ls: Light[]) =>
    ls.map((l) => `${lightLabels[l][locale]} ${c[l]}`).join('，');
  const out: string[] = [
    t.bureau,
    t.bureauTitle,
    fill(t.bureauHeadline, { asOf: s.asOf, year: s.fiscalYear, sweep: s.sweepId }),
    fill(t.generated, { at: shanghaiDateTime(s.generatedAt) }),
    '',
    fill(t.bureauOverview, { n: s.projects.length, departments: departmentCount(s) }),
    '',
    `一、${t.sectionLights}`,
    `  ${t.lightExecution}：${tally(exec, ['red', 'yellow', 'green', 'none'])}`,
    `  ${t.lightGoal}：${tally(goal, order)}`,
    '',
    `二、${t.sectionLagging}`,
  ];
  const lagging = laggingProjects(s.projects, LAGGING);
  if (!lagging.length) out.push(`  ${t.noLagging}`);
  lagging.forEach((p, i) => {
    out.push(
      `  ${i + 1}. ${p.projectName}（${p.projectId}，${p.departmentName}）${t.executionRate} ${formatPercent(p.executionRate)}，` +
        `${t.timeProgress} ${formatPercent(p.timeProgress)}，${t.executionIndex} ${formatIndex(p.executionIndex)}，${lightLabels[p.executionLight][locale]}`,
    );
  });
  out.push('', `三、${t.sectionDepartments}`);
  departmentStandings(s.projects, s.bands).forEach((d, i) => {
    out.push(
      `  ${i + 1}. ${d.departmentName}（${d.departmentId}）${t.executionIndex} ${formatIndex(d.executionIndex)}，` +
        `${t.projects} ${d.projects}，${t.approved} ${formatMoney(d.approvedFen, locale)}，${t.spent} ${formatMoney(d.spentFen, locale)}，` +
        `${t.lights} ${d.red}/${d.yellow}/${d.green}`,
    );
  });
  out.push('', `四、${t.sectionOverdue}`);
  if (!s.overdue.length) out.push(`  ${t.noOverdue}`);
  for (const n of s.overdue) {
    out.push(`  - ${n.id}  ${n.departmentName}「${n.projectName}」（${n.projectId}）${t.dueOn} ${n.dueOn}`);
    out.push(`    ${n.reasons[locale]}`);
  }
  out.push('', `五、${t.sectionPendingClawbacks}`);
  if (!s.clawbacks.length) out.push(`  ${t.noClawbacks}`);
  for (const c of s.clawbacks) {
    out.push(
      `  - ${c.departmentName}「${c.projectName}」（${c.projectId}）${t.recommended} ${formatMoney(c.recommendedFen, locale)}`,
    );
    out.push(`    ${c.basis.formula}`);
  }
  out.push('', fill(t.attachmentNote, { file: bureauSummaryFileName(s) }), t.bureauFooter);
  return `${out.join('\n')}\n`;
}

export function renderBureauSummary(s: BureauSummary): RenderedMail {
  return { subject: bureauSubject(s), html: renderBureauHtml(s), text: renderBureauText(s) };
}
