// The indicator library (指标库): for each project category a usable starting goal set, i.e. one that the
// goal lint accepts under the default points as it is.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/domain/config.js';
import { lintGoals } from '../../shared/domain/goal-lint.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import { goalsInput, level1Codes } from '../../shared/domain/indicators.js';
import { categories } from '../../shared/domain/project.js';

const { output, benefit, satisfaction } = defaultConfig(2026).scoring;
const groupPoints = { output, benefit, satisfaction };

describe('the indicator library', () => {
  it('has a template set for exactly the five categories of the contract', () => {
    expect(Object.keys(indicatorLibrary).sort()).toEqual(
      ['agriculture', 'education', 'health', 'infrastructure', 'social_security'].sort(),
    );
    expect([...categories].sort()).toEqual(Object.keys(indicatorLibrary).sort());
  });

  describe.each(categories)('%s', (category) => {
    const { title, indicators } = indicatorLibrary[category];

    it('has a Chinese title', () => {
      expect(title).toMatch(/\p{Script=Han}/u);
    });

    it('has at least 6 indicators', () => {
      expect(indicators.length).toBeGreaterThanOrEqual(6);
    });

    it('covers all three level-1 groups', () => {
      const groups = new Set(indicators.map((i) => i.level1));

      expect([...groups].sort()).toEqual([...level1Codes].sort());
    });

    it('passes the goal lint under the default points with no error', () => {
      const findings = lintGoals(indicators, { groupPoints });

      expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    });

    it('has a timeliness or cost indicator and no placeholder (no warning either)', () => {
      expect(lintGoals(indicators, { groupPoints })).toEqual([]);
    });

    it('is a well-formed goal set as PUT /v1/projects/{id}/goals takes it', () => {
      const parsed = goalsInput.safeParse({ overallGoal: title, indicators });

      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    });
  });
});
