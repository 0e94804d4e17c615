// How often a source normally shows a sign of life, learned from its own history and the NBA schedule
// (docs/pipeline.md#learned-freshness). Pure: activity times, game dates and `now` in, a verdict per source
// out. A source that follows the games is measured on a game clock that stops on days without games, so
// the All-Star break or a lone off-day is no silence for it; a source that also runs on off-days is
// measured on the wall clock.
import { addDays, days24h, etStartOfDay, hours } from './time.js';

export interface FreshnessSettings {
  /** Days of history the cadence is learned from. */
  readonly trainingDays: number;
  /** The share of observed gaps the bound starts from (0.98: the longest gap of a normal day). */
  readonly percentile: number;
  /** The bound is the percentile gap times this factor… */
  readonly factor: number;
  /** …and never shorter than this many hours. */
  readonly floorHours: number;
  /** Gaps needed before a source is judged; fewer and it is still learning. */
  readonly minSamples: number;
  /** Days between its first and last sign of life before a source is judged (a new source is learning). */
  readonly minHistoryDays: number;
}

export type Clock = 'games' | 'wall';

export interface LearnedCadence {
  /** Median gap between signs of life on the source's clock, ms. */
  readonly cadenceMs: number;
  /** Silence on the source's clock beyond which it is overdue, ms. */
  readonly boundMs: number;
  /** Gaps the cadence is learned from. */
  readonly samples: number;
  readonly clock: Clock;
}

export type SourceVerdict =
  | { readonly status: 'learning'; readonly samples: number; readonly clock: Clock }
  | ({
      readonly status: 'fresh' | 'overdue';
      readonly lastActivityAt: Date;
      /** When the next sign of life was expected (last + cadence on its clock). */
      readonly nextExpectedAt: Date;
      /** When the silence passed the bound (or will). */
      readonly overdueAt: Date;
      /** Silence so far on the source's clock, ms. */
      readonly silenceMs: number;
    } & LearnedCadence);

/**
 * The ET dates from `first` to `last` with the instant each starts, so the learning finds an instant's date
 * by binary search instead of a time-zone conversion per sign of life (a month of hourly rows per source).
 */
export class EtCalendar {
  readonly dates: readonly string[];
  private readonly starts: readonly number[];
  constructor(first: string, last: string) {
    const dates: string[] = [];
    for (let d = first; d <= addDays(last, 1); d = addDays(d, 1)) dates.push(d);
    this.dates = dates;
    this.starts = dates.map((d) => etStartOfDay(d).getTime());
  }
  /** Index of the date `t` falls on, clamped to the calendar's range. */
  indexOf(t: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  dateOf(t: number): string {
    return this.dates[this.indexOf(t)] as string;
  }
  /** When the date after index `i` starts (past the end: a day per step, close enough that far out). */
  endOf(i: number): number {
    const next = this.starts[i + 1];
    return next ?? (this.starts[this.starts.length - 1] as number) + days24h(i + 2 - this.starts.length);
  }
}

/** The ET dates on which the source's clock runs: every date on the wall clock, game dates on the game clock. */
export type ClockDays = (date: string) => boolean;

/**
 * Active time between two instants on a clock: the wall time minus the parts that fall on ET dates the
 * clock skips.
 */
export function activeBetween(from: number, to: number, runs: ClockDays, cal: EtCalendar): number {
  if (to <= from) return 0;
  let total = 0;
  let i = cal.indexOf(from);
  let start = from;
  while (start < to) {
    const next = Math.min(cal.endOf(i), to);
    const date = cal.dates[i];
    if (date === undefined || runs(date)) total += next - start;
    start = next;
    i++;
  }
  return total;
}

/** The instant `activeMs` of clock time after `from` (days the clock skips pass without counting). */
export function advanceOnClock(
  from: number,
  activeMs: number,
  runs: ClockDays,
  cal: EtCalendar,
  maxDays = 60,
): Date {
  let left = activeMs;
  let i = cal.indexOf(from);
  let start = from;
  for (let n = 0; n <= maxDays; n++, i++) {
    const end = cal.endOf(i);
    const date = cal.dates[i];
    if (date === undefined || runs(date)) {
      if (start + left <= end) return new Date(start + left);
      left -= end - start;
    }
    start = end;
  }
  return new Date(start + left);
}

/** Nearest-rank percentile of ascending values (q in (0, 1]). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/**
 * Does the source also run on days without games? Judged on off-days that follow another off-day (the
 * All-Star break, the preseason): a post-game source still works the morning after a lone off-day's eve,
 * so only a run on a deep off-day shows a source that keeps the wall clock. Without such a day in its
 * history it is taken to follow the games, which errs on the quiet side on an off-day.
 */
export function clockOf(
  activity: readonly number[],
  gameDay: ClockDays,
  cal: EtCalendar,
  fromDate: string,
  today: string,
): Clock {
  const activeDates = new Set(activity.map((t) => cal.dateOf(t)));
  let deep = 0;
  let ran = 0;
  for (let d = addDays(fromDate, 1); d <= today; d = addDays(d, 1)) {
    if (gameDay(d) || gameDay(addDays(d, -1))) continue;
    deep++;
    if (activeDates.has(d)) ran++;
  }
  return deep > 0 && ran * 2 >= deep ? 'wall' : 'games';
}

/**
 * One source's verdict at `now` from its signs of life (epoch ms, any order) inside the training window
 * that starts at `windowStart` (an ET date): learning while its history is short, else fresh or overdue.
 */
export function judgeSource(
  activity: readonly number[],
  gameDay: ClockDays,
  cal: EtCalendar,
  windowStart: string,
  now: Date,
  s: FreshnessSettings,
): SourceVerdict {
  const times = [...activity].filter((t) => t <= now.getTime()).sort((a, b) => a - b);
  const clock = clockOf(times, gameDay, cal, windowStart, cal.dateOf(now.getTime()));
  const runs: ClockDays = clock === 'wall' ? () => true : gameDay;
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = activeBetween(times[i - 1] as number, times[i] as number, runs, cal);
    if (gap > 0) gaps.push(gap);
  }
  const first = times[0];
  const last = times[times.length - 1];
  const historyMs = first !== undefined && last !== undefined ? last - first : 0;
  if (last === undefined || gaps.length < s.minSamples || historyMs < days24h(s.minHistoryDays))
    return { status: 'learning', samples: gaps.length, clock };
  gaps.sort((a, b) => a - b);
  const cadenceMs = percentile(gaps, 0.5);
  const boundMs = Math.max(hours(s.floorHours), percentile(gaps, s.percentile) * s.factor);
  const silenceMs = activeBetween(last, now.getTime(), runs, cal);
  return {
    status: silenceMs > boundMs ? 'overdue' : 'fresh',
    lastActivityAt: new Date(last),
    nextExpectedAt: advanceOnClock(last, cadenceMs, runs, cal),
    overdueAt: advanceOnClock(last, boundMs, runs, cal),
    silenceMs,
    cadenceMs,
    boundMs,
    samples: gaps.length,
    clock,
  };
}
