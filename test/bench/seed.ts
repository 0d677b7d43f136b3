// Benchmark data for the monitoring sweep: departments, executing projects with budgets, spend, goals and
// monitoring reports, and a few notices left by the June checkpoint. Deterministic (a seeded PRNG), and built
// with the product's own item builders (departments.toItem, projects.toItem, rectifications.toItem, keys.*),
// so every key and index attribute is what the product writes.
//
// This module imports the store: import it only after the environment points at the local database.
import { addWorkingDays, type IsoDate } from '../../shared/domain/calendar.js';
import { defaultConfig } from '../../shared/domain/config.js';
import { indicatorLibrary } from '../../shared/domain/indicator-library.js';
import type { Tier } from '../../shared/domain/indicators.js';
import type { Project } from '../../shared/domain/project.js';
import type { Rectification } from '../../shared/domain/rectification.js';
import type { Department } from '../../shared/domain/reference.js';
import type { Item } from '../../shared/store/db.js';
import { keys } from '../../shared/store/keys.js';
import { rectifications } from '../../shared/store/monitoring.js';
import { projects } from '../../shared/store/projects.js';
import { departments } from '../../shared/store/reference.js';

export interface SeedOptions {
  projects: number;
  departments: number;
  fiscalYear: number;
  /** The PRNG seed: the same options give the same data. */
  seed?: number;
  /** Exact departments and sizes (ids and project counts), instead of `projects` spread over `departments`. */
  layout?: { id: string; projects: number }[];
}

/** What was generated, by the class each project was drawn in (the sweep's own counts are the truth). */
export interface SeedMix {
  departments: number;
  projects: number;
  items: number;
  largestDepartment: number;
  smallestDepartment: number;
  execution: Record<'red' | 'yellow' | 'green' | 'none', number>;
  withPlan: number;
  reports: Record<'june' | 'aprilOnly' | 'none', number>;
  goalClass: Record<'red' | 'yellow' | 'green' | 'blue', number>;
  juneNotices: Record<'open' | 'responded' | 'resolved', number>;
}

/** mulberry32: small, fast, good enough to spread benchmark data. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => lo + Math.floor((hi - lo + 1) * next()),
    chance: (p: number) => next() < p,
  };
}
type Rng = ReturnType<typeof prng>;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** `P2026-00000A3K`: the product's id shape (year + 8 Crockford base-32 characters), from a counter. */
function projectId(fiscalYear: number, n: number): string {
  let s = '';
  for (let v = n, i = 0; i < 8; i++, v = Math.floor(v / 32)) s = CROCKFORD[v % 32] + s;
  return `P${fiscalYear}-${s}`;
}

const iso = (d: IsoDate, time = '02:00:00') => `${d}T${time}.000Z`;
const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Department d of D gets a share falling linearly from 1.5 to 0.5 of the average: a realistic spread (the
 * education bureau has three times the projects of the smallest office) that also gives the sweep's
 * department queue a long tail.
 */
function departmentSizes(total: number, count: number): number[] {
  const weights = Array.from({ length: count }, (_, d) => 1.5 - (count > 1 ? d / (count - 1) : 0.5));
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.floor((total * w) / sum));
  for (let d = 0, left = total - sizes.reduce((a, b) => a + b, 0); left > 0; d = (d + 1) % count, left--) {
    sizes[d]! += 1;
  }
  return sizes;
}

/** A plan that pays in the fourth quarter: a share of 0 through August, so no execution light (domain §3). */
const LATE_PLAN = [0, 0, 0, 0, 0, 0, 0, 0, 0.3, 0.6, 0.85, 1];
/** A front-loaded plan: 70 % due by the end of August instead of 8/12. */
const FRONT_PLAN = [0.05, 0.12, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1];

/**
 * Yields every item of the data set, department by department, one project (with its reports, vouchers and
 * notices) at a time, so the whole set is never held in memory. `mix` fills in as the items are drawn.
 * `asOf` is the checkpoint the sweep will run for: its month decides the time progress spend is drawn against.
 */
export function seedItems(opts: SeedOptions & { asOf: IsoDate }): { items: Generator<Item>; mix: SeedMix } {
  const rng = prng(opts.seed ?? 20260831);
  const year = opts.fiscalYear;
  const config = defaultConfig(year);
  const layout =
    opts.layout ??
    departmentSizes(opts.projects, opts.departments).map((projects, d) => ({
      id: `D-${pad2(Math.floor(d / 100))}${pad2(d % 100)}`,
      projects,
    }));
  const sizes = layout.map((l) => l.projects);
  const mix: SeedMix = {
    departments: layout.length,
    projects: sizes.reduce((a, b) => a + b, 0),
    items: 0,
    largestDepartment: Math.max(...sizes),
    smallestDepartment: Math.min(...sizes),
    execution: { red: 0, yellow: 0, green: 0, none: 0 },
    withPlan: 0,
    reports: { june: 0, aprilOnly: 0, none: 0 },
    goalClass: { red: 0, yellow: 0, green: 0, blue: 0 },
    juneNotices: { open: 0, responded: 0, resolved: 0 },
  };
  const created = new Date(`${year}-01-05T01:00:00Z`);
  function* items(): Generator<Item> {
    let n = 0;
    for (let d = 0; d < layout.length; d++) {
      const dept: Department = {
        id: layout[d]!.id,
        name: `区第${d + 1}预算部门`,
        contactEmails: [`dept${d + 1}@example.gov.cn`],
        locale: 'zh-CN',
        version: 1,
        createdAt: created.toISOString(),
        updatedAt: created.toISOString(),
      };
      mix.items++;
      yield departments.toItem(dept);
      for (let k = 0; k < sizes[d]!; k++) {
        const out = projectItems(rng, projectId(year, n++), dept.id, opts.asOf);
        mix.items += out.length;
        yield* out;
      }
    }
  }
  return { items: items(), mix };

  function projectItems(r: Rng, id: string, departmentId: string, asOf: IsoDate): Item[] {
    const out: Item[] = [];
    const name = `义务教育学校改扩建项目 ${id.slice(-8)}`;
    // Budget: log-uniform between 200 thousand and 20 million yuan, in whole yuan.
    const approvedYuan = Math.round(10 ** r.between(5.3, 7.3));
    const requestedYuan = Math.round(approvedYuan * r.between(1, 1.2));
    const approvedFen = approvedYuan * 100;
    const isNew = r.chance(0.4);
    const exAnteRequired = isNew && requestedYuan >= config.exAnte.thresholdAmount;
    const approvedOn: IsoDate = `${year}-${pad2(r.int(1, 3))}-${pad2(r.int(5, 28))}`;

    // Execution: the time progress by the end of August is 8/12, or the plan's share.
    const planDraw = r.next();
    const plan = planDraw < 0.02 ? LATE_PLAN : planDraw < 0.12 ? FRONT_PLAN : undefined;
    if (plan) mix.withPlan++;
    const months = Number(asOf.slice(5, 7));
    const share = plan ? (plan[months - 1] ?? 0) : months / 12;
    let index: number; // the execution index aimed at
    const e = r.next();
    if (share === 0) {
      index = 0;
      mix.execution.none++;
    } else if (e < 0.12) {
      index = r.between(5, 58);
      mix.execution.red++;
    } else if (e < 0.3) {
      index = r.between(61, 78);
      mix.execution.yellow++;
    } else {
      index = r.between(82, 140);
      mix.execution.green++;
    }
    const rate = share === 0 ? r.between(0, 0.05) : Math.min(1, (share * index) / 100);
    const spentFen = Math.floor(approvedFen * rate);
    // Two to five payment dates between February and the sweep date; a fifth of the projects also paid the
    // day after (dated after asOf: the sweep must leave it out).
    const spendByDate: Record<string, number> = {};
    const dates = r.int(2, 5);
    let left = spentFen;
    for (let i = 0; i < dates; i++) {
      const m = Math.min(months, 2 + Math.floor(((months - 1) * (i + r.next())) / dates));
      const day: IsoDate = `${year}-${pad2(m)}-${pad2(r.int(1, 28))}`;
      const fen = i === dates - 1 ? left : Math.floor(left * r.between(0.2, 0.6));
      left -= fen;
      spendByDate[day] = (spendByDate[day] ?? 0) + fen;
    }
    let totalFen = spentFen;
    if (r.chance(0.2)) {
      const late = Math.floor(approvedFen * 0.02);
      spendByDate[`${year}-09-01`] = late;
      totalFen += late;
    }
    const vouchers = Object.entries(spendByDate)
      .filter(([, fen]) => fen > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    vouchers.forEach(([date, amountFen], i) => {
      const voucherNo = `V${id.slice(-8)}-${i + 1}`;
      out.push({
        ...keys.expenditure(id, voucherNo),
        type: 'expenditure',
        projectId: id,
        departmentId,
        voucherNo,
        date,
        amountFen,
        recordedAt: iso(date, '03:00:00'),
        recordedBy: `user:${departmentId}`,
      });
    });

    // Goals: the education set of the indicator library; reports for June (most), April only, or none.
    const indicators = indicatorLibrary.education.indicators;
    const g = r.next();
    const goalClass = g < 0.08 ? 'red' : g < 0.25 ? 'yellow' : g < 0.85 ? 'green' : 'blue';
    mix.goalClass[goalClass]++;
    const factor =
      goalClass === 'red'
        ? r.between(0.2, 0.55)
        : goalClass === 'yellow'
          ? r.between(0.62, 0.78)
          : goalClass === 'green'
            ? r.between(0.82, 1.15)
            : r.between(1.22, 1.5);
    const reportDraw = r.next();
    const periods: string[] =
      reportDraw < 0.8 ? [`${year}-04`, `${year}-06`] : reportDraw < 0.87 ? [`${year}-04`] : [];
    if (periods.length === 2) mix.reports.june++;
    else if (periods.length === 1) mix.reports.aprilOnly++;
    else mix.reports.none++;
    const reports: Project['reports'] = [];
    for (const period of periods) {
      const filedOn: IsoDate = `${period.slice(0, 4)}-${pad2(Number(period.slice(5)) + 1)}-${pad2(r.int(2, 9))}`;
      const reported = indicators.map((ind) => {
        if (ind.operator === 'qualitative') {
          const t: Tier =
            goalClass === 'red' ? 'not_achieved' : goalClass === 'yellow' ? 'partly_achieved' : 'achieved';
          return { name: ind.name, tier: t };
        }
        if (ind.operator === '<=') {
          const over = goalClass === 'red' && r.chance(0.5);
          return {
            name: ind.name,
            actual: Math.round((ind.target as number) * (over ? 1.1 : 0.9) * 100) / 100,
          };
        }
        return { name: ind.name, actual: Math.round((ind.target as number) * share * factor * 100) / 100 };
      });
      reports.push({ period, filedOn, indicators: reported });
      const filedAt = iso(filedOn);
      out.push({
        ...keys.monitoringReport(id, period, filedAt),
        type: 'monitoring-report',
        projectId: id,
        departmentId,
        period,
        indicators: reported.map((x) => ({ ...x, likelihood: goalClass === 'red' ? 'possible' : 'certain' })),
        filedAt,
        filedBy: `user:${departmentId}`,
      });
    }

    const project: Project = {
      id,
      departmentId,
      fiscalYear: year,
      name,
      kind: 'project',
      isNew,
      requestedFen: requestedYuan * 100,
      category: 'education',
      description: '新建教学楼及配套设施，增加义务教育学位。',
      status: 'executing',
      exAnteRequired,
      configVersion: 1,
      goals: {
        overallGoal: '新增学位，改善办学条件',
        indicators,
        warnings: [],
        savedAt: iso(`${year - 1}-10-10`),
        configVersion: 1,
      },
      submittedAt: iso(`${year - 1}-10-12`),
      goalReviews: [
        {
          grade: r.chance(0.7) ? 'good' : 'excellent',
          reviewedAt: iso(`${year - 1}-11-20`),
          reviewedBy: 'user:finance',
          configVersion: 1,
        },
      ],
      assessment: exAnteRequired
        ? {
            scores: {
              necessity: 18,
              economy: 16,
              goalReasonableness: 17,
              feasibility: 17,
              financingCompliance: 18,
            },
            total: 86,
            guidance: 'supported',
            conclusion: 'supported',
            assessedAt: iso(`${year - 1}-11-25`),
            assessedBy: 'user:finance',
            configVersion: 1,
          }
        : undefined,
      budget: {
        initialFen: approvedFen,
        approvedFen,
        disbursementPlan: plan,
        approvedAt: iso(approvedOn),
        approvedBy: 'user:finance',
        configVersion: 1,
      },
      spentFen: totalFen,
      spendByDate,
      reports,
      rectifications: {},
      clawbackCauses: [],
      version: 2 + vouchers.length + reports.length,
      createdAt: iso(`${year - 1}-10-01`),
      updatedAt: iso(vouchers.at(-1)?.[0] ?? approvedOn),
    };

    // Notices of the June checkpoint on a share of the lagging projects: open ones are overdue now.
    if (index < 60 && share > 0 && r.chance(0.35)) {
      const issuedOn: IsoDate = `${year}-06-30`;
      const dueOn = addWorkingDays(issuedOn, config.monitoring.rectificationWorkingDays, config.calendar);
      const s = r.next();
      const status = s < 0.5 ? 'open' : s < 0.8 ? 'responded' : 'resolved';
      mix.juneNotices[status]++;
      const at = new Date(`${issuedOn}T17:00:00Z`).toISOString();
      const answered = { respondedAt: iso(`${year}-07-08`), respondedBy: `user:${departmentId}` };
      const notice: Rectification = {
        id: `R-${id}-execution-${issuedOn}`,
        projectId: id,
        projectName: name,
        departmentId,
        fiscalYear: year,
        cause: 'execution',
        reason: '预算执行进度滞后（红灯）',
        reasons: { 'zh-CN': '预算执行进度滞后（红灯）', en: 'Spending lags (red)' },
        issuedOn,
        dueOn,
        status,
        sweepId: `S-${issuedOn}-bench000`,
        response:
          status === 'open' ? undefined : { causes: '招标延期', measures: '加快合同签订和支付', ...answered },
        verification:
          status === 'resolved'
            ? { result: 'resolved', verifiedAt: iso(`${year}-07-20`), verifiedBy: 'user:finance' }
            : undefined,
        version: status === 'open' ? 1 : status === 'responded' ? 2 : 3,
        createdAt: at,
        updatedAt: at,
      };
      out.push(rectifications.toItem(notice));
      project.rectifications[notice.id] = { cause: 'execution', status, issuedOn, dueOn };
      project.version++;
    }
    out.unshift(projects.toItem(project));
    return out;
  }
}
