// Partition-days a table scan would read in BigQuery: the days its partition column's pushed-down filters
// (as DuckDB's profile prints them) leave, within the days the warehouse holds. BigQuery prunes partitions
// by those same filters (constant bounds on the partition column), and bills every row of each partition
// it reads; DuckDB, on the simulator's small tables, skips far less (a table of a few thousand rows is one
// row group), so its own rows-scanned figure says little about what BigQuery would bill.
import { addDays } from '../src/jobs/time.js';

/** A bound on the partition column, as DuckDB prints a pushed-down comparison. */
const COMPARISON =
  /^\(?([a-z_][a-z0-9_]*)\s*(>=|<=|>|<|=)\s*'(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?))?[^']*'::(?:DATE|TIMESTAMP)/i;

export interface PartitionRange {
  /** Partition days read (0 when the bounds exclude every day held). */
  readonly days: number;
  /** Which sides had no bound on the partition column (BigQuery would read every partition that way). */
  readonly unbounded: readonly ('lower' | 'upper')[];
}

/**
 * The partition days of [held.from, held.until] that a scan with these filters reads. `column` is the
 * partition column (a DATE, or a TIMESTAMP partitioned by its UTC day).
 */
export function partitionDays(
  filters: readonly string[],
  column: string,
  held: { readonly from: string; readonly until: string },
): PartitionRange {
  let lower: string | undefined;
  let upper: string | undefined;
  for (const conjunct of filters.flatMap((f) => f.split(/\s+AND\s+/i))) {
    const m = COMPARISON.exec(conjunct.trim());
    if (!m || m[1]?.toLowerCase() !== column.toLowerCase()) continue;
    const [op, day, time] = [m[2], m[3] as string, m[4]];
    const midnight = time === undefined || /^00:00:00(\.0+)?$/.test(time);
    // A DATE compared strictly excludes its day; a timestamp excludes it only below its midnight.
    const from = op === '>' && time === undefined ? addDays(day, 1) : day;
    const through = op === '<' && midnight ? addDays(day, -1) : day;
    if (op === '>=' || op === '>' || op === '=') lower = lower === undefined || from > lower ? from : lower;
    if (op === '<=' || op === '<' || op === '=')
      upper = upper === undefined || through < upper ? through : upper;
  }
  const from = lower !== undefined && lower > held.from ? lower : held.from;
  const until = upper !== undefined && upper < held.until ? upper : held.until;
  const days = from > until ? 0 : Math.round((Date.parse(until) - Date.parse(from)) / 86_400_000) + 1;
  const unbounded: ('lower' | 'upper')[] = [];
  if (lower === undefined) unbounded.push('lower');
  if (upper === undefined) unbounded.push('upper');
  return { days, unbounded };
}
