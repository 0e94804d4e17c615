// RecoveryVerifier on the Warehouse port: judge a retry by what landed in BigQuery (DuckDB embedded), never by
// the service's own answer. Box scores and gamebooks count final games against the NBA.com schedule; other
// scrapers look at their latest finished run; processors at their latest run's records against a share of
// the records they expected.
import { z } from 'zod';
import { defineQuery, type QueryOptions, type Warehouse } from '../warehouse/port.js';
import type { RecoveryKind, RecoveryVerifier, Verification } from './ports.js';

const gamesRow = z.object({ received: z.number(), expected: z.number() });
export const BDL_GAMES = defineQuery('recovery/verify_bdl_games.sql', gamesRow);
export const GAMEBOOK_GAMES = defineQuery('recovery/verify_gamebook_games.sql', gamesRow);
export const SCRAPER_RUN = defineQuery(
  'recovery/verify_scraper_run.sql',
  z.object({ status: z.string(), records_scraped: z.number().nullable() }),
);
export const PROCESSOR_RUN = defineQuery(
  'recovery/verify_processor_run.sql',
  z.object({
    status: z.string(),
    records_processed: z.number().nullable(),
    records_expected: z.number().nullable(),
  }),
);

export interface WarehouseVerifierOptions {
  /** Share of a processor run's expected records that counts as recovered; default 0.5 (the pipeline's). */
  readonly processorMinShare?: (processor: string) => number;
  readonly timeoutMs?: number;
}

/** Which query judges a scraper (pure): BDL box scores and NBA.com gamebooks by games, others by their runs. */
export function scraperCheckOf(scraper: string): 'bdl_games' | 'gamebook_games' | 'scraper_run' {
  if (/^bdl_(player_)?box_?scores$/.test(scraper)) return 'bdl_games';
  if (/^nbac_gamebook/.test(scraper)) return 'gamebook_games';
  return 'scraper_run';
}

export function createWarehouseVerifier(
  warehouse: Pick<Warehouse, 'query'>,
  options: WarehouseVerifierOptions = {},
): RecoveryVerifier {
  const minShare = options.processorMinShare ?? (() => 0.5);
  // Verification follows a retry or a backfill: its BigQuery jobs are labelled as an action's.
  const q: QueryOptions = {
    surface: 'action',
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  };
  return {
    async verify(kind: RecoveryKind, name: string, date: string): Promise<Verification> {
      if (kind === 'processor') {
        const [run] = await warehouse.query(PROCESSOR_RUN, { processor_name: name, data_date: date }, q);
        if (!run) return { received: 0, expected: null, unit: 'records' };
        const ran = run.status === 'success' || run.status === 'partial';
        return {
          received: ran ? (run.records_processed ?? 0) : 0,
          expected: run.records_expected === null ? null : Math.ceil(run.records_expected * minShare(name)),
          unit: 'records',
        };
      }
      const check = scraperCheckOf(name);
      if (check !== 'scraper_run') {
        const [row] = await warehouse.query(
          check === 'bdl_games' ? BDL_GAMES : GAMEBOOK_GAMES,
          { game_date: date },
          q,
        );
        return { received: row?.received ?? 0, expected: row?.expected ?? null, unit: 'games' };
      }
      const [run] = await warehouse.query(SCRAPER_RUN, { scraper_name: name, target_date: date }, q);
      return {
        received: run?.status === 'success' ? (run.records_scraped ?? 0) : 0,
        expected: null,
        unit: 'records',
      };
    },
  };
}
