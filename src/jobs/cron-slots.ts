// When a cron schedule fires, as instants: node-cron 4 only says whether a given instant matches and when the
// next real-time run is, but the self-health watchdog needs past slots and the spacing between them against an
// injected clock (the demo's runs accelerated). So: enumerate each ET day's hour × minute candidates from
// node-cron's own parse, and keep those node-cron's own matcher accepts (its day-of-month / day-of-week / `L`
// rules, DST), so these slots are exactly the ones the scheduler fires.
import { createTask, parse, type ScheduledTask } from 'node-cron';
import { addDays, days24h, etDate, etInstant, PIPELINE_TIME_ZONE } from './time.js';

// One matcher per expression for the life of the process (a handful); node-cron registers every task it
// creates, so building one per call would grow its registry.
const matchers = new Map<string, ScheduledTask>();
function matcherOf(expr: string): ScheduledTask {
  let task = matchers.get(expr);
  if (!task) {
    task = createTask(expr, () => {}, { timezone: PIPELINE_TIME_ZONE });
    matchers.set(expr, task);
  }
  return task;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** A quick day-level filter from the parsed fields; node-cron's matcher has the last word on each slot. */
function dayMayMatch(fields: ReturnType<typeof parse>, date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!fields.month.includes(m)) return false;
  const numeric = (values: (number | string)[]) => values.every((v) => typeof v === 'number');
  if (numeric(fields.dayOfMonth) && !fields.dayOfMonth.includes(d)) return false;
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (numeric(fields.dayOfWeek) && !fields.dayOfWeek.includes(weekday) && !fields.dayOfWeek.includes(7))
    return false;
  return true;
}

/** The slots of one expression in (from, to], ascending. */
function slotsOf(expr: string, from: Date, to: Date): Date[] {
  const fields = parse(expr);
  const matcher = matcherOf(expr);
  const out: Date[] = [];
  // One ET day either side: a day's candidates straddle UTC midnight.
  for (let day = addDays(etDate(from), -1); day <= addDays(etDate(to), 1); day = addDays(day, 1)) {
    if (!dayMayMatch(fields, day)) continue;
    for (const hour of fields.hour) {
      for (const minute of fields.minute) {
        const at = etInstant(day, `${pad2(hour)}:${pad2(minute)}`);
        if (at > from && at <= to && matcher.match(at)) out.push(at);
      }
    }
  }
  return out;
}

/** Every slot of the expressions in (from, to], ascending and without duplicates. */
export function cronSlots(exprs: readonly string[], from: Date, to: Date): Date[] {
  const all = exprs.flatMap((e) => slotsOf(e, from, to)).map((d) => d.getTime());
  return [...new Set(all)].sort((a, b) => a - b).map((t) => new Date(t));
}

/** The newest slot at or before `at`, looking back `lookbackDays` (undefined when there is none). */
export function previousSlot(exprs: readonly string[], at: Date, lookbackDays = 8): Date | undefined {
  // Most schedules fire at least daily: look one day back first, the whole window only when that is empty.
  const near = cronSlots(exprs, new Date(at.getTime() - days24h(Math.min(1, lookbackDays))), at).at(-1);
  return near ?? cronSlots(exprs, new Date(at.getTime() - days24h(lookbackDays)), at).at(-1);
}

// The watchdog asks every few minutes for the same schedules: their spacing changes at most with the day.
const intervalCache = new Map<string, number | undefined>();

/**
 * The longest gap between consecutive slots within `days` either side of `at`: a job that runs at 09:00
 * and 14:15 is expected at least every 18 h 45 m, one that skips weekends every 72 h. Undefined when the
 * window holds fewer than two slots (a job rarer than that is not watched by interval).
 */
export function longestInterval(exprs: readonly string[], at: Date, days = 8): number | undefined {
  const key = `${exprs.join(';')}|${etDate(at)}|${days}`;
  if (intervalCache.has(key)) return intervalCache.get(key);
  if (intervalCache.size > 256) intervalCache.clear();
  const slots = cronSlots(
    exprs,
    new Date(at.getTime() - days24h(days)),
    new Date(at.getTime() + days24h(days)),
  );
  let longest: number | undefined;
  for (let i = 1; i < slots.length; i++) {
    const gap = (slots[i] as Date).getTime() - (slots[i - 1] as Date).getTime();
    if (longest === undefined || gap > longest) longest = gap;
  }
  intervalCache.set(key, longest);
  return longest;
}
