import type { Dossier, LightPointView } from '../domain/dossier.js';
import type { Light } from '../domain/monitoring.js';
import {
  escapeHtml as esc,
  formatPercent,
  type Locale,
  lightColors,
  lightLabels,
  shanghaiDateTime,
} from './format.js';

/**
 * The printable page of a project's dossier (GET /v1/projects/{id}/dossier.html): zh-CN first, English by
 * Accept-Language, one inline <style> (no script, nothing remote: the CSP admits only that), the light history
 * as a small inline SVG chart, laid out for A4 when printed from a browser (@page, print rules that keep a
 * table row or a heading with what follows). Every value from the record is escaped here. Pure: renders a
 * string from the dossier.
 */
type Text = Record<Locale, string>;
const T = {
  title: { 'zh-CN': '项目绩效全信息', en: 'Project performance dossier' },
  generated: { 'zh-CN': '生成时间', en: 'Generated' },
  request: { 'zh-CN': '一、项目申报', en: '1. Request' },
  exAnte: { 'zh-CN': '二、事前绩效评估', en: '2. Ex-ante assessment' },
  goals: { 'zh-CN': '三、绩效目标', en: '3. Performance goals' },
  budget: { 'zh-CN': '四、预算批复与调整', en: '4. Budget and adjustments' },
  spend: { 'zh-CN': '五、预算执行（按月）', en: '5. Spend by month' },
  monitoring: { 'zh-CN': '六、绩效运行监控', en: '6. Monitoring' },
  rectifications: { 'zh-CN': '七、整改通知', en: '7. Rectification notices' },
  clawbacks: { 'zh-CN': '八、调减/收回建议', en: '8. Clawback recommendations' },
  selfEvaluation: { 'zh-CN': '九、绩效自评与复核', en: '9. Self-evaluation and review' },
  thirdParty: { 'zh-CN': '十、第三方评价', en: '10. Third-party evaluation' },
  result: { 'zh-CN': '十一、结果应用', en: '11. Result' },
  documents: { 'zh-CN': '十二、文件', en: '12. Documents' },
  audit: { 'zh-CN': '十三、审计记录', en: '13. Audit trail' },
  none: { 'zh-CN': '无', en: 'None' },
  notRequired: { 'zh-CN': '无需事前评估', en: 'No ex-ante assessment required' },
  more: { 'zh-CN': '（仅列前 {n} 条，余下见接口分页）', en: '(first {n} only; the API pages the rest)' },
  department: { 'zh-CN': '部门', en: 'Department' },
  fiscalYear: { 'zh-CN': '年度', en: 'Fiscal year' },
  status: { 'zh-CN': '状态', en: 'Status' },
  requested: { 'zh-CN': '申报金额', en: 'Requested' },
  kind: { 'zh-CN': '类型', en: 'Kind' },
  category: { 'zh-CN': '类别', en: 'Category' },
  createdAt: { 'zh-CN': '创建时间', en: 'Created' },
  description: { 'zh-CN': '说明', en: 'Description' },
  total: { 'zh-CN': '总分', en: 'Total' },
  conclusion: { 'zh-CN': '结论', en: 'Conclusion' },
  recommended: { 'zh-CN': '建议金额', en: 'Recommended' },
  reason: { 'zh-CN': '理由', en: 'Reason' },
  version: { 'zh-CN': '版本', en: 'Version' },
  saved: { 'zh-CN': '保存', en: 'Saved' },
  submitted: { 'zh-CN': '提交', en: 'Submitted' },
  outcome: { 'zh-CN': '结果', en: 'Outcome' },
  review: { 'zh-CN': '审核意见', en: 'Review' },
  indicator: { 'zh-CN': '指标', en: 'Indicator' },
  level: { 'zh-CN': '一级/二级', en: 'Level 1/2' },
  target: { 'zh-CN': '目标值', en: 'Target' },
  weight: { 'zh-CN': '权重', en: 'Weight' },
  initial: { 'zh-CN': '初始批复', en: 'Initially approved' },
  approved: { 'zh-CN': '当前批复', en: 'Approved now' },
  at: { 'zh-CN': '时间', en: 'When' },
  before: { 'zh-CN': '调整前', en: 'Before' },
  cut: { 'zh-CN': '调减', en: 'Cut' },
  after: { 'zh-CN': '调整后', en: 'After' },
  cause: { 'zh-CN': '原因', en: 'Cause' },
  month: { 'zh-CN': '月份', en: 'Month' },
  spent: { 'zh-CN': '当月支出', en: 'Spent' },
  cumulative: { 'zh-CN': '累计支出', en: 'Cumulative' },
  rate: { 'zh-CN': '执行率', en: 'Rate' },
  planned: { 'zh-CN': '序时/计划进度', en: 'Time/plan progress' },
  asOf: { 'zh-CN': '监控日', en: 'As of' },
  timeProgress: { 'zh-CN': '序时进度', en: 'Time progress' },
  executionIndex: { 'zh-CN': '执行指数', en: 'Execution index' },
  executionLight: { 'zh-CN': '执行灯', en: 'Execution light' },
  goalLight: { 'zh-CN': '目标灯', en: 'Goal light' },
  chartTitle: { 'zh-CN': '执行指数与灯色变化', en: 'Execution index and lights over time' },
  issued: { 'zh-CN': '下发', en: 'Issued' },
  due: { 'zh-CN': '期限', en: 'Due' },
  response: { 'zh-CN': '整改反馈', en: 'Response' },
  verification: { 'zh-CN': '核查', en: 'Verification' },
  decision: { 'zh-CN': '决定', en: 'Decision' },
  claimed: { 'zh-CN': '自评', en: 'Claimed' },
  reviewed: { 'zh-CN': '复核', en: 'Reviewed' },
  execution: { 'zh-CN': '预算执行', en: 'Budget execution' },
  agency: { 'zh-CN': '机构', en: 'Agency' },
  plan: { 'zh-CN': '评价方案', en: 'Plan' },
  report: { 'zh-CN': '评价报告', en: 'Report' },
  reviews: { 'zh-CN': '两审', en: 'Reviews' },
  supervision: { 'zh-CN': '督导', en: 'Supervision' },
  rating: { 'zh-CN': '工作质量考核', en: 'Quality rating' },
  grade: { 'zh-CN': '等级', en: 'Grade' },
  score: { 'zh-CN': '得分', en: 'Score' },
  recommendation: { 'zh-CN': '下年度预算建议', en: 'Next year’s budget' },
  file: { 'zh-CN': '文件', en: 'File' },
  size: { 'zh-CN': '大小', en: 'Size' },
  action: { 'zh-CN': '操作', en: 'Action' },
  actor: { 'zh-CN': '操作人', en: 'By' },
  noLights: { 'zh-CN': '尚无监控记录', en: 'No monitoring yet' },
  lastCheckpoint: {
    'zh-CN': '年度最后一个监控节点的指标亮灯',
    en: 'Indicator lights at the last checkpoint of the year',
  },
  light: { 'zh-CN': '亮灯', en: 'Light' },
  readFrom: { 'zh-CN': '依据', en: 'Read from' },
  yearEndFigures: {
    'zh-CN': '年度自评实际值（对照全年目标）',
    en: 'year-end figures (against the whole target)',
  },
  reportOf: { 'zh-CN': '监控报告', en: 'monitoring report of' },
} satisfies Record<string, Text>;

const words: Record<string, Text> = {
  draft: { 'zh-CN': '草稿', en: 'draft' },
  submitted: { 'zh-CN': '已提交', en: 'submitted' },
  returned: { 'zh-CN': '退回修改', en: 'returned' },
  approved: { 'zh-CN': '批复', en: 'approved' },
  rejected: { 'zh-CN': '不予批复', en: 'rejected' },
  supported: { 'zh-CN': '予以支持', en: 'supported' },
  supported_after_adjustment: { 'zh-CN': '调整后支持', en: 'supported after adjustment' },
  not_supported: { 'zh-CN': '不予支持', en: 'not supported' },
  excellent: { 'zh-CN': '优', en: 'excellent' },
  good: { 'zh-CN': '良', en: 'good' },
  fair: { 'zh-CN': '中', en: 'fair' },
  poor: { 'zh-CN': '差', en: 'poor' },
  open: { 'zh-CN': '待整改', en: 'open' },
  responded: { 'zh-CN': '已反馈', en: 'responded' },
  resolved: { 'zh-CN': '已整改', en: 'resolved' },
  not_resolved: { 'zh-CN': '整改未到位', en: 'not resolved' },
  overdue: { 'zh-CN': '逾期', en: 'overdue' },
  recommended: { 'zh-CN': '待决定', en: 'recommended' },
  accepted: { 'zh-CN': '已采纳', en: 'accepted' },
  accept: { 'zh-CN': '采纳', en: 'accept' },
  reject: { 'zh-CN': '不采纳', en: 'reject' },
  approve: { 'zh-CN': '通过', en: 'approve' },
  return: { 'zh-CN': '退回', en: 'return' },
  pending: { 'zh-CN': '待审', en: 'pending' },
  received: { 'zh-CN': '已接收', en: 'received' },
  priority: { 'zh-CN': '优先保障', en: 'priority' },
  maintain: { 'zh-CN': '维持', en: 'maintain' },
  cancel: { 'zh-CN': '取消', en: 'cancel' },
  execution: { 'zh-CN': '预算执行', en: 'execution' },
  goal: { 'zh-CN': '绩效目标', en: 'goal' },
  project: { 'zh-CN': '项目', en: 'project' },
  policy: { 'zh-CN': '政策', en: 'policy' },
  plan: { 'zh-CN': '方案', en: 'plan' },
  report: { 'zh-CN': '报告', en: 'report' },
  closed: { 'zh-CN': '已完成', en: 'closed' },
  executing: { 'zh-CN': '执行中', en: 'executing' },
  in_library: { 'zh-CN': '已入库', en: 'in library' },
  under_review: { 'zh-CN': '审核中', en: 'under review' },
};

const money = (yuan: number | null | undefined, locale: Locale) => {
  if (yuan === null || yuan === undefined) return '—';
  const fen = Math.round(yuan * 100);
  const s = `${Math.floor(Math.abs(fen) / 100)}`.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${fen < 0 ? '-' : ''}${s}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;
  return locale === 'zh-CN' ? `¥${text}` : `CNY ${text}`;
};
const when = (iso: string | null | undefined) => {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) || iso.length <= 10 ? esc(iso) : esc(shanghaiDateTime(d));
};

function renderer(locale: Locale) {
  const t = (k: keyof typeof T) => esc(T[k][locale]);
  const w = (v: string | null | undefined) => (v ? esc(words[v]?.[locale] ?? v) : '—');
  const x = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : esc(String(v)));
  /** An aside in brackets: full-width in Chinese, after a space in English. */
  const aside = (v: string) => (locale === 'zh-CN' ? `（${v}）` : ` (${v})`);
  const table = (headers: string[], rows: string[][], numeric: number[] = []) =>
    rows.length === 0
      ? `<p class="none">${t('none')}</p>`
      : `<table><thead><tr>${headers.map((h, i) => `<th${numeric.includes(i) ? ' class="n"' : ''}>${h}</th>`).join('')}</tr></thead><tbody>${rows
          .map(
            (r) =>
              `<tr>${r.map((c, i) => `<td${numeric.includes(i) ? ' class="n"' : ''}>${c}</td>`).join('')}</tr>`,
          )
          .join('')}</tbody></table>`;
  const fields = (pairs: [string, string][]) =>
    `<dl>${pairs.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
  const badge = (l: Light) =>
    `<span class="light" style="background:${lightColors[l]}${l === 'yellow' ? ';color:#202124' : ''}">${esc(lightLabels[l][locale])}</span>`;
  const section = (title: keyof typeof T, body: string) => `<section><h2>${t(title)}</h2>${body}</section>`;
  const more = (part: { items: unknown[]; nextToken?: string }) =>
    part.nextToken
      ? `<p class="note">${esc(T.more[locale].replace('{n}', String(part.items.length)))}</p>`
      : '';
  return { t, w, x, aside, table, fields, badge, section, more };
}

/** The light history as a small SVG: the execution index against the bands, each point in its light's colour. */
export function lightChart(points: readonly LightPointView[], locale: Locale): string {
  const W = 640;
  const H = 190;
  const left = 34;
  const right = 10;
  const top = 10;
  const bottom = 46;
  const max = Math.max(150, ...points.map((p) => Math.ceil((p.executionIndex ?? 0) / 10) * 10));
  const y = (v: number) => top + (H - top - bottom) * (1 - Math.min(v, max) / max);
  const step = points.length > 1 ? (W - left - right) / (points.length - 1) : 0;
  const xAt = (i: number) => (points.length > 1 ? left + i * step : (left + W - right) / 2);
  const band = (from: number, to: number, color: string) =>
    `<rect x="${left}" y="${y(to).toFixed(1)}" width="${W - left - right}" height="${(y(from) - y(to)).toFixed(1)}" fill="${color}" fill-opacity="0.12"/>`;
  const ticks = [0, 60, 80, 120]
    .filter((v) => v <= max)
    .map(
      (v) =>
        `<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dadce0" stroke-width="0.5"/>` +
        `<text x="${left - 4}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end" font-size="9" fill="#5f6368">${v}</text>`,
    )
    .join('');
  const withIndex = points.map((p, i) => ({ p, i })).filter(({ p }) => p.executionIndex !== null);
  const line =
    withIndex.length > 1
      ? `<polyline fill="none" stroke="#5f6368" stroke-width="1.2" points="${withIndex
          .map(({ p, i }) => `${xAt(i).toFixed(1)},${y(p.executionIndex!).toFixed(1)}`)
          .join(' ')}"/>`
      : '';
  const dots = points
    .map((p, i) => {
      const cx = xAt(i).toFixed(1);
      const cy = y(p.executionIndex ?? 0).toFixed(1);
      const label = `${p.asOf} ${lightLabels[p.executionLight][locale]} ${p.executionIndex ?? '—'}`;
      return (
        `<circle cx="${cx}" cy="${cy}" r="4.5" fill="${lightColors[p.executionLight]}" stroke="#fff" stroke-width="1"><title>${esc(label)}</title></circle>` +
        `<rect x="${(xAt(i) - 4).toFixed(1)}" y="${H - bottom + 6}" width="8" height="8" rx="1.5" fill="${lightColors[p.goalLight]}"/>` +
        `<text x="${cx}" y="${H - bottom + 28}" text-anchor="middle" font-size="9" fill="#202124">${esc(p.asOf.slice(5))}</text>`
      );
    })
    .join('');
  const legend = `<text x="${left}" y="${H - 4}" font-size="9" fill="#5f6368">${esc(locale === 'zh-CN' ? '● 执行灯（纵轴：执行指数）  ■ 目标灯' : '● execution light (axis: execution index)  ■ goal light')}</text>`;
  return (
    `<svg class="chart" role="img" aria-label="${esc(T.chartTitle[locale])}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">` +
    band(0, 60, lightColors.red) +
    band(60, 80, lightColors.yellow) +
    band(80, 120, lightColors.green) +
    band(120, max, lightColors.blue) +
    ticks +
    line +
    dots +
    legend +
    '</svg>'
  );
}

const style = `
@page{size:A4;margin:14mm 12mm 16mm}
*{box-sizing:border-box}
html{background:#f1f3f4}
body{margin:0 auto;max-width:210mm;background:#fff;color:#202124;font:10.5pt/1.5 "PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",system-ui,sans-serif;padding:12mm}
header{border-bottom:3px solid #9e1b1b;padding-bottom:6px;margin-bottom:8px}
header .kicker{color:#9e1b1b;font-size:9.5pt;letter-spacing:.1em}
h1{font-size:16pt;margin:2px 0}
header .meta{color:#5f6368;font-size:9pt}
h2{font-size:12pt;margin:14px 0 6px;padding:2px 0 2px 8px;border-left:4px solid #9e1b1b;break-after:avoid;page-break-after:avoid}
h3{font-size:10.5pt;margin:10px 0 4px;break-after:avoid}
table{width:100%;border-collapse:collapse;margin:4px 0 8px;font-size:9pt}
th,td{border:1px solid #dadce0;padding:3px 5px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f3f4;color:#5f6368;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
thead{display:table-header-group}
tr{break-inside:avoid;page-break-inside:avoid}
dl{display:grid;grid-template-columns:max-content 1fr;gap:1px 12px;margin:4px 0 8px;font-size:9.5pt}
dt{color:#5f6368}dd{margin:0;overflow-wrap:anywhere}
.light{display:inline-block;padding:0 6px;border-radius:8px;color:#fff;font-size:8.5pt;white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.chart{display:block;width:100%;height:auto;max-width:170mm;margin:4px 0;-webkit-print-color-adjust:exact;print-color-adjust:exact}
.mono{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:7.5pt;word-break:break-all}
.note,.none{color:#5f6368;font-size:9pt;margin:2px 0 6px}
footer{margin-top:14px;border-top:1px solid #dadce0;padding-top:4px;color:#5f6368;font-size:8.5pt}
@media print{html{background:#fff}body{max-width:none;padding:0}a{color:inherit;text-decoration:none}}
@media screen and (max-width:600px){body{padding:4mm}dl{grid-template-columns:1fr}}`;

/** The content-security policy of the page: its one inline style, no script, nothing fetched. */
export const dossierPageCsp =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export function renderDossierPage(d: Dossier, locale: Locale, names: { department?: string } = {}): string {
  const { t, w, x, aside, table, fields, badge, section, more } = renderer(locale);
  const m = (v: number | null | undefined) => money(v, locale);
  const r = d.request;
  const a = d.exAnteAssessment.assessment;
  const parts: string[] = [];

  parts.push(
    section(
      'request',
      fields([
        [
          t('department'),
          names.department ? `${x(names.department)}${aside(x(r.departmentId))}` : x(r.departmentId),
        ],
        [t('fiscalYear'), x(r.fiscalYear)],
        [t('kind'), `${w(r.kind)}${r.isNew ? (locale === 'zh-CN' ? '（新增）' : ' (new)') : ''}`],
        [t('category'), x(r.category)],
        [t('requested'), m(r.requestedAmount)],
        [t('status'), w(r.status)],
        [t('createdAt'), when(r.createdAt)],
        [t('description'), x(r.description)],
      ]),
    ),
  );
  parts.push(
    section(
      'exAnte',
      !d.exAnteAssessment.required
        ? `<p class="none">${t('notRequired')}</p>`
        : !a
          ? `<p class="none">${t('none')}</p>`
          : fields([
              [t('total'), x(a.total)],
              [t('conclusion'), w(a.conclusion)],
              [t('recommended'), a.recommendedAmount !== undefined ? m(a.recommendedAmount) : '—'],
              [t('reason'), x(a.reason)],
              [t('at'), when(a.assessedAt)],
            ]),
    ),
  );
  const current = d.goals.current;
  parts.push(
    section(
      'goals',
      table(
        [t('version'), t('saved'), t('submitted'), t('outcome'), t('review')],
        d.goals.versions.map((v) => [
          x(v.number),
          when(v.savedAt),
          when(v.submittedAt),
          w(v.outcome),
          v.review ? `${w(v.review.grade)} ${x(v.review.comments ?? '')}` : '—',
        ]),
      ) +
        (current
          ? `<h3>${x(current.overallGoal)}</h3>` +
            table(
              [t('indicator'), t('level'), t('target'), t('weight')],
              current.indicators.map((i) => [
                x(i.name),
                x(`${i.level1}/${i.level2}`),
                x(`${i.operator === 'qualitative' ? '' : `${i.operator} `}${i.target ?? ''}${i.unit ?? ''}`),
                x(i.weight),
              ]),
              [3],
            )
          : ''),
    ),
  );
  const b = d.budget;
  parts.push(
    section(
      'budget',
      !b
        ? `<p class="none">${t('none')}</p>`
        : fields([
            [t('initial'), m(b.initialAmount)],
            [t('approved'), m(b.approvedAmount)],
            [t('at'), when(b.approvedAt)],
          ]) +
            table(
              [t('at'), t('before'), t('cut'), t('after'), t('cause')],
              b.adjustments.map((j) => [
                when(j.at),
                m(j.beforeAmount),
                m(j.cutAmount),
                m(j.afterAmount),
                x(j.reason),
              ]),
              [1, 2, 3],
            ),
    ),
  );
  parts.push(
    section(
      'spend',
      table(
        [t('month'), t('spent'), t('cumulative'), t('rate'), t('planned')],
        d.spend.months.map((mo) => [
          x(mo.month),
          m(mo.spent),
          m(mo.cumulative),
          esc(formatPercent(mo.cumulativeRate)),
          esc(formatPercent(mo.plannedShare)),
        ]),
        [1, 2, 3, 4],
      ),
    ),
  );
  const history = d.monitoring.history;
  parts.push(
    section(
      'monitoring',
      (history.items.length
        ? `<h3>${t('chartTitle')}</h3>${lightChart(history.items, locale)}`
        : `<p class="none">${t('noLights')}</p>`) +
        table(
          [t('asOf'), t('timeProgress'), t('rate'), t('executionIndex'), t('executionLight'), t('goalLight')],
          history.items.map((p) => [
            x(p.asOf),
            esc(formatPercent(p.timeProgress)),
            esc(formatPercent(p.executionRate)),
            x(p.executionIndex),
            badge(p.executionLight),
            badge(p.goalLight),
          ]),
          [1, 2, 3],
        ) +
        more(history) +
        (d.monitoring.lastCheckpoint
          ? `<h3>${t('lastCheckpoint')}${aside(x(d.monitoring.lastCheckpoint.asOf))}</h3>` +
            table(
              [t('indicator'), t('light'), t('readFrom')],
              d.monitoring.lastCheckpoint.indicators.map((l) => [
                x(l.name),
                badge(l.light),
                l.source === 'checkpoint'
                  ? `${t('reportOf')} ${x(l.reportPeriod)}`
                  : l.source === 'year-end'
                    ? t('yearEndFigures')
                    : '—',
              ]),
            )
          : ''),
    ),
  );
  parts.push(
    section(
      'rectifications',
      table(
        [t('issued'), t('cause'), t('due'), t('status'), t('response'), t('verification')],
        d.rectifications.map((n) => [
          x(n.issuedOn),
          `${w(n.cause)}<br>${x(n.reasons[locale])}`,
          x(n.dueOn),
          w(n.status),
          n.response ? `${x(n.response.causes)}<br>${x(n.response.measures)}` : '—',
          n.verification ? `${w(n.verification.result)} ${x(n.verification.comments ?? '')}` : '—',
        ]),
      ),
    ),
  );
  parts.push(
    section(
      'clawbacks',
      table(
        [t('asOf'), t('recommended'), t('cause'), t('status'), t('decision')],
        d.clawbacks.map((c) => [
          x(c.asOf),
          m(c.recommendedAmount),
          `${x(c.cause)}<br><span class="note">${x(c.basis.formula)}</span>`,
          w(c.status),
          c.decision
            ? `${w(c.decision.decision)} ${c.decision.amount !== undefined ? m(c.decision.amount) : ''} ${x(c.decision.reason)}`
            : '—',
        ]),
        [1],
      ),
    ),
  );
  const s = d.selfEvaluation;
  parts.push(
    section(
      'selfEvaluation',
      !s
        ? `<p class="none">${t('none')}</p>`
        : fields([
            [t('claimed'), `${x(s.claimed.total)}${aside(w(s.claimed.grade))}`],
            [t('reviewed'), s.reviewed ? `${x(s.reviewed.total)}${aside(w(s.reviewed.grade))}` : '—'],
            [t('review'), x(s.reviewed?.comments)],
          ]) +
            table(
              [t('indicator'), t('weight'), t('claimed'), t('reviewed'), t('reason')],
              s.lines.map((l) => [
                l.name === 'execution' ? t('execution') : x(l.name),
                x(l.weight),
                x(l.claimed),
                x(l.reviewed),
                x(l.reason),
              ]),
              [1, 2, 3],
            ),
    ),
  );
  parts.push(
    section(
      'thirdParty',
      d.thirdPartyEvaluations.length === 0
        ? `<p class="none">${t('none')}</p>`
        : d.thirdPartyEvaluations
            .map(
              (e) =>
                `<h3>${x(e.id)}</h3>` +
                fields([
                  [t('agency'), x(e.agencyId)],
                  [t('status'), w(e.status)],
                  [t('plan'), `${x(e.plan.documentId)} ${when(e.plan.approvedAt)}`],
                  [t('rating'), e.rating ? x(e.rating.total) : '—'],
                ]) +
                table(
                  [t('report'), t('score'), t('grade'), t('outcome')],
                  e.reports.map((rep) => [x(rep.documentId), x(rep.score), w(rep.grade), w(rep.outcome)]),
                  [1],
                ) +
                table(
                  [t('reviews'), t('decision'), t('at'), t('review')],
                  e.reviews.map((rv) => [w(rv.stage), w(rv.decision), when(rv.at), x(rv.comments)]),
                ) +
                table(
                  [t('supervision'), t('at'), t('review')],
                  e.supervision.map((sv) => [x(sv.checked), x(sv.date), x(sv.findings)]),
                ),
            )
            .join(''),
    ),
  );
  const res = d.result;
  parts.push(
    section(
      'result',
      !res
        ? `<p class="none">${t('none')}</p>`
        : fields([
            [t('grade'), w(res.grade)],
            [t('recommendation'), `${w(res.recommendation)} ${m(res.recommendedAmount)}`],
            [t('reason'), x(res.basis.rule)],
          ]),
    ),
  );
  parts.push(
    section(
      'documents',
      table(
        [t('file'), t('kind'), t('size'), t('status'), 'SHA-256'],
        d.documents.items.map((doc) => [
          x(doc.fileName),
          x(doc.kind),
          x(doc.actualSize ?? doc.size),
          w(doc.status),
          `<span class="mono">${x(doc.sha256)}</span>`,
        ]),
        [2],
      ) + more(d.documents),
    ),
  );
  parts.push(
    section(
      'audit',
      table(
        [t('at'), t('action'), t('actor')],
        d.audit.items.map((e) => [when(e.at), x(e.action), x(`${e.actor.sub} (${e.actor.role})`)]),
      ) + more(d.audit),
    ),
  );

  return `<!DOCTYPE html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${T.title[locale]} · ${r.name}`)}</title>
<style>${style}</style>
</head>
<body>
<header>
<div class="kicker">${t('title')}</div>
<h1>${esc(r.name)}</h1>
<div class="meta">${esc(d.projectId)} · ${t('fiscalYear')} ${x(r.fiscalYear)} · ${t('generated')} ${when(d.generatedAt)}</div>
</header>
${parts.join('\n')}
<footer>${esc(d.projectId)} · ${t('generated')} ${when(d.generatedAt)}</footer>
</body>
</html>
`;
}
