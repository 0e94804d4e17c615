// The pipeline's clock and calendar, on date-fns and @date-fns/tz. Pipeline dates are calendar dates in the
// pipeline's time zone (the league's and the pipeline team's day), written as plain `YYYY-MM-DD` strings so
// nothing shifts with the host's time zone. This is the only module that names the zone, builds zoned
// formatters or converts between wall clock and instants; everything else asks it (a test keeps it so).
import { TZDate, tz } from '@date-fns/tz';
// One subpath per function: the package's root index loads every function (~20 MB and ~80 ms at start).
import { addDays as addCalendarDays } from 'date-fns/addDays';
import {
  millisecondsInDay,
  millisecondsInHour,
  millisecondsInMinute,
  millisecondsInSecond,
} from 'date-fns/constants';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { format } from 'date-fns/format';
import { hoursToMilliseconds } from 'date-fns/hoursToMilliseconds';
import { isExists } from 'date-fns/isExists';

/** The IANA zone of every pipeline date, cron schedule and displayed time. */
export const PIPELINE_TIME_ZONE = 'America/New_York';
/** How the zone is labelled next to a displayed time. */
export const PIPELINE_ZONE_LABEL = 'ET';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const inPipelineZone = tz(PIPELINE_TIME_ZONE);

const pad2 = (n: number) => String(n).padStart(2, '0');

function dateParts(date: string): [number, number, number] {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
}

/**
 * A calendar date as noon of that date in the host's zone: date-fns's calendar arithmetic on it (which keeps
 * the wall clock across DST) and its local getters give the same date in every host zone, and cost a
 * fraction of a zoned date.
 */
const calendarDay = (date: string): Date => {
  const [y, m, d] = dateParts(date);
  return new Date(y, m, d, 12);
};
const isoDate = (day: Date): string =>
  `${day.getFullYear()}-${pad2(day.getMonth() + 1)}-${pad2(day.getDate())}`;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  return m !== null && isExists(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** The date `days` calendar days after `date` (before when negative). */
export function addDays(date: string, days: number): string {
  return isoDate(addCalendarDays(calendarDay(date), days));
}

/** `Mon Jan 19` for `2026-01-19`: a pipeline date as people read it (anything else as given). */
export function dayLabel(date: string): string {
  return isIsoDate(date) ? format(calendarDay(date), 'EEE MMM d') : date;
}

/** The first of the last `days` dates ending with `date` itself: the last 7 days of D start at D − 6. */
export function lookbackStart(date: string, days: number): string {
  return addDays(date, -(days - 1));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(calendarDay(to), calendarDay(from));
}

/** Dates from `from` to `until`, both included (none when `until` is earlier). */
export function dateRange(from: string, until: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= until; d = addDays(d, 1)) out.push(d);
  return out;
}

/** The calendar date `YYYY-MM-DD` of a DATE stored as days since 1970-01-01 (DuckDB's). */
export const dateOfEpochDay = (days: number): string =>
  new Date(days * millisecondsInDay).toISOString().slice(0, 10);
/** Days since 1970-01-01 of a calendar date (DuckDB's DATE); UTC days are all 24 h long. */
export const epochDayOf = (date: string): number => Date.UTC(...dateParts(date)) / millisecondsInDay;

// Zone conversions are remembered: each one builds a TZDate and asks Intl for the offset, and the season
// replay and the freshness learning ask about the same few hundred days thousands of times. Bounded, since a
// long-running bot keeps asking about new days.
const MEMO_LIMIT = 20_000;
function remember<K, V>(memo: Map<K, V>, key: K, compute: () => V): V {
  let value = memo.get(key);
  if (value === undefined) {
    value = compute();
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(key, value);
  }
  return value;
}
const etDateByHour = new Map<number, string>();
const etMidnight = new Map<string, number>();

/**
 * The ET calendar date of an instant. Remembered per UTC hour: ET's offsets are whole hours, so an ET
 * midnight always falls on a whole UTC hour and every instant of one UTC hour has the same ET date.
 */
export function etDate(instant: Date): string {
  return remember(etDateByHour, Math.floor(instant.getTime() / millisecondsInHour), () => {
    const et = new TZDate(instant.getTime(), PIPELINE_TIME_ZONE);
    return `${et.getFullYear()}-${pad2(et.getMonth() + 1)}-${pad2(et.getDate())}`;
  });
}

/** `HH:MM` of an instant in ET. */
export function etClock(instant: Date): string {
  const et = new TZDate(instant.getTime(), PIPELINE_TIME_ZONE);
  return `${pad2(et.getHours())}:${pad2(et.getMinutes())}`;
}

/**
 * The instant that is `time` (`HH:MM` or `HH:MM:SS`) on `date` in ET, across DST changes. A time the spring
 * switch skips (02:30 on 2026-03-08) is read with the offset before it, so it lands an hour later (03:30
 * EDT); a time the fall switch repeats (01:30 on 2026-11-01) is its first occurrence (EDT), as Temporal's
 * "compatible" disambiguation does.
 */
export function etInstant(date: string, time: string): Date {
  const m = CLOCK.exec(time);
  if (!m) throw new RangeError(`not an HH:MM time: ${JSON.stringify(time)}`);
  const at = new TZDate(
    ...dateParts(date),
    Number(m[1]),
    Number(m[2]),
    Number(m[3] ?? 0),
    PIPELINE_TIME_ZONE,
  );
  return new Date(at.getTime());
}

/** The instant ET midnight starts `date`. */
export const etStartOfDay = (date: string): Date =>
  new Date(remember(etMidnight, date, () => etInstant(date, '00:00').getTime()));

/** Milliseconds in `n` hours: durations (backoff, grace periods, windows) are elapsed time, not wall clock. */
export const hours = (n: number): number => hoursToMilliseconds(n);
/** Milliseconds in `n` minutes. */
export const minutes = (n: number): number => n * millisecondsInMinute;
/** Milliseconds in `n` elapsed days of 24 hours (a rolling window, not a calendar day). */
export const days24h = (n: number): number => n * millisecondsInDay;
/** Whole hours in a duration, rounded down. */
export const wholeHours = (ms: number): number => Math.floor(ms / millisecondsInHour);
/** A duration in hours (fractional). */
export const inHours = (ms: number): number => ms / millisecondsInHour;

/** The instant `n` hours after `at` (before when negative). */
export const hoursAfter = (at: Date, n: number): Date => new Date(at.getTime() + hours(n));
/** The instant `n` hours before `at`. */
export const hoursBefore = (at: Date, n: number): Date => new Date(at.getTime() - hours(n));

/** Formats instants in one time zone, labelled (e.g. `04:00 ET`). */
export interface TimeFormatter {
  /** `04:00 ET` */
  time(at: Date): string;
  /** `Mon Jan 19 04:00 ET` */
  dateTime(at: Date): string;
  /** The calendar date in the zone, `2026-01-19`. */
  date(at: Date): string;
}

/** A formatter for an IANA time zone; by default the pipeline's, labelled ET. */
export function zonedFormatter(timeZone = PIPELINE_TIME_ZONE, label = PIPELINE_ZONE_LABEL): TimeFormatter {
  const zone = timeZone === PIPELINE_TIME_ZONE ? inPipelineZone : tz(timeZone);
  const quoted = `'${label.replaceAll("'", "''")}'`;
  return {
    time: (at) => format(at, `HH:mm ${quoted}`, { in: zone }),
    dateTime: (at) => format(at, `EEE MMM d HH:mm ${quoted}`, { in: zone }),
    date: (at) => format(at, 'yyyy-MM-dd', { in: zone }),
  };
}

/** `04:00 ET` when `at` falls on the same zoned day as `now`, else `Mon Jan 19 04:00 ET`. */
export function formatWhen(fmt: TimeFormatter, at: Date, now: Date): string {
  return fmt.date(at) === fmt.date(now) ? fmt.time(at) : fmt.dateTime(at);
}

/**
 * `45 s`, `12 m`, `5 h 12 m`, `16 h 05 m`, `3 d 04 h`: elapsed time, so a day is 24 hours. Minutes are padded
 * under hours so columns of durations line up; beyond two days hours are precise enough.
 */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  if (total < millisecondsInMinute) return `${Math.floor(total / millisecondsInSecond)} s`;
  if (total < millisecondsInHour) return `${Math.floor(total / millisecondsInMinute)} m`;
  if (total < 2 * millisecondsInDay) {
    const h = Math.floor(total / millisecondsInHour);
    const m = Math.floor((total % millisecondsInHour) / millisecondsInMinute);
    return `${h} h ${pad2(m)} m`;
  }
  const d = Math.floor(total / millisecondsInDay);
  const h = Math.floor((total % millisecondsInDay) / millisecondsInHour);
  return `${d} d ${pad2(h)} h`;
}
