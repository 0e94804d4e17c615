import { describe, expect, it } from 'vitest';
import { createWarehouseVerifier, scraperCheckOf } from '../../src/recovery/warehouse-verifier.js';
import type { Params, QueryDef, Warehouse } from '../../src/warehouse/port.js';
import { loadSqlFile } from '../../src/warehouse/sql-files.js';

/** A warehouse answering canned rows per file, checking each call's params against the file's header. */
function cannedWarehouse(rows: Record<string, unknown[]>) {
  const calls: { file: string; params: Params }[] = [];
  const warehouse: Pick<Warehouse, 'query'> = {
    async query<Row>(def: QueryDef<Row>, params: Params): Promise<Row[]> {
      calls.push({ file: def.file, params });
      expect(Object.keys(params).sort()).toEqual(Object.keys(loadSqlFile(def.file).params).sort());
      return (rows[def.file] ?? []).map((r) => def.row.parse(r));
    },
  };
  return { warehouse, calls };
}

describe('warehouse RecoveryVerifier', () => {
  it('routes box scores and gamebooks to game counts, other scrapers to their runs', () => {
    expect(scraperCheckOf('bdl_box_scores')).toBe('bdl_games');
    expect(scraperCheckOf('bdl_player_box_scores')).toBe('bdl_games');
    expect(scraperCheckOf('nbac_gamebook_pdf')).toBe('gamebook_games');
    expect(scraperCheckOf('bp_player_props')).toBe('scraper_run');
  });

  it('BDL games against NBA.com final games', async () => {
    const { warehouse, calls } = cannedWarehouse({
      'recovery/verify_bdl_games.sql': [{ received: 6, expected: 9 }],
    });
    const v = await createWarehouseVerifier(warehouse).verify('scraper', 'bdl_box_scores', '2026-01-19');
    expect(v).toEqual({ received: 6, expected: 9, unit: 'games' });
    expect(calls).toEqual([{ file: 'recovery/verify_bdl_games.sql', params: { game_date: '2026-01-19' } }]);
  });

  it('a processor recovers at its share of expected records (50 % by default); failed runs count 0', async () => {
    const { warehouse } = cannedWarehouse({
      'recovery/verify_processor_run.sql': [
        { status: 'success', records_processed: 250, records_expected: 481 },
      ],
    });
    expect(
      await createWarehouseVerifier(warehouse).verify(
        'processor',
        'upcoming_player_game_context',
        '2026-01-19',
      ),
    ).toEqual({
      received: 250,
      expected: 241,
      unit: 'records',
    });
    const strict = createWarehouseVerifier(warehouse, { processorMinShare: () => 1 });
    expect((await strict.verify('processor', 'x', '2026-01-19')).expected).toBe(481);
    const failed = cannedWarehouse({
      'recovery/verify_processor_run.sql': [
        { status: 'failed', records_processed: 12, records_expected: 481 },
      ],
    });
    expect(
      (await createWarehouseVerifier(failed.warehouse).verify('processor', 'x', '2026-01-19')).received,
    ).toBe(0);
  });

  it('other scrapers: a successful latest run with records; no run at all is 0', async () => {
    const { warehouse, calls } = cannedWarehouse({
      'recovery/verify_scraper_run.sql': [{ status: 'success', records_scraped: 1400 }],
    });
    expect(
      await createWarehouseVerifier(warehouse).verify('scraper', 'bp_player_props', '2026-01-19'),
    ).toEqual({
      received: 1400,
      expected: null,
      unit: 'records',
    });
    expect(calls[0]?.params).toEqual({ scraper_name: 'bp_player_props', target_date: '2026-01-19' });
    const none = cannedWarehouse({});
    expect(
      await createWarehouseVerifier(none.warehouse).verify('scraper', 'oddsa_events', '2026-01-19'),
    ).toEqual({
      received: 0,
      expected: null,
      unit: 'records',
    });
  });
});
