// Pipeline dates are calendar dates in America/New_York (the league's and the pipeline team's day).
// Plain `YYYY-MM-DD` strings are used for dates so nothing shifts with the host's time zone.
import { PIPELINE_TIME_ZONE } from './scheduler.js';

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2026-02-30). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first of the last `days` dates ending with `date` itself: the last 7 days of D start at D − 6. */
export function lookbackStart(date: string, days: number): string {
  return addDays(date, -(days - 1));
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

const etParts = new Intl.DateTimeFormat('en-CA', {
  timeZone: PIPELINE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function partsOf(instant: Date): Record<string, string> {
  return Object.fromEntries(etParts.formatToParts(instant).map((p) => [p.type, p.value]));
}

/** The ET calendar date of an instant. */
export function etDate(instant: Date): string {
  const p = partsOf(instant);
  return `${p.year}-${p.month}-${p.day}`;
}

/** `HH:MM` of an instant in ET. */
export function etClock(instant: Date): string {
  const p = partsOf(instant);
  return `${p.hour}:${p.minute}`;
}

/** The instant that is `time` (`HH:MM`) on `date` in ET, across DST changes. */
export function etInstant(date: string, time: string): Date {
  const naiveUtc = Date.parse(`${date}T${time}:00Z`);
  // ET is UTC-5 or UTC-4: guess, then correct by the offset observed at the guess (twice covers DST edges).
  let guess = naiveUtc + 5 * 3_600_000;
  for (let i = 0; i < 2; i++) {
    const p = partsOf(new Date(guess));
    const seenAsUtc = Date.parse(`${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}Z`);
    guess += naiveUtc - seenAsUtc;
  }
  return new Date(guess);
}
