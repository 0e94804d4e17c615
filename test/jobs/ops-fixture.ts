// Fixture rows for the tables the scraper, source, boxscore, workflow and breaker checks read, with
// sensible defaults (`over` replaces any column), and a throwaway DuckDB warehouse (under os.tmpdir())
// that runs a check's real SQL on them. Kept apart from pipeline-fixture.ts so these checks' tests do
// not wait on that file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Check, CheckContext } from '../../src/jobs/check.js';
import type { Finding } from '../../src/jobs/finding.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import type { TableRows } from '../../src/warehouse/port.js';

type Row = Record<string, unknown>;
let seq = 0;
const id = (prefix: string) => `${prefix}${++seq}`;
const at = (iso: string) => new Date(iso);

/** A final NBA.com schedule row: 19:00 ET tip-off (00:00Z the next day). */
export function gameRow(game_date: string, home: string, away: string, over: Row = {}): Row {
  const next = new Date(Date.parse(`${game_date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    game_id: id('00225'),
    game_date,
    season_year: 2025,
    season_type: 'Regular Season',
    game_start_time: at(`${next}T00:00:00Z`),
    game_status: 3,
    home_team_tricode: home,
    away_team_tricode: away,
    arena_name: null,
    updated_at: at(`${next}T03:00:00Z`),
    ...over,
  };
}

/** One player line in NBA.com's gamebook for a schedule row's game, processed 06:00 ET the next day. */
export function gamebookRow(game: Row, team: string, over: Row = {}): Row {
  return {
    game_id: game.game_id,
    game_date: game.game_date,
    team_abbr: team,
    player_lookup: `${team.toLowerCase()}player`,
    player_name: `${team} Player`,
    player_status: 'active',
    minutes: 30,
    points: 20,
    rebounds: 5,
    assists: 5,
    processed_at: new Date((game.game_start_time as Date).getTime() + 6 * 3_600_000),
    ...over,
  };
}

/** One balldontlie box score line (BDL's own game id), processed 06:00 ET the next day. */
export function bdlRow(game_date: string, team: string, over: Row = {}): Row {
  const next = new Date(Date.parse(`${game_date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    game_id: `bdl-${game_date}-${team}`,
    game_date,
    team_abbr: team,
    player_lookup: `${team.toLowerCase()}player`,
    player_name: `${team} Player`,
    minutes: 30,
    points: 20,
    rebounds: 5,
    assists: 5,
    processed_at: at(`${next}T11:00:00Z`),
    ...over,
  };
}

/** The gap backfiller's row for a (scraper, date), failed at 06:00 ET the next day, not backfilled. */
export function scraperFailureRow(scraper_name: string, game_date: string, over: Row = {}): Row {
  const next = new Date(Date.parse(`${game_date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return {
    game_date,
    scraper_name,
    error_type: 'timeout',
    error_message: 'Read timed out',
    first_failed_at: at(`${next}T11:00:00Z`),
    last_failed_at: at(`${next}T11:00:00Z`),
    retry_count: 0,
    backfilled: false,
    backfilled_at: null,
    ...over,
  };
}

/** A scrape event (nba_monitoring.scrape_events, the scrapers' event log). */
export function scrapeEventRow(
  scraper_name: string,
  target_date: string,
  startedAt: string,
  over: Row = {},
): Row {
  return {
    event_id: id('se'),
    scraper_name,
    target_date,
    started_at: at(startedAt),
    completed_at: at(startedAt),
    duration_seconds: 3,
    status: 'success',
    records_expected: null,
    records_received: null,
    records_missing: null,
    error_type: null,
    error_message: null,
    error_details: null,
    api_response_code: 200,
    api_response_time_ms: 300,
    pages_fetched: 1,
    is_recovered: null,
    recovered_at: null,
    recovery_event_id: null,
    correlation_id: null,
    cloud_run_revision: null,
    created_at: at(startedAt),
    ...over,
  };
}

export function workflowRow(
  workflow_name: string,
  executionTime: string,
  status: string,
  over: Row = {},
): Row {
  return {
    execution_id: id('wf'),
    workflow_name,
    execution_time: at(executionTime),
    status,
    duration_seconds: 12,
    scrapers_requested: 1,
    scrapers_succeeded: status === 'failed' ? 0 : 1,
    scrapers_failed: status === 'failed' ? 1 : 0,
    error_message: status === 'failed' ? 'scraper failed: HTTP 429' : null,
    ...over,
  };
}

/** An entity breaker that tripped at `lastAttempt` for `hours`. */
export function reprocessRow(
  processor_name: string,
  entity_id: string,
  analysis_date: string,
  lastAttempt: string,
  hours: number,
  over: Row = {},
): Row {
  const last = at(lastAttempt);
  return {
    processor_name,
    entity_id,
    analysis_date,
    attempt_count: 5,
    completeness_pct: 52.4,
    skip_reason: 'incomplete_upstream',
    circuit_breaker_tripped: true,
    circuit_breaker_until: new Date(last.getTime() + hours * 3_600_000),
    first_attempt_at: new Date(last.getTime() - 4 * 3_600_000),
    last_attempt_at: last,
    notes: null,
    ...over,
  };
}

export function proxyBreakerRow(
  proxy_provider: string,
  target_host: string,
  circuit_state: string,
  updatedAt: string,
  over: Row = {},
): Row {
  const open = circuit_state !== 'CLOSED';
  return {
    proxy_provider,
    target_host,
    circuit_state,
    failure_count: open ? 3 : 0,
    last_failure_at: open ? at(updatedAt) : null,
    last_success_at: null,
    opened_at: open ? at(updatedAt) : null,
    updated_at: at(updatedAt),
    notes: null,
    ...over,
  };
}

export function proxyHealthRow(
  proxy_provider: string,
  target_host: string,
  metricHour: string,
  over: Row = {},
): Row {
  return {
    metric_hour: at(metricHour),
    proxy_provider,
    target_host,
    requests: 100,
    successes: 98,
    failures: 2,
    avg_response_ms: 420,
    ...over,
  };
}

export interface OpsWarehouse {
  /** Run a check's real query against the fixture rows and evaluate them. */
  run<R>(check: Check<R>, ctx: CheckContext): Promise<{ rows: R[]; findings: Finding[] }>;
  /** Add more rows (e.g. simulated stretches) after opening. */
  insert(tables: TableRows): Promise<void>;
  close(): Promise<void>;
}

export async function opsWarehouse(tables: TableRows): Promise<OpsWarehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-ops-checks-'));
  const warehouse = await openDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  await warehouse.insertRows(tables);
  return {
    async run(check, ctx) {
      const rows = await warehouse.query(check.query, check.params(ctx));
      return { rows, findings: check.evaluate(rows, ctx) };
    },
    insert: (more) => warehouse.insertRows(more),
    async close() {
      await warehouse.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
