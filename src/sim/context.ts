// What every generator part shares: the seed, "now", the scenario, the schedule, rosters, and a buffer
// of rows per table. "As of now": a row whose event lies after `now` is never written.
import type { TableRows } from '../warehouse/port.js';
import { buildRosters, type Player } from './roster.js';
import type { Scenario } from './scenario.js';
import { ScenarioIndex } from './scenario.js';
import type { Schedule } from './schedule.js';

export const TABLES = {
  schedule: 'nba_raw.nbac_schedule',
  gamebook: 'nba_raw.nbac_gamebook_player_stats',
  bdl: 'nba_raw.bdl_player_boxscores',
  scrapeEvents: 'nba_monitoring.scrape_events',
  scraperRuns: 'nba_orchestration.phase1_scraper_runs',
  scraperFailures: 'nba_orchestration.scraper_failures',
  workflows: 'nba_orchestration.workflow_executions',
  reprocess: 'nba_orchestration.reprocess_attempts',
  proxyBreaker: 'nba_orchestration.proxy_circuit_breaker',
  proxyMetrics: 'nba_orchestration.proxy_health_metrics',
  processorRuns: 'nba_reference.processor_run_history',
  predictions: 'nba_predictions.player_prop_predictions',
  accuracy: 'nba_predictions.prediction_accuracy',
} as const;
export const ALL_TABLES: readonly string[] = Object.values(TABLES);

export type Row = Record<string, unknown>;

export interface SimContext {
  readonly seed: number;
  /** Epoch ms of "now": nothing later is written. */
  readonly now: number;
  readonly idx: ScenarioIndex;
  readonly schedule: Schedule;
  readonly rosters: ReadonlyMap<string, readonly Player[]>;
}

export function createContext(opts: {
  seed: number;
  now: Date;
  scenario: Scenario;
  schedule: Schedule;
}): SimContext {
  return {
    seed: opts.seed,
    now: opts.now.getTime(),
    idx: new ScenarioIndex(opts.scenario),
    schedule: opts.schedule,
    rosters: buildRosters(opts.seed, opts.schedule.teams),
  };
}

/** Rows per table for one chunk; every table is present (possibly empty) so counts print uniformly. */
export class RowBuffer {
  private readonly tables = new Map<string, Row[]>(ALL_TABLES.map((t) => [t, []]));

  push(table: string, row: Row): void {
    const rows = this.tables.get(table);
    if (!rows) throw new Error(`unknown table ${table}`);
    rows.push(row);
  }

  rows(): TableRows {
    return Object.fromEntries(this.tables);
  }
}

/** Merge chunks into one TableRows (tests and small ranges; the CLI streams chunks instead). */
export function mergeRows(chunks: Iterable<TableRows>): TableRows {
  const out = new Map<string, Row[]>(ALL_TABLES.map((t) => [t, []]));
  for (const chunk of chunks) {
    for (const [table, rows] of Object.entries(chunk)) {
      const target = out.get(table) ?? [];
      for (const r of rows) target.push(r as Row);
      out.set(table, target);
    }
  }
  return Object.fromEntries(out);
}

export const compactDate = (date: string): string => date.replaceAll('-', '');
