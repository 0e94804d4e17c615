// The project's own DML and recovery queries, run by the DuckDB adapter on fixture rows; the expected
// results are what BigQuery gives for the same SQL (IN UNNEST, ARRAY_LENGTH of an empty array, IF/CONCAT
// with NULL notes, QUALIFY, COUNTIF).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { defineQuery } from '../../src/warehouse/port.js';

const dir = mkdtempSync(join(tmpdir(), 'shotclock-duckdb-sql-'));
let w: DuckDbWarehouse;
beforeAll(async () => {
  w = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
});
afterAll(async () => {
  await w.close();
  rmSync(dir, { recursive: true, force: true });
});

const t = (iso: string) => new Date(iso);
const breaker = (entity_id: string, over: Record<string, unknown> = {}) => ({
  processor_name: 'player_game_summary',
  entity_id,
  analysis_date: '2026-01-10',
  attempt_count: 3,
  circuit_breaker_tripped: true,
  circuit_breaker_until: t('2026-01-11T00:00:00Z'),
  first_attempt_at: t('2026-01-10T00:00:00Z'),
  last_attempt_at: t('2026-01-10T06:00:00Z'),
  notes: null,
  ...over,
});

/** The reset's analysis-date bound, around the fixture rows' 2026-01-10. */
const WINDOW = { since: '2026-01-01', through: '2026-01-11' };

async function breakers() {
  const c = await w.connect();
  const rows = (
    await c.runAndReadAll(
      'SELECT entity_id, circuit_breaker_tripped AS tripped, circuit_breaker_until IS NULL AS cleared, notes FROM nba_orchestration.reprocess_attempts ORDER BY entity_id',
    )
  ).getRowObjectsJS();
  c.closeSync();
  return rows;
}

describe('sql/actions on DuckDB', () => {
  it('reset_entity_breakers: a list resets only those entities and appends the note', async () => {
    await w.insertRows({
      'nba_orchestration.reprocess_attempts': [
        breaker('a'),
        breaker('b', { notes: 'old' }),
        breaker('c'),
        breaker('d', { processor_name: 'other' }),
      ],
    });
    const note = 'reset by U1: backfilled';
    expect(
      await w.execute('actions/reset_entity_breakers.sql', {
        processor_name: 'player_game_summary',
        entity_ids: ['a', 'b'],
        note,
        ...WINDOW,
      }),
    ).toBe(2);
    expect(await breakers()).toEqual([
      { entity_id: 'a', tripped: false, cleared: true, notes: note },
      { entity_id: 'b', tripped: false, cleared: true, notes: `old | ${note}` },
      { entity_id: 'c', tripped: true, cleared: false, notes: null },
      { entity_id: 'd', tripped: true, cleared: false, notes: null },
    ]);
  });

  it('reset_entity_breakers: an empty list resets every tripped entity of the processor', async () => {
    expect(
      await w.execute('actions/reset_entity_breakers.sql', {
        processor_name: 'player_game_summary',
        entity_ids: [],
        note: 'all',
        ...WINDOW,
      }),
    ).toBe(1);
    expect((await breakers()).map((r) => r.tripped)).toEqual([false, false, false, true]);
  });

  it('reset_entity_breakers touches only rows whose analysis date is inside [since, through]', async () => {
    const processor_name = 'bounded_processor';
    const dated = (entity_id: string, analysis_date: string) =>
      breaker(entity_id, { processor_name, analysis_date });
    await w.insertRows({
      'nba_orchestration.reprocess_attempts': [
        dated('before', '2025-12-31'),
        dated('first', '2026-01-01'),
        dated('last', '2026-01-11'),
        dated('after', '2026-01-12'),
      ],
    });
    const reset = (entity_ids: string[]) =>
      w.execute('actions/reset_entity_breakers.sql', { processor_name, entity_ids, note: 'n', ...WINDOW });
    // Named outright, rows outside the bound are still left alone: a reset cannot clear old rows.
    expect(await reset(['before', 'after'])).toBe(0);
    expect(await reset([])).toBe(2);
    const c = await w.connect();
    const rows = (
      await c.runAndReadAll(
        `SELECT entity_id, circuit_breaker_tripped AS tripped, notes FROM nba_orchestration.reprocess_attempts
         WHERE processor_name = 'bounded_processor' ORDER BY analysis_date`,
      )
    ).getRowObjectsJS();
    c.closeSync();
    expect(rows).toEqual([
      { entity_id: 'before', tripped: true, notes: null },
      { entity_id: 'first', tripped: false, notes: 'n' },
      { entity_id: 'last', tripped: false, notes: 'n' },
      { entity_id: 'after', tripped: true, notes: null },
    ]);
  });

  it('reset_proxy_breaker moves only an OPEN breaker to HALF_OPEN', async () => {
    const row = (target_host: string, circuit_state: string) => ({
      proxy_provider: 'decodo',
      target_host,
      circuit_state,
      failure_count: 5,
      updated_at: t('2026-01-10T00:00:00Z'),
    });
    await w.insertRows({
      'nba_orchestration.proxy_circuit_breaker': [row('a.com', 'OPEN'), row('b.com', 'CLOSED')],
    });
    const now = t('2026-01-12T15:00:00Z');
    const args = { proxy_provider: 'decodo', note: 'n', now };
    expect(await w.execute('actions/reset_proxy_breaker.sql', { ...args, target_host: 'a.com' })).toBe(1);
    expect(await w.execute('actions/reset_proxy_breaker.sql', { ...args, target_host: 'b.com' })).toBe(0);
  });
});

describe('sql/recovery on DuckDB', () => {
  it('verify_scraper_run picks the latest finished run (QUALIFY)', async () => {
    const run = (run_id: string, completed_at: Date | null, status: string, records_scraped: number) => ({
      run_id,
      scraper_name: 'bp_props',
      target_date: '2026-01-10',
      started_at: t('2026-01-10T10:00:00Z'),
      completed_at,
      status,
      records_scraped,
    });
    await w.insertRows({
      'nba_orchestration.phase1_scraper_runs': [
        run('r1', t('2026-01-10T10:05:00Z'), 'failed', 0),
        run('r2', t('2026-01-10T14:05:00Z'), 'success', 250),
        run('r3', null, 'running', 0),
      ],
    });
    const q = defineQuery(
      'recovery/verify_scraper_run.sql',
      z.object({ status: z.string(), records_scraped: z.number().nullable() }),
    );
    expect(await w.query(q, { scraper_name: 'bp_props', target_date: '2026-01-10' })).toEqual([
      { status: 'success', records_scraped: 250 },
    ]);
  });

  it('verify_gamebook_games counts final games with gamebook rows (COUNTIF over a LEFT JOIN)', async () => {
    const game = (game_id: string, game_status: number) => ({
      game_id,
      game_date: '2026-01-10',
      season_year: 2025,
      season_type: 'Regular Season',
      game_start_time: t('2026-01-11T00:00:00Z'),
      game_status,
      home_team_tricode: 'LAL',
      away_team_tricode: 'BOS',
      updated_at: t('2026-01-11T05:00:00Z'),
    });
    const stat = (game_id: string) => ({
      game_id,
      game_date: '2026-01-10',
      team_abbr: 'LAL',
      player_lookup: 'p',
      player_name: 'P',
      player_status: 'active',
      processed_at: t('2026-01-11T06:00:00Z'),
    });
    await w.insertRows({
      'nba_raw.nbac_schedule': [game('g1', 3), game('g2', 3), game('g3', 1)],
      'nba_raw.nbac_gamebook_player_stats': [stat('g1'), stat('g1'), stat('g3')],
    });
    const q = defineQuery(
      'recovery/verify_gamebook_games.sql',
      z.object({ received: z.number(), expected: z.number() }),
    );
    expect(await w.query(q, { game_date: '2026-01-10' })).toEqual([{ received: 1, expected: 2 }]);
  });
});
