import type { InflationSignal, RankingRow } from '../domain/ranking.js';
import type { RenderedMail } from './department-report.js';
import { shanghaiDateTime } from './format.js';
import { COLORS, dataTable, esc, heading, page, paragraph } from './html.js';

/**
 * The published ranking (通报) of a fiscal year: the departments by their average reviewed self-evaluation
 * total, the commended and criticised departments, and the score-inflation signal. One model, three forms:
 * an HTML page (stored in S3 for reading, and the mail's body), plain text, and an .xlsx for staff. Pure.
 */
export interface BulletinDepartment {
  departmentId: string;
  departmentName: string;
  projects: { projectId: string; projectName: string; grade: string }[];
}

export interface BulletinModel {
  fiscalYear: number;
  publication: number;
  publishedAt: Date;
  configVersion: number;
  ranking: (RankingRow & { departmentName: string })[];
  unranked: { departmentId: string; departmentName: string }[];
  commended: BulletinDepartment[];
  criticised: BulletinDepartment[];
  inflation: (InflationSignal & { departmentName: string })[];
}

const gradeNames: Record<string, string> = { excellent: '优', good: '良', fair: '中', poor: '差' };
const points = (n: number) => n.toFixed(2);

export const bulletinSubject = (m: Pick<BulletinModel, 'fiscalYear' | 'publication'>) =>
  `【绩效通报】${m.fiscalYear}年度部门绩效自评结果通报${m.publication > 1 ? `（第${m.publication}版）` : ''}`;

export const bulletinFileName = (
  m: Pick<BulletinModel, 'fiscalYear' | 'publication'>,
  ext: 'html' | 'xlsx',
) => `bulletin-${m.fiscalYear}-${m.publication}.${ext}`;

function departmentList(list: BulletinDepartment[], none: string): string {
  if (!list.length) return paragraph(esc(none), `color:${COLORS.muted};`);
  return dataTable(
    ['部门', '项目', '最终等级'],
    list.flatMap((d) =>
      d.projects.map((p) => [
        `${esc(d.departmentName)}<div style="font-size:12px;color:${COLORS.muted};">${esc(d.departmentId)}</div>`,
        `${esc(p.projectName)}<div style="font-size:12px;color:${COLORS.muted};">${esc(p.projectId)}</div>`,
        esc(gradeNames[p.grade] ?? p.grade),
      ]),
    ),
  );
}

export function renderBulletinHtml(m: BulletinModel): string {
  const body: string[] = [];
  body.push(
    paragraph(
      esc(
        `根据${m.fiscalYear}年度预算项目绩效自评及财政局复核结果，现将各部门绩效自评得分排名通报如下（按复核后平均得分排序，得分相同时项目多者在前）。`,
      ),
    ),
  );
  body.push(heading('一、部门排名'));
  body.push(
    dataTable(
      ['名次', '部门', '复核平均分', '复核项目数'],
      m.ranking.map((r) => [
        String(r.rank),
        `${esc(r.departmentName)}<div style="font-size:12px;color:${COLORS.muted};">${esc(r.departmentId)}</div>`,
        points(r.averageScore),
        String(r.projects),
      ]),
      ['right', 'left', 'right', 'right'],
    ),
  );
  if (m.unranked.length) {
    body.push(
      paragraph(
        esc(
          `未参加排名（无复核项目）：${m.unranked.map((d) => `${d.departmentName}（${d.departmentId}）`).join('、')}`,
        ),
        `color:${COLORS.muted};`,
      ),
    );
  }
  body.push(heading('二、通报表扬'));
  body.push(departmentList(m.commended, '本年度无最终等级为“优”的项目。'));
  body.push(heading('三、通报批评'));
  body.push(departmentList(m.criticised, '本年度无最终等级为“差”的项目。'));
  body.push(heading('四、自评虚高提示'));
  const flagged = m.inflation.filter((i) => i.flagged);
  body.push(
    paragraph(
      esc(
        flagged.length
          ? `以下部门自评得分平均高出复核（或第三方评价）得分超过${flagged[0]!.threshold}分，请在今后自评中实事求是：`
          : '各部门自评与复核得分差距均在合理范围内。',
      ),
    ),
  );
  body.push(
    dataTable(
      ['部门', '自评与复核平均差（分）', '自评与第三方平均差（分）', '提示'],
      m.inflation.map((i) => [
        `${esc(i.departmentName)}（${esc(i.departmentId)}）`,
        points(i.averageGap),
        i.thirdPartyGap === null ? '—' : points(i.thirdPartyGap),
        i.flagged ? '<b>自评虚高</b>' : '',
      ]),
      ['left', 'right', 'right', 'left'],
    ),
  );
  return page({
    lang: 'zh-CN',
    title: bulletinSubject(m),
    kicker: '区财政局 · 预算绩效管理',
    heading: `${m.fiscalYear}年度部门绩效自评结果通报`,
    subheading: `发布时间：${shanghaiDateTime(m.publishedAt)}（北京时间） · 第${m.publication}版`,
    body: body.join('\n'),
    footer: esc(
      `评分规则：预算执行得分 + 各指标得分，每项四舍五入至两位小数后相加；等级（优、良、中、差）按当年配置（版本 ${m.configVersion}）的分档确定。`,
    ),
  });
}

export function renderBulletinText(m: BulletinModel): string {
  const out: string[] = [];
  out.push('区财政局 · 预算绩效管理', `${m.fiscalYear}年度部门绩效自评结果通报（第${m.publication}版）`);
  out.push(`发布时间：${shanghaiDateTime(m.publishedAt)}（北京时间）`, '');
  out.push('一、部门排名');
  for (const r of m.ranking) {
    out.push(
      `  ${r.rank}. ${r.departmentName}（${r.departmentId}）  平均 ${points(r.averageScore)} 分  项目 ${r.projects} 个`,
    );
  }
  if (m.unranked.length)
    out.push(
      `  未参加排名（无复核项目）：${m.unranked.map((d) => `${d.departmentName}（${d.departmentId}）`).join('、')}`,
    );
  out.push('', '二、通报表扬');
  if (!m.commended.length) out.push('  无');
  for (const d of m.commended)
    out.push(
      `  ${d.departmentName}（${d.departmentId}）：${d.projects.map((p) => p.projectName).join('、')}`,
    );
  out.push('', '三、通报批评');
  if (!m.criticised.length) out.push('  无');
  for (const d of m.criticised)
    out.push(
      `  ${d.departmentName}（${d.departmentId}）：${d.projects.map((p) => p.projectName).join('、')}`,
    );
  out.push('', '四、自评虚高提示');
  for (const i of m.inflation) {
    out.push(
      `  ${i.departmentName}（${i.departmentId}）：自评比复核平均高 ${points(i.averageGap)} 分${i.thirdPartyGap === null ? '' : `，比第三方平均高 ${points(i.thirdPartyGap)} 分`}${i.flagged ? '  【自评虚高】' : ''}`,
    );
  }
  out.push('', `配置版本 ${m.configVersion}`);
  return `${out.join('\n')}\n`;
}

export function renderBulletin(m: BulletinModel): RenderedMail {
  return { subject: bulletinSubject(m), html: renderBulletinHtml(m), text: renderBulletinText(m) };
}

/** The ranking, the commended and criticised, and the inflation signal as three sheets. */
export async function bulletinWorkbook(m: BulletinModel): Promise<Buffer> {
  // Loaded on publication only (see workbook.ts).
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '区财政局预算绩效管理系统';
  wb.created = m.publishedAt;
  wb.modified = m.publishedAt;
  const sheet = (
    name: string,
    columns: { key: string; header: string; width: number; numFmt?: string }[],
  ) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
    ws.columns = columns.map((c) => ({ ...c, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
    ws.getRow(1).font = { bold: true };
    return ws;
  };
  const ranking = sheet('部门排名', [
    { key: 'rank', header: '名次', width: 8 },
    { key: 'departmentId', header: '部门编号', width: 16 },
    { key: 'departmentName', header: '部门名称', width: 24 },
    { key: 'averageScore', header: '复核平均分', width: 12, numFmt: '0.00' },
    { key: 'projects', header: '复核项目数', width: 12 },
  ]);
  for (const r of m.ranking) ranking.addRow(r);
  const listed = sheet('表扬与批评', [
    { key: 'kind', header: '类别', width: 10 },
    { key: 'departmentId', header: '部门编号', width: 16 },
    { key: 'departmentName', header: '部门名称', width: 24 },
    { key: 'projectId', header: '项目编号', width: 22 },
    { key: 'projectName', header: '项目名称', width: 30 },
    { key: 'grade', header: '最终等级', width: 10 },
  ]);
  for (const [kind, list] of [
    ['表扬', m.commended],
    ['批评', m.criticised],
  ] as const) {
    for (const d of list)
      for (const p of d.projects)
        listed.addRow({
          kind,
          departmentId: d.departmentId,
          departmentName: d.departmentName,
          ...p,
          grade: gradeNames[p.grade],
        });
  }
  const inflation = sheet('自评虚高提示', [
    { key: 'departmentId', header: '部门编号', width: 16 },
    { key: 'departmentName', header: '部门名称', width: 24 },
    { key: 'averageGap', header: '自评与复核平均差', width: 18, numFmt: '0.00' },
    { key: 'thirdPartyGap', header: '自评与第三方平均差', width: 18, numFmt: '0.00' },
    { key: 'flagged', header: '自评虚高', width: 10 },
  ]);
  for (const i of m.inflation) inflation.addRow({ ...i, flagged: i.flagged ? '是' : '否' });
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
