// ET wall-clock → instant, fast enough for a season of rows. The pipeline's days are ET dates; the
// simulator places every event at an ET time on a date. Intl is slow per call, so the UTC offset is
// computed once per date (at noon) and reused; only on the two DST-change days does a time before the
// 02:00 switch use the other offset, which etInstant (src/jobs/time.ts) handles exactly.
import { etInstant } from '../jobs/time.js';

const HOUR_MS = 3_600_000;
const offsetCache = new Map<string, number | null>();

/** The date's ET offset in ms (UTC − ET), or null on a DST-change day (use the exact path then). */
function offsetOf(date: string): number | null {
  let cached = offsetCache.get(date);
  if (cached === undefined) {
    const midnight = etInstant(date, '00:00').getTime() - Date.parse(`${date}T00:00:00Z`);
    const noon = etInstant(date, '12:00').getTime() - Date.parse(`${date}T12:00:00Z`);
    cached = midnight === noon ? noon : null;
    offsetCache.set(date, cached);
  }
  return cached;
}

/** Milliseconds of the instant that is `minutes` after 00:00 ET on `date` (may exceed 24 h: next day). */
export function etMs(date: string, minutes: number): number {
  const offset = offsetOf(date);
  if (offset !== null) return Date.parse(`${date}T00:00:00Z`) + offset + minutes * 60_000;
  const whole = Math.floor(minutes);
  const day = Math.floor(whole / 1440);
  const d = day === 0 ? date : addDays(date, day);
  const m = whole - day * 1440;
  const hh = String(Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return etInstant(d, `${hh}:${mm}`).getTime() + (minutes - whole) * 60_000;
}

export const etTime = (date: string, minutes: number): Date => new Date(etMs(date, minutes));

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 24 * HOUR_MS).toISOString().slice(0, 10);
}

/** Dates from `from` to `until`, both included. */
export function dateRange(from: string, until: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= until; d = addDays(d, 1)) out.push(d);
  return out;
}
