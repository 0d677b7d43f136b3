import { lightLabels } from './format.js';
import type { ReportClawback, ReportNotice, ReportProject } from './model.js';

/**
 * The monitoring table as an .xlsx workbook (exceljs): one row per project, Chinese column headers, money
 * in yuan as numbers with two decimals (`#,##0.00`), rates as percentages. Pure: builds the file in memory.
 */
export const MONEY_FORMAT = '#,##0.00';
export const PERCENT_FORMAT = '0.00%';
export const SHEET_NAME = '监控明细';

export const workbookColumns = [
  { key: 'departmentId', header: '部门编号', width: 14 },
  { key: 'departmentName', header: '部门名称', width: 22 },
  { key: 'projectId', header: '项目编号', width: 22 },
  { key: 'projectName', header: '项目名称', width: 32 },
  { key: 'approved', header: '批复预算（元）', width: 18, numFmt: MONEY_FORMAT },
  { key: 'spent', header: '累计支出（元）', width: 18, numFmt: MONEY_FORMAT },
  { key: 'executionRate', header: '预算执行率', width: 12, numFmt: PERCENT_FORMAT },
  { key: 'timeProgress', header: '序时进度', width: 12, numFmt: PERCENT_FORMAT },
  { key: 'executionIndex', header: '执行指数', width: 11, numFmt: '0.00' },
  { key: 'executionLight', header: '执行灯', width: 9 },
  { key: 'goalLight', header: '目标灯', width: 9 },
  { key: 'goalProgress', header: '目标进度', width: 11, numFmt: PERCENT_FORMAT },
  { key: 'divergence', header: '进度偏离', width: 10 },
  { key: 'missingReports', header: '缺报期间', width: 16 },
  { key: 'openNotices', header: '未办结整改通知', width: 28 },
  { key: 'nearestDue', header: '最近整改期限', width: 14 },
  { key: 'clawback', header: '待决定调减建议（元）', width: 20, numFmt: MONEY_FORMAT },
  { key: 'asOf', header: '监控日期', width: 12 },
] as const;

export const INDICATOR_SHEET_NAME = '指标明细';
const operatorLabels: Record<string, string> = {
  '>=': '≥（不低于）',
  '<=': '≤（不高于）',
  '=': '=（等于）',
  qualitative: '定性',
};
const tierLabels: Record<string, string> = {
  achieved: '达成',
  partly_achieved: '部分达成',
  not_achieved: '未达成',
};

export const indicatorColumns = [
  { key: 'departmentId', header: '部门编号', width: 14 },
  { key: 'projectId', header: '项目编号', width: 22 },
  { key: 'projectName', header: '项目名称', width: 32 },
  { key: 'name', header: '指标名称', width: 28 },
  { key: 'operator', header: '指标类型', width: 12 },
  { key: 'target', header: '目标值（定性指标为预期效果）', width: 30 },
  { key: 'actual', header: '实际值', width: 12 },
  { key: 'tier', header: '定性完成情况', width: 14 },
  { key: 'index', header: '指标指数', width: 11, numFmt: '0.00' },
  { key: 'light', header: '指标灯', width: 9 },
] as const;

/** One row per indicator of every project: a qualitative target appears as its words. */
export function indicatorRows(
  input: Pick<WorkbookInput, 'projects'>,
): Record<(typeof indicatorColumns)[number]['key'], unknown>[] {
  return input.projects.flatMap((p) =>
    (p.indicators ?? []).map((i) => ({
      departmentId: p.departmentId,
      projectId: p.projectId,
      projectName: p.projectName,
      name: i.name,
      operator: operatorLabels[i.operator] ?? i.operator,
      target: i.target ?? null,
      actual: i.actual ?? null,
      tier: i.tier ? (tierLabels[i.tier] ?? i.tier) : null,
      index: i.index,
      light: lightLabels[i.light]['zh-CN'],
    })),
  );
}

export interface WorkbookInput {
  asOf: string;
  generatedAt: Date;
  projects: readonly ReportProject[];
  notices: readonly ReportNotice[];
  clawbacks: readonly ReportClawback[];
}

/** One row per project, keyed as `workbookColumns` (money in yuan, exact to the fen). */
export function workbookRows(
  input: WorkbookInput,
): Record<(typeof workbookColumns)[number]['key'], unknown>[] {
  return input.projects.map((p) => {
    const notices = input.notices.filter((n) => n.projectId === p.projectId);
    const clawback = input.clawbacks
      .filter((c) => c.projectId === p.projectId)
      .reduce((a, c) => a + c.recommendedFen, 0);
    const dues = notices.map((n) => n.dueOn).sort();
    return {
      departmentId: p.departmentId,
      departmentName: p.departmentName,
      projectId: p.projectId,
      projectName: p.projectName,
      approved: p.approvedFen / 100,
      spent: p.spentFen / 100,
      executionRate: p.executionRate,
      timeProgress: p.timeProgress,
      executionIndex: p.executionIndex,
      executionLight: lightLabels[p.executionLight]['zh-CN'],
      goalLight: lightLabels[p.goalLight]['zh-CN'],
      goalProgress: p.goalProgress,
      divergence: p.divergence ? '是' : '否',
      missingReports: p.missingReports.join('、'),
      openNotices: notices.map((n) => n.id).join('、'),
      nearestDue: dues[0] ?? null,
      clawback: clawback ? clawback / 100 : null,
      asOf: input.asOf,
    };
  });
}

export async function monitoringWorkbook(input: WorkbookInput): Promise<Buffer> {
  // exceljs (with jszip, readable-stream, …) is loaded when a workbook is made, not when the function starts.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = '区财政局预算绩效管理系统';
  wb.created = input.generatedAt;
  wb.modified = input.generatedAt;
  const ws = wb.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  ws.columns = workbookColumns.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    style: 'numFmt' in c ? { numFmt: c.numFmt } : {},
  }));
  for (const row of workbookRows(input)) ws.addRow(row);
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF1F3F4' } };
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: workbookColumns.length } };
  const wi = wb.addWorksheet(INDICATOR_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1, xSplit: 0 }] });
  wi.columns = indicatorColumns.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    style: 'numFmt' in c ? { numFmt: c.numFmt } : {},
  }));
  for (const row of indicatorRows(input)) wi.addRow(row);
  wi.getRow(1).font = { bold: true };
  const out = await wb.xlsx.writeBuffer();
  return Buffer.from(out as ArrayBuffer);
}
