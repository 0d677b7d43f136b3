// The project state machine (api-contract.md "Projects"), transition by transition: every event in every
// status either leads to its target or is a 409 naming the current status and the statuses that allow it.
import { describe, expect, it } from 'vitest';
import { AppError, Conflict } from '../../shared/domain/errors.js';
import {
  canHappen,
  nextStatus,
  type ProjectEvent,
  type ProjectStatus,
  projectStatuses,
  statusNames,
  transitions,
} from '../../shared/domain/project-status.js';

/**
 * The intake part of the machine as the contract describes it, written out independently of the code's
 * table: draft → under_review → in_library → executing; returned back to the department; rejected final.
 * `same` = the event changes something else but leaves the status where it is. (Later stages may add
 * events; each of those is still checked below against its declaration.)
 */
const contract: Partial<Record<ProjectEvent, { from: ProjectStatus[]; to: ProjectStatus | 'same' }>> = {
  editGoals: { from: ['draft', 'returned'], to: 'same' },
  submit: { from: ['draft', 'returned'], to: 'under_review' },
  assess: { from: ['under_review'], to: 'same' },
  assessmentFailed: { from: ['under_review'], to: 'rejected' },
  reviewGoals: { from: ['under_review'], to: 'same' },
  returnGoals: { from: ['under_review'], to: 'returned' },
  goalsRejected: { from: ['under_review'], to: 'rejected' },
  admit: { from: ['under_review'], to: 'in_library' },
  approveBudget: { from: ['in_library'], to: 'executing' },
};
const contractEvents = Object.keys(contract) as ProjectEvent[];

/** Every event the code declares, with its from-statuses and target. */
const events = Object.keys(transitions) as ProjectEvent[];
const fromOf = (event: ProjectEvent): readonly ProjectStatus[] => transitions[event].from;
const pairs = events.flatMap((event) => projectStatuses.map((status) => ({ event, status })));
const allowed = pairs.filter(({ event, status }) => fromOf(event).includes(status));
const forbidden = pairs.filter(({ event, status }) => !fromOf(event).includes(status));

/** Runs `fn` and returns what it threw (fails the test when it throws nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}

describe('the table', () => {
  it('has exactly the statuses of the contract', () => {
    expect([...projectStatuses].sort()).toEqual([
      'draft',
      'executing',
      'in_library',
      'rejected',
      'returned',
      'under_review',
    ]);
  });

  it.each(contractEvents)('%s: declares the from-statuses and target of the contract', (event) => {
    const t = transitions[event];

    expect([...t.from].sort()).toEqual([...contract[event]!.from].sort());
    expect(t.to).toBe(contract[event]!.to);
  });

  it('every declared event starts from at least one status, and all of them are statuses', () => {
    for (const event of events) {
      expect(fromOf(event).length, event).toBeGreaterThan(0);
      for (const s of fromOf(event)) expect(projectStatuses, event).toContain(s);
    }
  });

  it('every status has a name in zh-CN and English', () => {
    for (const s of projectStatuses) {
      expect(statusNames[s]['zh-CN']).toMatch(/\p{Script=Han}/u);
      expect(statusNames[s].en).toMatch(/[a-z]/);
    }
  });

  it('nothing leaves rejected (final for the year)', () => {
    const leaving = events.filter((e) => canHappen(e, 'rejected') && transitions[e].to !== 'same');

    expect(leaving).toEqual([]);
  });
});

describe('allowed transitions lead to their target', () => {
  it.each(allowed)('$event in $status', ({ event, status }) => {
    const declared: ProjectStatus | 'same' = transitions[event].to;
    const target = declared === 'same' ? status : declared;

    const next = nextStatus(event, status);

    expect(next).toBe(target);
    expect(canHappen(event, status)).toBe(true);
  });
});

describe('forbidden transitions are a 409 naming the current status and the allowed ones', () => {
  it.each(forbidden)('$event in $status', ({ event, status }) => {
    const err = thrown(() => nextStatus(event, status));

    expect(err).toBeInstanceOf(Conflict);
    expect(err).toBeInstanceOf(AppError);
    const conflict = err as Conflict;
    expect(conflict.status).toBe(409);
    expect(conflict.detail).toMatch(new RegExp(`\\bis ${status}\\b`));
    for (const from of fromOf(event)) expect(conflict.detail).toMatch(new RegExp(`\\b${from}\\b`));
    expect(conflict.detail).toContain(transitions[event].label);
    expect(canHappen(event, status)).toBe(false);
  });
});
