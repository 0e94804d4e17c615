// The season simulator: what the pipeline would have written, as of `now`, for game dates from..until.
// Pure: rows out, no I/O. Deterministic for a seed; each date is generated on its own (its own PRNG
// streams), so a date's rows are the same whether it is simulated alone or inside a season.
import type { TableRows } from '../warehouse/port.js';
import { createContext, mergeRows, RowBuffer, type SimContext, TABLES } from './context.js';
import { addDays, dateRange, etMs } from './et.js';
import { generateGames } from './gen-games.js';
import { generatePhase1 } from './gen-phase1.js';
import { generatePredictions } from './gen-predictions.js';
import { generateProcessors } from './gen-processors.js';
import { generateProxyMetrics, proxyBreakerRows } from './gen-proxy.js';
import { assertScenarioFits, type Scenario } from './scenario.js';
import { loadSchedule, type Schedule } from './schedule.js';
import { DEFAULT_SEED } from './seed.js';

export { DEFAULT_SEED };

export interface SimulateOptions {
  readonly from: string;
  readonly until: string;
  /** Nothing later is written. Default: 12:00 ET the day after `until` (the last date fully processed). */
  readonly now?: Date;
  readonly scenario: Scenario;
  readonly seed?: number;
  readonly schedule?: Schedule;
}

export const defaultNow = (until: string): Date => new Date(etMs(addDays(until, 1), 12 * 60));

export function simContext(opts: SimulateOptions): SimContext {
  if (opts.until < opts.from) throw new RangeError(`until ${opts.until} is before from ${opts.from}`);
  const schedule = opts.schedule ?? loadSchedule();
  assertScenarioFits(opts.scenario, schedule);
  return createContext({
    seed: opts.seed ?? DEFAULT_SEED,
    now: opts.now ?? defaultNow(opts.until),
    scenario: opts.scenario,
    schedule,
  });
}

/** Everything the pipeline wrote about one game date (events may fall on the next days), as of now. */
export function simulateDate(ctx: SimContext, date: string): TableRows {
  const out = new RowBuffer();
  generateGames(ctx, date, out);
  generatePhase1(ctx, date, out);
  generateProcessors(ctx, date, out);
  generatePredictions(ctx, date, out);
  generateProxyMetrics(ctx, date, out);
  return out.rows();
}

export interface SimChunk {
  /** The game date, or 'state' for tables that hold current state only (proxy breakers). */
  readonly date: string;
  readonly rows: TableRows;
}

/** One chunk per date, then the current-state chunk: stream a season into a sink without holding it all. */
export function* simulateChunks(opts: SimulateOptions): Generator<SimChunk> {
  const ctx = simContext(opts);
  for (const date of dateRange(opts.from, opts.until)) yield { date, rows: simulateDate(ctx, date) };
  const state = new RowBuffer();
  for (const row of proxyBreakerRows(ctx)) state.push(TABLES.proxyBreaker, row);
  yield { date: 'state', rows: state.rows() };
}

/** The whole range as one TableRows. */
export function simulate(opts: SimulateOptions): TableRows {
  return mergeRows([...simulateChunks(opts)].map((c) => c.rows));
}

export function countRows(rows: TableRows): Record<string, number> {
  return Object.fromEntries(Object.entries(rows).map(([t, r]) => [t, r.length]));
}
