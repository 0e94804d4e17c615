// The digest's recovery-time table: over 30 days, per scraper and error type, how many scrapes failed, how
// many were marked recovered in the pipeline's scrape event log (by the pipeline, or by shotclock when a retry
// recovered them: src/recovery/mark-recovered.ts) and how long recovery took. The query gives each recovery's
// minutes, sorted; the median and 90th percentile are taken here (BigQuery's APPROX_QUANTILES has no DuckDB
// twin in sql/README.md's subset).
import { z } from 'zod';
import { addDays } from '../jobs/time.js';
import type { RecoveryTimeRow } from '../views/types.js';
import { defineQuery, type QuerySurface, type Warehouse } from '../warehouse/port.js';

/** Days the table covers, ending with the digest's date. */
export const RECOVERY_TIME_DAYS = 30;

export const recoveryTimesQuery = defineQuery(
  'status/recovery_times.sql',
  z.object({
    scraper_name: z.string(),
    error_type: z.string(),
    failures: z.number().int(),
    recovered: z.number().int(),
    /** NULL when none recovered. */
    recovery_minutes: z.array(z.number()).nullable(),
  }),
);
type Row = z.infer<typeof recoveryTimesQuery.row>;

/** The value at quantile q of ascending `sorted` (nearest rank), or null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Rows as the digest shows them: most failures first, then by scraper and error type. */
export function recoveryTimeRows(rows: readonly Row[]): RecoveryTimeRow[] {
  return rows
    .map((r) => {
      const minutes = [...(r.recovery_minutes ?? [])].sort((a, b) => a - b);
      return {
        scraper: r.scraper_name,
        errorType: r.error_type,
        failures: r.failures,
        recovered: r.recovered,
        medianMinutes: quantile(minutes, 0.5),
        p90Minutes: quantile(minutes, 0.9),
      };
    })
    .sort(
      (a, b) =>
        b.failures - a.failures ||
        a.scraper.localeCompare(b.scraper) ||
        a.errorType.localeCompare(b.errorType),
    );
}

/** The 30 days ending `date`, as of `now`. */
export async function readRecoveryTimes(
  warehouse: Pick<Warehouse, 'query'>,
  date: string,
  now: Date,
  surface: QuerySurface,
): Promise<RecoveryTimeRow[]> {
  const rows = await warehouse.query(
    recoveryTimesQuery,
    { window_start: addDays(date, -(RECOVERY_TIME_DAYS - 1)), report_date: date, now },
    { surface },
  );
  return recoveryTimeRows(rows);
}
