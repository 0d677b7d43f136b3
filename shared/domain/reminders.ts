import { type IsoDate, workingDaysBetween } from './calendar.js';
import type { RuleConfig } from './config.js';
import type { Rectification } from './rectification.js';

/**
 * Which reminder a rectification notice calls for on a day (domain.md §3): a department whose open notice
 * is due within `monitoring.reminderWorkingDays` working days (3 by default, with the configured calendar)
 * gets a reminder; the bureau hears of each notice past its due date unanswered.
 */
export type ReminderDecision =
  | { kind: 'due-soon'; workingDaysLeft: number }
  | { kind: 'overdue' }
  | undefined;

/** What a notice calls for on `today` (pure). */
export function reminderFor(
  r: Pick<Rectification, 'status' | 'dueOn'>,
  today: IsoDate,
  config: Pick<RuleConfig, 'calendar'> & {
    monitoring: Pick<RuleConfig['monitoring'], 'reminderWorkingDays'>;
  },
): ReminderDecision {
  if (r.status === 'overdue' || (r.status === 'open' && r.dueOn < today)) return { kind: 'overdue' };
  if (r.status !== 'open') return undefined;
  const left = workingDaysBetween(today, r.dueOn, config.calendar);
  return left <= config.monitoring.reminderWorkingDays
    ? { kind: 'due-soon', workingDaysLeft: left }
    : undefined;
}
