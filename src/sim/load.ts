// Stream a simulated range into a RowSink (the embedded warehouse): one transaction per week of dates, so
// a season loads fast without holding it all. Used by `shotclock sim` and the demo's seeding.
import type { RowSink, TableRows } from '../warehouse/port.js';
import { ALL_TABLES, mergeRows } from './context.js';
import { dateRange } from './et.js';
import { countRows, type SimulateOptions, simulateChunks } from './generate.js';

const DATES_PER_INSERT = 7;

/** Simulate `opts` into `sink`; returns rows written per table. `onDate` reports progress. */
export async function loadSimulation(
  opts: SimulateOptions,
  sink: RowSink,
  onDate: (done: number, total: number, date: string) => void = () => {},
): Promise<Record<string, number>> {
  const total = dateRange(opts.from, opts.until).length;
  const counts: Record<string, number> = Object.fromEntries(ALL_TABLES.map((t) => [t, 0]));
  let pending: TableRows[] = [];
  let done = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const rows = mergeRows(pending);
    pending = [];
    await sink.insertRows(rows);
    for (const [t, n] of Object.entries(countRows(rows))) counts[t] = (counts[t] ?? 0) + n;
  };
  for (const chunk of simulateChunks(opts)) {
    pending.push(chunk.rows);
    if (chunk.date !== 'state') onDate(++done, total, chunk.date);
    if (pending.length >= DATES_PER_INSERT) await flush();
  }
  await flush();
  return counts;
}
