// Unit tier: the printable dossier page (shared/mail/dossier-page.ts) from the committed sample (a real
// dossier of test/e2e/dossier.test.ts): every value escaped, zh-CN or English, the light chart's points, A4
// print rules, nothing that runs or loads.
import { describe, expect, it } from 'vitest';
import type { Dossier } from '../../shared/domain/dossier.js';
import { lightChart, renderDossierPage } from '../../shared/mail/dossier-page.js';
import { sampleDossier } from '../fixtures/render-fixtures.js';

const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';

function withHostileValues(d: Dossier): Dossier {
  const copy = structuredClone(d);
  copy.request.name = hostile;
  copy.request.description = hostile;
  copy.goals.versions[0]!.review!.comments = hostile;
  copy.rectifications[0]!.response!.measures = hostile;
  copy.documents.items[0]!.fileName = hostile;
  copy.audit.items[0]!.action = hostile;
  copy.monitoring.history.items[0]!.asOf = hostile;
  return copy;
}

describe('the dossier page', () => {
  it('shows the indicators’ lights at the year’s last checkpoint and what each was read from', () => {
    const d = sampleDossier();
    d.monitoring.lastCheckpoint = {
      asOf: '2024-10-31',
      indicators: [
        {
          name: '新增学位数',
          light: 'blue',
          source: 'checkpoint',
          asOf: '2024-10-31',
          reportPeriod: '2024-10',
        },
        {
          name: '学生家长满意度',
          light: 'green',
          source: 'year-end',
          asOf: '2024-12-31',
          reportPeriod: null,
        },
        { name: '办学条件持续改善', light: 'none', source: 'none', asOf: null, reportPeriod: null },
      ],
    };
    const zh = renderDossierPage(d, 'zh-CN');
    expect(zh).toContain('年度最后一个监控节点的指标亮灯（2024-10-31）');
    expect(zh).toContain('监控报告 2024-10');
    expect(zh).toContain('年度自评实际值（对照全年目标）');
    const en = renderDossierPage(d, 'en');
    expect(en).toContain('Indicator lights at the last checkpoint of the year (2024-10-31)');
    // English asides in ASCII brackets after a space (full-width ones are the Chinese page's)
    expect(en).not.toMatch(/（(\d{4}-\d{2}-\d{2}|excellent|good|fair|poor|DD-[^）]*)）/);
    expect(en).toContain('year-end figures (against the whole target)');
    expect(
      renderDossierPage({ ...d, monitoring: { ...d.monitoring, lastCheckpoint: null } }, 'en'),
    ).not.toContain('last checkpoint');
  });

  it('escapes every value from the record (names, comments, file names, the chart’s labels)', () => {
    const html = renderDossierPage(withHostileValues(sampleDossier()), 'zh-CN', { department: hostile });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/"><img/);
    expect(html).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;',
    );
  });

  it('is zh-CN or English, with the figures in the locale’s money', () => {
    const zh = renderDossierPage(sampleDossier(), 'zh-CN');
    const en = renderDossierPage(sampleDossier(), 'en');
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('项目绩效全信息');
    expect(zh).toContain('¥3,000,000.00');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('Project performance dossier');
    expect(en).toContain('CNY 3,000,000.00');
    expect(en).not.toContain('项目绩效全信息');
  });

  it('is laid out for A4 with one inline style and no script, link or remote resource', () => {
    const html = renderDossierPage(sampleDossier(), 'zh-CN');
    expect(html).toContain('@page{size:A4');
    expect(html).toContain('@media print');
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script|<link|<iframe|src="https?:/);
  });

  it('draws one point per history point, coloured by its execution light, and says when there is none', () => {
    const d = sampleDossier();
    const svg = lightChart(d.monitoring.history.items, 'zh-CN');
    expect(svg.match(/<circle /g)).toHaveLength(d.monitoring.history.items.length);
    expect(svg).toContain('fill="#d93025"'); // the red April point
    const empty = structuredClone(d);
    empty.monitoring.history.items = [];
    expect(renderDossierPage(empty, 'zh-CN')).toContain('尚无监控记录');
  });
});
