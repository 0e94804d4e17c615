import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import { TABLES } from '../../src/sim/context.js';
import { simulate } from '../../src/sim/generate.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { createSimulatedServices } from '../../src/sim/scraper-service.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { defineQuery, type RowSink, type TableRows } from '../../src/warehouse/port.js';
import { type Row, rowsOf } from './helpers.js';

const scenario = loadScenario();

/** A RowSink that keeps what it was given. */
function recordingSink(): RowSink & { batches: TableRows[]; all(table: string): Row[] } {
  const batches: TableRows[] = [];
  return {
    batches,
    async insertRows(tables) {
      batches.push(tables);
    },
    all: (table) => batches.flatMap((b) => rowsOf(b, table)),
  };
}

const verifyBdl = defineQuery(
  'recovery/verify_bdl_games.sql',
  z.object({ received: z.number().int(), expected: z.number().int() }),
);
const verifyProcessor = defineQuery(
  'recovery/verify_processor_run.sql',
  z.object({
    status: z.string(),
    records_processed: z.number().int().nullable(),
    records_expected: z.number().int().nullable(),
  }),
);

describe('simulated services through the warehouse (DuckDB)', () => {
  let dir: string;
  let wh: DuckDbWarehouse;
  const loadedAt = new Date('2026-01-20T14:00:00Z'); // 09:00 ET the morning after the demo date
  const clock = new ManualClock(loadedAt);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-sim-'));
    wh = await openDuckDbWarehouse({ path: join(dir, 'sim.duckdb') });
    await wh.insertRows(simulate({ from: '2026-01-17', until: '2026-01-19', scenario, now: loadedAt }));
  });
  afterAll(async () => {
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('BDL 2026-01-19: 4 of 9, then 6 of 9 on the 1st retry, 9 of 9 on the 2nd', async () => {
    const services = createSimulatedServices({ sink: wh, scenario, clock, loadedAsOf: loadedAt });
    const verify = async () => (await wh.query(verifyBdl, { game_date: '2026-01-19' }))[0];
    expect(await verify()).toEqual({ received: 4, expected: 9 });
    clock.advance(4 * 3_600_000);
    const first = await services.scrape({ scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } });
    expect(first).toMatchObject({ status: 'partial', message: 'BDL returned 6 games but NBAC has 9' });
    expect(await verify()).toEqual({ received: 6, expected: 9 });
    clock.advance(12 * 3_600_000);
    const second = await services.scrape({ scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } });
    expect(second).toMatchObject({ status: 'success', records: 9 });
    expect(await verify()).toEqual({ received: 9, expected: 9 });
    // A third call adds no duplicate rows.
    await services.scrape({ scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } });
    expect(await verify()).toEqual({ received: 9, expected: 9 });
  });

  it('BDL 2026-01-17 never recovers', async () => {
    const services = createSimulatedServices({ sink: wh, scenario, clock, loadedAsOf: loadedAt });
    for (let i = 0; i < 3; i++) {
      const answer = await services.scrape({
        scraper_name: 'bdl_box_scores',
        params: { date: '2026-01-17' },
      });
      expect(answer.status).toBe('partial');
    }
    expect((await wh.query(verifyBdl, { game_date: '2026-01-17' }))[0]).toEqual({ received: 7, expected: 9 });
  });

  it('phase 3 for 2026-01-18 fails on attempt 1 and succeeds on attempt 2', async () => {
    const services = createSimulatedServices({ sink: wh, scenario, clock, loadedAsOf: loadedAt });
    const call = { processor_name: 'upcoming_player_game_context', game_date: '2026-01-18' };
    const latest = async () =>
      (
        await wh.query(verifyProcessor, { processor_name: call.processor_name, data_date: call.game_date })
      )[0];
    expect((await latest())?.status).toBe('failed');
    expect((await services.runProcessor({ ...call, attempt: 1 })).status).toBe('failed');
    clock.advance(60_000);
    const ok = await services.runProcessor({ ...call, attempt: 2 });
    expect(ok.status).toBe('success');
    expect(await latest()).toEqual({ status: 'success', records_processed: 180, records_expected: 180 });
  });
});

describe('simulated services (recorded rows)', () => {
  it('bp_player_props on a blocked date fails, then recovers on the retry the scenario names', async () => {
    const sink = recordingSink();
    const clock = new ManualClock('2026-01-19T17:00:00Z');
    const services = createSimulatedServices({ sink, scenario, clock });
    const a = await services.scrape({ scraper_name: 'bp_player_props', params: { date: '2026-01-16' } });
    // recovers_on_retry: 1 in the default scenario: the first call through the service works (fallback proxy).
    expect(a.status).toBe('success');
    const events = sink.all(TABLES.scrapeEvents);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      scraper_name: 'bp_player_props',
      target_date: '2026-01-16',
      status: 'success',
    });
    expect(sink.all(TABLES.scraperRuns)[0]).toMatchObject({ status: 'success' });
  });

  it('a range backfill writes the missing teams back, once per date', async () => {
    const sink = recordingSink();
    const clock = new ManualClock('2026-01-19T17:00:00Z');
    const services = createSimulatedServices({ sink, scenario, clock });
    const answer = await services.scrape({
      scraper_name: 'bdl_player_box_scores',
      params: { startDate: '2026-01-16', endDate: '2026-01-18' },
    });
    expect(answer.dates.map((d) => d.date)).toEqual(['2026-01-16', '2026-01-17', '2026-01-18']);
    const teams = new Set(sink.all(TABLES.bdl).map((r) => r.team_abbr));
    expect(teams.has('WAS')).toBe(true);
    expect(teams.has('LAC')).toBe(true);
    const before = sink.all(TABLES.bdl).length;
    await services.scrape({
      scraper_name: 'bdl_player_box_scores',
      params: { startDate: '2026-01-16', endDate: '2026-01-16' },
    });
    expect(sink.all(TABLES.bdl).length).toBe(before);
  });

  it('says no_data for games not final yet and for off-days, and rejects unknown scrapers', async () => {
    const sink = recordingSink();
    const services = createSimulatedServices({
      sink,
      scenario,
      clock: new ManualClock('2026-01-19T17:00:00Z'),
    });
    expect(
      (await services.scrape({ scraper_name: 'nbac_gamebook', params: { date: '2026-01-19' } })).status,
    ).toBe('no_data');
    expect(
      (await services.scrape({ scraper_name: 'nbac_gamebook', params: { date: '2025-12-24' } })).status,
    ).toBe('no_data');
    expect(sink.all(TABLES.gamebook)).toEqual([]);
    await expect(services.scrape({ scraper_name: 'nope', params: { date: '2026-01-19' } })).rejects.toThrow(
      /unknown scraper/,
    );
  });
});

describe('simulated services over HTTP', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const services = createSimulatedServices({
      sink: recordingSink(),
      scenario,
      clock: new ManualClock('2026-01-20T14:00:00Z'),
      token: 's3cret',
    });
    server = createServer((req, res) => void services.handleHttp(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const post = (path: string, body: unknown, token = 's3cret') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('answers POST /scrape and /run-processor like the production service', async () => {
    const scrape = await post('/scrape', { scraper_name: 'bdl_box_scores', params: { date: '2026-01-19' } });
    expect(scrape.status).toBe(200);
    expect(await scrape.json()).toMatchObject({ status: 'partial', records: 6 });
    const run = await post('/sim/run-processor', {
      processor_name: 'upcoming_team_game_context',
      game_date: '2026-01-18',
      attempt: 2,
    });
    expect(await run.json()).toMatchObject({ status: 'success', records_processed: 12 });
  });

  it('refuses a bad token, a bad body and an unknown route', async () => {
    expect(
      (await post('/scrape', { scraper_name: 'bdl_games', params: { date: '2026-01-19' } }, 'nope')).status,
    ).toBe(401);
    const bad = await post('/scrape', { scraper_name: 'bdl_games', params: { date: '2026-13-01' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/date/);
    expect((await post('/scrape', '{not json')).status).toBe(400);
    expect((await post('/elsewhere', {})).status).toBe(404);
  });
});
