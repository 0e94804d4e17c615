// ET wall-clock → instant, fast enough for a season of rows. The pipeline's days are ET dates; the
// simulator places every event at an ET time on a date. A zoned conversion costs more than arithmetic, so
// the UTC offset is taken from the time module once per date (at midnight and noon) and reused; only on the
// two DST-change days, where the two differ, does every time go through etInstant itself.
import { addDays, dateRange, etInstant, minutes as minutesMs } from '../jobs/time.js';

export { addDays, dateRange };

const offsetCache = new Map<string, number | null>();

/** The date's ET offset in ms (instant − wall clock read as UTC), or null on a DST-change day. */
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
  if (offset !== null) return Date.parse(`${date}T00:00:00Z`) + offset + minutesMs(minutes);
  const whole = Math.floor(minutes);
  const day = Math.floor(whole / 1440);
  const d = day === 0 ? date : addDays(date, day);
  const m = whole - day * 1440;
  const hh = String(Math.floor(m / 60)).padStart(2, '0');
  const mm = String(m % 60).padStart(2, '0');
  return etInstant(d, `${hh}:${mm}`).getTime() + minutesMs(minutes - whole);
}

export const etTime = (date: string, minutes: number): Date => new Date(etMs(date, minutes));
