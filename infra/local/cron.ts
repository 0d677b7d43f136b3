import { Cron } from 'croner';

/**
 * AWS `cron(minutes hours day-of-month month day-of-week year)` → a croner job. croner reads the same
 * seven-part shape once seconds are prefixed, with Quartz weekday numbers (SUN=1 … SAT=7, as AWS) and
 * AWS's `?` read as "any". AWS requires exactly one of day-of-month and day-of-week to be `?`, so the
 * AND/OR question of classic cron never arises.
 */
export interface CronTranslation {
  pattern: string;
  options: { alternativeWeekdays: true; mode: '7-part'; timezone: string };
}

export function translateAwsCron(expression: string, timezone: string): CronTranslation {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) throw new Error(`Not an AWS cron() expression: ${expression}`);
  const fields = m[1]!.trim().split(/\s+/);
  if (fields.length !== 6)
    throw new Error(`AWS cron() takes six fields, not ${fields.length}: ${expression}`);
  const [minutes, hours, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new Error(`AWS cron() needs exactly one of day-of-month and day-of-week to be '?': ${expression}`);
  }
  const any = (f: string) => (f === '?' ? '*' : f);
  return {
    pattern: ['0', minutes, hours, any(dom), month, any(dow), year].join(' '),
    options: { alternativeWeekdays: true, mode: '7-part', timezone },
  };
}

/** A croner job for the expression (paused when asked: tests only read its next runs). */
export function cronJob(
  expression: string,
  timezone: string,
  run?: () => void | Promise<void>,
  paused = false,
): Cron {
  const { pattern, options } = translateAwsCron(expression, timezone);
  return run
    ? new Cron(pattern, { ...options, paused, protect: true, catch: true }, run)
    : new Cron(pattern, { ...options, paused: true });
}
