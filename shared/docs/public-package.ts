/** What the package needs of a result (shared/app/results.ts's rows have it). */
export interface PublicResult {
  fiscalYear: number;
  departmentId: string;
  projectId: string;
  projectName: string;
  grade: string;
  recommendation: string;
  approvedAmount: number;
  recommendedAmount: number;
  basis: { evaluation: { source: string; score: number } };
  goals?: { overallGoal: string; indicators: { name: string; target?: number | string; unit?: string }[] };
}

/**
 * The year's public disclosure package (绩效信息公开): each project's approved goals, final grade and
 * recommendation — no personal data (no names of people, addresses or user ids) — as CSV and JSON, with a
 * Frictionless Data `datapackage.json` descriptor. Pure: builds the files; the bulletin stores them under
 * `public-data/performance/<year>/` in the bucket, a prefix the bureau can serve as is.
 */
export const PUBLIC_DATA_PREFIX = 'public-data/performance/';
export const publicDataPrefix = (fiscalYear: number) => `${PUBLIC_DATA_PREFIX}${fiscalYear}/`;

const fields = [
  { name: 'fiscalYear', type: 'integer', title: '预算年度' },
  { name: 'departmentId', type: 'string', title: '部门编号' },
  { name: 'departmentName', type: 'string', title: '部门名称' },
  { name: 'projectId', type: 'string', title: '项目编号' },
  { name: 'projectName', type: 'string', title: '项目名称' },
  { name: 'overallGoal', type: 'string', title: '总体目标' },
  { name: 'indicators', type: 'string', title: '绩效指标及目标值' },
  {
    name: 'grade',
    type: 'string',
    title: '最终评价等级',
    constraints: { enum: ['excellent', 'good', 'fair', 'poor'] },
  },
  {
    name: 'gradeSource',
    type: 'string',
    title: '等级来源',
    constraints: { enum: ['third-party', 'self-evaluation'] },
  },
  { name: 'score', type: 'number', title: '得分' },
  {
    name: 'recommendation',
    type: 'string',
    title: '结果应用建议',
    constraints: { enum: ['priority', 'maintain', 'cut', 'cancel'] },
  },
  { name: 'approvedAmount', type: 'number', title: '当年批复预算（元）' },
  { name: 'recommendedAmount', type: 'number', title: '下年建议金额（元）' },
] as const;

type Row = Record<(typeof fields)[number]['name'], string | number>;

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const indicatorText = (r: PublicResult) =>
  (r.goals?.indicators ?? [])
    .map((i) => `${i.name}：${i.target ?? ''}${typeof i.target === 'number' ? (i.unit ?? '') : ''}`)
    .join('；');

export function publicRows(
  results: readonly PublicResult[],
  departmentNames: ReadonlyMap<string, string>,
): Row[] {
  return results.map((r) => ({
    fiscalYear: r.fiscalYear,
    departmentId: r.departmentId,
    departmentName: departmentNames.get(r.departmentId) ?? r.departmentId,
    projectId: r.projectId,
    projectName: r.projectName,
    overallGoal: r.goals?.overallGoal ?? '',
    indicators: indicatorText(r),
    grade: r.grade,
    gradeSource: r.basis.evaluation.source,
    score: r.basis.evaluation.score,
    recommendation: r.recommendation,
    approvedAmount: r.approvedAmount,
    recommendedAmount: r.recommendedAmount,
  }));
}

export interface PublicFile {
  name: string;
  body: string;
  contentType: string;
}

export function publicPackage(
  fiscalYear: number,
  results: readonly PublicResult[],
  departmentNames: ReadonlyMap<string, string>,
  publishedAt: Date,
): PublicFile[] {
  const rows = publicRows(results, departmentNames);
  const csv = `\uFEFF${[fields.map((f) => f.name).join(','), ...rows.map((r) => fields.map((f) => csvCell(r[f.name])).join(','))].join('\r\n')}\r\n`;
  const json = rows.map((r, i) => ({
    ...r,
    indicators: (results[i]!.goals?.indicators ?? []).map((x) => ({
      name: x.name,
      target: x.target,
      unit: x.unit,
    })),
  }));
  const descriptor = {
    profile: 'data-package',
    name: `budget-performance-${fiscalYear}`,
    title: `${fiscalYear}年度预算项目绩效信息公开`,
    description: '各预算项目经批复的绩效目标、最终评价等级及结果应用建议（不含个人信息）',
    created: publishedAt.toISOString(),
    licenses: [
      {
        name: 'CC-BY-4.0',
        title: 'Creative Commons Attribution 4.0',
        path: 'https://creativecommons.org/licenses/by/4.0/',
      },
    ],
    resources: [
      {
        name: 'projects',
        path: 'projects.csv',
        profile: 'tabular-data-resource',
        format: 'csv',
        mediatype: 'text/csv',
        encoding: 'utf-8',
        schema: { fields, primaryKey: ['projectId'] },
      },
      {
        name: 'projects-json',
        path: 'projects.json',
        format: 'json',
        mediatype: 'application/json',
        encoding: 'utf-8',
      },
    ],
  };
  return [
    { name: 'projects.csv', body: csv, contentType: 'text/csv; charset=utf-8' },
    { name: 'projects.json', body: `${JSON.stringify(json, null, 2)}\n`, contentType: 'application/json' },
    {
      name: 'datapackage.json',
      body: `${JSON.stringify(descriptor, null, 2)}\n`,
      contentType: 'application/json',
    },
  ];
}
