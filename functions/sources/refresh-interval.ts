/**
 * How often a source is refreshed, read from its schedule expression (`GET /sources`' `refreshMinutes`, the operator
 * page's staleness). Pure.
 */
import { rateToMillis } from './parse-sources';

/** EventBridge's longest schedule expression; a longer value on a record is no schedule the fetcher wrote. */
const MAX_SCHEDULE_CHARS = 256;
const CRON = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/;
const MINUTES_PER_DAY = 1440;

/**
 * Minutes between two runs of a schedule: a rate's own, or for a cron that runs every day alike (day of month, month,
 * day of week and year all `*` or `?`) the longest gap between two runs, over midnight too. Null for anything else:
 * a cron that runs on some days only (its gaps differ from week to week), or a value that is no schedule (a record
 * written by hand or damaged), so that the caller falls back rather than fails.
 */
export function refreshMinutes(schedule: unknown): number | null {
  if (typeof schedule !== 'string' || schedule.length > MAX_SCHEDULE_CHARS) return null;
  const rateMs = rateToMillis(schedule);
  if (rateMs !== null) {
    const minutes = rateMs / 60_000;
    return Number.isSafeInteger(minutes) && minutes > 0 ? minutes : null;
  }
  const cron = CRON.exec(schedule);
  if (!cron) return null;
  const [, minuteField = '', hourField = '', dayOfMonth, month, dayOfWeek, year] = cron;
  const everyDay = (field: string | undefined) => field === '*' || field === '?';
  if (!everyDay(dayOfMonth) || !everyDay(dayOfWeek) || month !== '*' || year !== '*') return null;
  const minutes = expandField(minuteField, 59);
  const hours = expandField(hourField, 23);
  if (!minutes || !hours) return null;
  const runs = hours.flatMap((hour) => minutes.map((minute) => hour * 60 + minute)).sort((a, b) => a - b);
  let longest = (runs[0] ?? 0) + MINUTES_PER_DAY - (runs.at(-1) ?? 0);
  for (let index = 1; index < runs.length; index += 1) longest = Math.max(longest, (runs[index] ?? 0) - (runs[index - 1] ?? 0));
  return longest;
}

/** The values of a cron field (`*`, `5`, `1-5`, `0/10`, `8-18/2`, `*` with a step, lists of these) from 0 to `max`; null if malformed. */
function expandField(field: string, max: number): number[] | null {
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const match = /^(?:(\*)|(\d{1,2})(?:-(\d{1,2}))?)(?:\/(\d{1,2}))?$/.exec(part);
    if (!match) return null;
    const [, star, from, to, step] = match;
    const first = star ? 0 : Number(from);
    // `5/15` runs from 5 to the end; a bare `5` is itself.
    const last = star || (step && to === undefined) ? max : Number(to ?? from);
    const stride = step === undefined ? 1 : Number(step);
    if (first > last || last > max || stride < 1) return null;
    for (let value = first; value <= last; value += stride) values.add(value);
  }
  return [...values];
}
