import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderBureauSummary } from '../../shared/mail/bureau-summary.js';
import { BAR_TRACK, renderDepartmentReport } from '../../shared/mail/department-report.js';
import {
  formatFen,
  formatMoney,
  formatPercent,
  rfc5322Date,
  shanghaiDateTime,
} from '../../shared/mail/format.js';
import {
  barWidths,
  departmentStandings,
  laggingProjects,
  nextActions,
  type ReportProject,
} from '../../shared/mail/model.js';
import { renderDueSoonReminder, renderOverdueNotice } from '../../shared/mail/reminders.js';
import { fixturePath, fixtures } from '../fixtures/render-fixtures.js';
import {
  sampleBureauSummary,
  sampleDepartmentReport,
  sampleEnglishReport,
  sampleProjects,
} from '../fixtures/sample-report.js';

// Unit tier: the monitoring mails' pure rendering (no network, no clock).

/** What a mail client may not be asked to run or fetch. */
function expectMailSafe(html: string) {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<style/i);
  expect(html).not.toMatch(/<link/i);
  expect(html).not.toMatch(/\bsrc=/i);
  expect(html).not.toMatch(/url\(/i);
  expect(html).not.toMatch(/https?:\/\//i);
  expect(html).not.toMatch(/\bon[a-z]+=/i);
}

/** The widths of the bars in rendered HTML, in document order, per kind. */
const barsOf = (html: string, kind: string) =>
  [...html.matchAll(new RegExp(`data-bar="${kind}" data-filled="(\\d+)"`, 'g'))].map((m) => Number(m[1]));

describe('formatting', () => {
  it('writes money from fen with two decimals and thousands separators', () => {
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(100_000_050)).toBe('1,000,000.50');
    expect(formatFen(299_999_999)).toBe('2,999,999.99');
    expect(formatFen(-123_456)).toBe('-1,234.56');
  });

  it('puts the currency per language', () => {
    expect(formatMoney(70_000_000, 'zh-CN')).toBe('¥700,000.00');
    expect(formatMoney(70_000_000, 'en')).toBe('CNY 700,000.00');
  });

  it('writes rates as percentages with two decimals', () => {
    expect(formatPercent(0.6667)).toBe('66.67%');
    expect(formatPercent(0.2)).toBe('20.00%');
    expect(formatPercent(null)).toBe('—');
  });

  it('writes times in Asia/Shanghai', () => {
    const at = new Date('2026-08-31T17:30:05Z');

    expect(shanghaiDateTime(at)).toBe('2026-09-01 01:30');
    expect(rfc5322Date(at)).toBe('Tue, 1 Sep 2026 01:30:05 +0800');
  });
});

describe('the bars', () => {
  it('are the execution rate and the time progress of the track, in whole pixels', () => {
    expect(barWidths(0.2, 0.6667, 240)).toEqual({ execution: 48, time: 160 });
    expect(barWidths(0.5, 0.75, 200)).toEqual({ execution: 100, time: 150 });
  });

  it('stay on the track: nothing below 0, nothing past the end', () => {
    expect(barWidths(-0.1, 0, 240)).toEqual({ execution: 0, time: 0 });
    expect(barWidths(1.3, 1, 240)).toEqual({ execution: 240, time: 240 });
    expect(barWidths(Number.NaN, 0.5, 240)).toEqual({ execution: 0, time: 120 });
  });

  it('are drawn in the HTML with those widths, one pair per project', () => {
    const { html } = renderDepartmentReport(sampleDepartmentReport);

    expect(barsOf(html, 'execution')).toEqual([48, 120, 192]);
    expect(barsOf(html, 'time')).toEqual([160, 160, 160]);
    expect(html).toContain(`width="${BAR_TRACK}"`);
    // the filled cell and the rest of the track add up to the track
    expect(html).toContain('<td width="48" height="10" bgcolor="#d93025"');
    expect(html).toContain(`<td width="${BAR_TRACK - 48}" height="10" bgcolor="#e8eaed"`);
  });

  it('leave out an empty cell: a full bar is one cell', () => {
    const full: ReportProject = { ...sampleProjects[2]!, executionRate: 1 };
    const { html } = renderDepartmentReport({ ...sampleDepartmentReport, projects: [full] });

    expect(barsOf(html, 'execution')).toEqual([BAR_TRACK]);
    expect(html).not.toContain('<td width="0"');
  });
});

describe('the department report in Chinese', () => {
  const mail = renderDepartmentReport(sampleDepartmentReport);

  it('has the department and the day in the subject', () => {
    expect(mail.subject).toBe('【预算绩效监控】区教育局监控报告（截至 2026-08-31）');
  });

  it('is HTML a mail client renders as it is: inline CSS, tables, nothing to run or fetch', () => {
    expect(mail.html).toMatch(/^<!DOCTYPE html>\n<html lang="zh-CN">/);
    expect(mail.html).toContain('<meta charset="utf-8">');
    expectMailSafe(mail.html);
  });

  it('shows every project with its figures and lights', () => {
    for (const text of [mail.html, mail.text]) {
      for (const name of ['义务教育学校改扩建', '中小学智慧教室建设', '学生营养改善计划'])
        expect(text).toContain(name);
      for (const id of ['P2026-0001', 'P2026-0002', 'P2026-0003']) expect(text).toContain(id);
      for (const money of ['¥1,000,000.00', '¥200,000.00', '¥2,000,000.00', '¥1,000,000.50', '¥2,500,000.00'])
        expect(text).toContain(money);
      for (const pct of ['20.00%', '50.00%', '80.00%', '66.67%']) expect(text).toContain(pct);
      for (const index of ['30.00', '75.00', '120.00']) expect(text).toContain(index);
      for (const light of ['红灯', '黄灯', '绿灯', '暂无']) expect(text).toContain(light);
    }
  });

  it('lists open notices with their due dates and status', () => {
    for (const text of [mail.html, mail.text]) {
      expect(text).toContain('R-P2026-0001-execution-2026-08-31');
      expect(text).toContain('2026-09-14');
      expect(text).toContain('待答复');
      expect(text).toContain('已逾期');
    }
  });

  it('gives each clawback with its amount and basis', () => {
    for (const text of [mail.html, mail.text]) {
      expect(text).toContain('¥700,000.00');
      expect(text).toContain('预计年末支出 ¥300,000.00');
      expect(text).toContain('floor(approved − min(spent × 12 ÷ 8, approved)) in whole yuan');
    }
  });

  it('says what to do next, the overdue notice first', () => {
    const actions = nextActions(sampleDepartmentReport).map((a) => a.kind);

    expect(actions).toEqual([
      'answer-overdue',
      'answer-notice',
      'speed-up',
      'speed-up',
      'file-report',
      'goals-behind',
      'divergence',
      'clawback',
    ]);
    expect(mail.text).toContain(
      '在 2026-09-14 前答复“义务教育学校改扩建”的整改通知 R-P2026-0001-execution-2026-08-31',
    );
    expect(mail.html).toContain('补报“中小学智慧教室建设”在 2026-06 期间的绩效监控报告');
  });

  it('has nothing to do when every project is on track', () => {
    const calm = { projects: [sampleProjects[2]!], notices: [], clawbacks: [] };

    expect(nextActions(calm)).toEqual([{ kind: 'none' }]);
  });

  it('has a plain-text part with bars of its own', () => {
    expect(mail.text).toContain('预算执行率 [####----------------] 20.00%');
    expect(mail.text).toContain('序时进度 [#############-------] 66.67%');
    expect(mail.text).not.toMatch(/<[a-z]/i);
  });

  it('names the generation time in Beijing time and the attachment', () => {
    expect(mail.text).toContain('生成时间：2026-09-01 09:00（北京时间）');
    expect(mail.html).toContain('monitoring-D-EDU-2026-08-31.xlsx');
  });

  it('escapes what the departments typed', () => {
    const tricky = { ...sampleProjects[0]!, projectName: '<script>alert("x")</script> & 项目' };
    const { html, text } = renderDepartmentReport({
      ...sampleDepartmentReport,
      projects: [tricky],
      notices: [],
      clawbacks: [],
    });

    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 项目');
    expect(html).not.toContain('<script>');
    expect(text).toContain('<script>alert("x")</script> & 项目');
  });
});

describe('the department report in English', () => {
  const mail = renderDepartmentReport(sampleEnglishReport);

  it('is in English throughout, with money in CNY', () => {
    expect(mail.subject).toBe(
      'Budget performance monitoring report: District Civil Affairs Bureau (as of 2026-08-31)',
    );
    expect(mail.html).toMatch(/<html lang="en">/);
    for (const text of [mail.html, mail.text]) {
      expect(text).toContain('Execution rate');
      expect(text).toContain('Time progress');
      expect(text).toContain('CNY 1,000,000.50');
      expect(text).toContain('Red');
      expect(text).toContain('Answer notice R-P2026-0001-execution-2026-08-31 on');
      expect(text).toContain('Beijing time');
      expect(text).not.toMatch(/[红黄绿灯预算执行率]/);
    }
    expectMailSafe(mail.html);
  });

  it('quotes the notices in English', () => {
    expect(mail.text).toContain('Spending lags (red): by 2026-08-31 the execution rate is 20.00%');
  });
});

describe('the bureau summary', () => {
  const mail = renderBureauSummary(sampleBureauSummary);

  it('counts the lights', () => {
    expect(mail.text).toContain('预算执行灯：红灯 1，黄灯 1，绿灯 2，暂无 0');
    expect(mail.text).toContain('目标灯：红灯 0，黄灯 1，绿灯 1，蓝灯 0，暂无 2');
  });

  it('lists the projects furthest behind first', () => {
    expect(laggingProjects(sampleBureauSummary.projects, 10).map((p) => p.projectId)).toEqual([
      'P2026-0001',
      'P2026-0002',
      'P2026-0101',
      'P2026-0003',
    ]);
    expect(mail.text.indexOf('义务教育学校改扩建')).toBeLessThan(mail.text.indexOf('学生营养改善计划'));
  });

  it('ranks departments by execution index (spend against what was due)', () => {
    const standings = departmentStandings(sampleBureauSummary.projects, sampleBureauSummary.bands);

    // health: 900,000 ÷ (1,500,000 × 0.6667) = 90.00; education: 3,200,000.50 ÷ (5,500,000 × 0.6667) = 87.27
    expect(standings.map((d) => [d.departmentId, d.executionIndex, d.light])).toEqual([
      ['D-HEALTH', 90, 'green'],
      ['D-EDU', 87.27, 'green'],
    ]);
    expect(mail.text).toContain('1. 区卫生健康委员会（D-HEALTH）执行指数 90.00');
  });

  it('names overdue notices and clawbacks awaiting a decision', () => {
    expect(mail.subject).toBe('【预算绩效监控】全区监控汇总（截至 2026-08-31）');
    expect(mail.text).toContain('R-P2026-0001-goal-2026-06-30');
    expect(mail.text).toContain('建议调减 ¥700,000.00');
    expectMailSafe(mail.html);
  });
});

describe('the reminders', () => {
  const notice = sampleDepartmentReport.notices[1]!;

  it('tell a department, in its language, how many working days are left', () => {
    const zh = renderDueSoonReminder(
      { notice, departmentName: '区教育局', generatedAt: sampleDepartmentReport.generatedAt },
      'zh-CN',
      2,
    );
    const en = renderDueSoonReminder(
      { notice, departmentName: 'Civil Affairs', generatedAt: sampleDepartmentReport.generatedAt },
      'en',
      2,
    );

    expect(zh.subject).toBe('【整改提醒】“义务教育学校改扩建”整改通知将于 2026-09-14 到期');
    expect(zh.text).toContain('还剩 2 个工作日');
    expect(en.text).toContain('(2 working days left)');
    expectMailSafe(zh.html);
  });

  it('tell the bureau of an overdue notice', () => {
    const mail = renderOverdueNotice({
      notice: { ...notice, status: 'overdue' },
      departmentName: '区教育局',
      generatedAt: sampleDepartmentReport.generatedAt,
    });

    expect(mail.subject).toBe('【整改逾期】区教育局“义务教育学校改扩建”整改通知已逾期');
    expect(mail.text).toContain('已于 2026-09-14 到期，尚未答复');
  });
});

describe('the committed fixtures', () => {
  it.each(Object.keys(fixtures))(
    '%s is the current rendering (npx tsx test/fixtures/render-fixtures.ts)',
    (name) => {
      const committed = readFileSync(fixturePath(name), 'utf8');

      expect(committed).toBe(fixtures[name as keyof typeof fixtures]());
    },
  );
});
