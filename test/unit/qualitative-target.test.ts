// Unit tier: a qualitative indicator's target is words (domain.md §2; api-contract.md PUT …/goals) — the
// request schema, the indicator library, the monitoring mails and the workbook.
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import { goalsInput, numericTarget, targetText } from '../../shared/domain/indicators.js';
import { renderDepartmentReport } from '../../shared/mail/department-report.js';
import type { ReportProject } from '../../shared/mail/model.js';
import { INDICATOR_SHEET_NAME, indicatorColumns, monitoringWorkbook } from '../../shared/mail/workbook.js';
import { sampleDepartmentReport } from '../fixtures/sample-report.js';

const words = '群众普遍满意';

describe('the goals schema', () => {
  const body = (target: unknown, operator = 'qualitative') => ({
    overallGoal: '改善民生',
    indicators: [
      {
        level1: 'satisfaction',
        level2: 'satisfaction',
        name: '群众满意度',
        operator,
        target,
        weight: 10,
        explanation: '问卷显示多数群众满意',
      },
    ],
  });

  it('takes words as the target of a qualitative indicator', () => {
    const out = goalsInput.safeParse(body(words));
    expect(out.success).toBe(true);
    expect(out.data?.indicators[0]?.target).toBe(words);
  });

  it('still takes numbers (for >=, <=, =)', () => {
    expect(goalsInput.safeParse(body(90, '>=')).data?.indicators[0]?.target).toBe(90);
  });

  it('refuses an empty string or another type as a target (400)', () => {
    expect(goalsInput.safeParse(body('   ')).success).toBe(false);
    expect(goalsInput.safeParse(body(true)).success).toBe(false);
  });

  it('numericTarget reads only numbers; targetText shows words as they are', () => {
    expect(numericTarget({ target: words })).toBeUndefined();
    expect(numericTarget({ target: 12 })).toBe(12);
    expect(targetText({ operator: 'qualitative', target: words })).toBe(words);
    expect(targetText({ operator: '>=', target: 1200, unit: '个' })).toBe('≥1200个');
    expect(targetText({ operator: '<=', target: 3.5, unit: '万元' })).toBe('≤3.5万元');
  });
});

describe('the indicator library', () => {
  it('gives every qualitative template its expected achievement in words', () => {
    const qualitative = Object.values(indicatorLibrary).flatMap((c) =>
      c.indicators.filter((i) => i.operator === 'qualitative'),
    );
    expect(qualitative.length).toBeGreaterThanOrEqual(3);
    for (const i of qualitative) expect(typeof i.target, i.name).toBe('string');
    expect(indicatorLibrary.social_security.indicators[4]?.target).toContain(words);
  });
});

const withIndicators: ReportProject = {
  ...sampleDepartmentReport.projects[0]!,
  indicators: [
    { name: '新增学位数', operator: '>=', target: 1200, actual: 600, index: 100, light: 'green' },
    {
      name: '群众满意程度',
      operator: 'qualitative',
      target: words,
      tier: 'partly_achieved',
      index: null,
      light: 'yellow',
    },
  ],
};

describe('the monitoring mails', () => {
  it('name a qualitative target in words with what was reported, in HTML and text', () => {
    const mail = renderDepartmentReport({ ...sampleDepartmentReport, projects: [withIndicators] });
    for (const text of [mail.html, mail.text]) {
      expect(text).toContain('定性指标“群众满意程度”：预期目标“群众普遍满意”，报告为部分达成');
    }
  });

  it('in English as well', () => {
    const mail = renderDepartmentReport({
      ...sampleDepartmentReport,
      locale: 'en',
      projects: [withIndicators],
    });
    expect(mail.text).toContain(
      'Qualitative indicator "群众满意程度": expected "群众普遍满意"; reported partly achieved',
    );
  });
});

describe('the workbook', () => {
  it('has a sheet of indicators where a qualitative target is its words', async () => {
    const xlsx = await monitoringWorkbook({
      asOf: '2026-08-31',
      generatedAt: sampleDepartmentReport.generatedAt,
      projects: [withIndicators],
      notices: [],
      clawbacks: [],
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
    const ws = wb.getWorksheet(INDICATOR_SHEET_NAME)!;
    const col = (key: string) => indicatorColumns.findIndex((c) => c.key === key) + 1;

    expect(ws.rowCount).toBe(3);
    expect(ws.getRow(2).getCell(col('target')).value).toBe(1200);
    expect(ws.getRow(3).getCell(col('target')).value).toBe(words);
    expect(ws.getRow(3).getCell(col('operator')).value).toBe('定性');
    expect(ws.getRow(3).getCell(col('tier')).value).toBe('部分达成');
  });
});
