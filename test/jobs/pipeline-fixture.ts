// Fixture rows for the pipeline tables the health and grading checks read, with sensible defaults, and a
// throwaway DuckDB warehouse (under os.tmpdir()) to run the checks' real SQL against them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Check, CheckContext } from '../../src/jobs/check.js';
import type { Finding } from '../../src/jobs/finding.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import type { TableRows, Warehouse } from '../../src/warehouse/port.js';

type Row = Record<string, unknown>;
let seq = 0;
const id = (prefix: string) => `${prefix}${++seq}`;

export function scheduleRow(game_date: string, over: Row = {}): Row {
  return {
    game_id: id('g'),
    game_date,
    season_year: 2025,
    season_type: 'Regular Season',
    game_start_time: new Date(`${game_date}T23:30:00Z`), // 18:30 ET
    game_status: 1,
    home_team_tricode: 'LAL',
    away_team_tricode: 'BOS',
    arena_name: null,
    updated_at: new Date(`${game_date}T12:00:00Z`),
    ...over,
  };
}

export function runRow(processor_name: string, data_date: string, over: Row = {}): Row {
  return {
    run_id: id('run'),
    processor_name,
    phase: 3,
    data_date,
    started_at: new Date(`${data_date}T10:00:00Z`),
    completed_at: new Date(`${data_date}T10:05:00Z`),
    status: 'success',
    records_processed: 200,
    records_expected: 200,
    error_message: null,
    trigger_source: 'scheduler',
    ...over,
  };
}

export function predictionRow(
  game_date: string,
  system_id: string,
  player_lookup: string,
  over: Row = {},
): Row {
  return {
    prediction_id: id('pred'),
    system_id,
    player_lookup,
    game_id: 'g0',
    game_date,
    prop_type: 'points',
    line_value: 20.5,
    predicted_value: 22,
    recommendation: 'OVER',
    confidence_score: 0.6,
    is_active: true,
    created_at: new Date(`${game_date}T12:00:00Z`),
    updated_at: null,
    ...over,
  };
}

export function gradedRow(
  game_date: string,
  system_id: string,
  player_lookup: string,
  correct: boolean,
  over: Row = {},
): Row {
  return {
    prediction_id: id('pred'),
    system_id,
    player_lookup,
    game_id: 'g0',
    game_date,
    prop_type: 'points',
    line_value: 20.5,
    predicted_value: 22,
    actual_value: correct ? 25 : 15,
    recommendation: 'OVER',
    prediction_correct: correct,
    absolute_error: 3,
    graded_at: new Date(`${game_date}T12:00:00Z`),
    ...over,
  };
}

/** `n` distinct players: `p000`, `p001`, ... */
export const players = (n: number, prefix = 'p') =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

export interface FixtureWarehouse {
  readonly warehouse: Warehouse;
  /** Run a check's real query against the fixture rows and evaluate them. */
  run<R>(check: Check<R>, ctx: CheckContext): Promise<{ rows: R[]; findings: Finding[] }>;
  close(): Promise<void>;
}

export async function fixtureWarehouse(tables: TableRows): Promise<FixtureWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-checks-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  await warehouse.insertRows(tables);
  return {
    warehouse,
    async run(check, ctx) {
      const rows = await warehouse.query(check.query, check.params(ctx));
      return { rows, findings: check.evaluate(rows, ctx) };
    },
    async close() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
