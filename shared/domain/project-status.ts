import { Conflict } from './errors.js';

/**
 * The project state machine, as a table: every event names the states it may happen in and the state it
 * leads to. Nothing else decides a transition; a forbidden one is a 409 that says the current status and
 * what is allowed.
 *
 *   draft ──submit──▶ under_review ──admit──▶ in_library ──approveBudget──▶ executing
 *     ▲                 │  │  │
 *     └──(returned)◀────┘  │  └─assessmentFailed / goalsRejected──▶ rejected (final for the year)
 *        returnGoals       └─ assessmentPassed / goalsApproved (stay, until both are done → admit)
 */
export const projectStatuses = [
  'draft',
  'under_review',
  'returned',
  'rejected',
  'in_library',
  'executing',
] as const;
export type ProjectStatus = (typeof projectStatuses)[number];

export const statusNames: Record<ProjectStatus, { 'zh-CN': string; en: string }> = {
  draft: { 'zh-CN': '草稿', en: 'draft' },
  under_review: { 'zh-CN': '审核中', en: 'under review' },
  returned: { 'zh-CN': '退回修改', en: 'returned' },
  rejected: { 'zh-CN': '不予支持', en: 'rejected' },
  in_library: { 'zh-CN': '已入库', en: 'in the project library' },
  executing: { 'zh-CN': '执行中', en: 'executing' },
};

interface Transition {
  from: readonly ProjectStatus[];
  to: ProjectStatus | 'same';
  /** What the action is, for the 409's detail. */
  label: string;
}

export const transitions = {
  editGoals: { from: ['draft', 'returned'], to: 'same', label: 'edit the goals' },
  submit: { from: ['draft', 'returned'], to: 'under_review', label: 'submit' },
  assess: { from: ['under_review'], to: 'same', label: 'record an ex-ante assessment' },
  assessmentFailed: { from: ['under_review'], to: 'rejected', label: 'reject after the assessment' },
  reviewGoals: { from: ['under_review'], to: 'same', label: 'review the goals' },
  returnGoals: { from: ['under_review'], to: 'returned', label: 'return the goals' },
  goalsRejected: { from: ['under_review'], to: 'rejected', label: 'reject the goals' },
  admit: { from: ['under_review'], to: 'in_library', label: 'enter the project library' },
  approveBudget: { from: ['in_library'], to: 'executing', label: 'approve the budget' },
  recordSpend: { from: ['executing'], to: 'same', label: 'record spend' },
  fileMonitoringReport: { from: ['executing'], to: 'same', label: 'file a monitoring report' },
} as const satisfies Record<string, Transition>;

export type ProjectEvent = keyof typeof transitions;

export function canHappen(event: ProjectEvent, status: ProjectStatus): boolean {
  return (transitions[event].from as readonly ProjectStatus[]).includes(status);
}

/** The status after `event`, or a 409 naming the current status and the statuses that allow it. */
export function nextStatus(event: ProjectEvent, status: ProjectStatus): ProjectStatus {
  const t: Transition = transitions[event];
  if (!canHappen(event, status)) {
    throw new Conflict(`The project is ${status}; to ${t.label} it must be ${t.from.join(' or ')}`);
  }
  return t.to === 'same' ? status : t.to;
}
