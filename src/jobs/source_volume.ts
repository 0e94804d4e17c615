import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { boxscoresDueThrough, EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Action, type Finding, findingKey, type Subject } from './finding.js';
import { percentile } from './freshness-model.js';
import { PHASE3_CRITICAL, PHASE3_OPTIONAL } from './phase3.js';
import { amount, count, date, numFact, type Presentation, percent, strFact } from './presentation.js';
import { round } from './stats.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'source_volume';

const row = z.object({
  source_kind: z.enum(['processor', 'scraper', 'table']),
  source: z.string(),
  game_date: z.string(),
  games: z.number().int(),
  final_games: z.number().int(),
  records: z.number().int().nullable(),
  /** What the records are counted per: scheduled games, or for box-score tables the games with rows. */
  per_games: z.number().int(),
  completed_at: z.date().nullable(),
});
export type SourceVolumeRow = z.infer<typeof row>;

/** Scrapers whose records grow with the slate: the props (docs/pipeline.md#learned-volume). */
export const PER_GAME_SCRAPERS = ['bp_player_props', 'odds_api_lines'] as const;
/** Which scraper a box-score table is loaded from (a retry re-scrapes it). */
const TABLE_SCRAPER: Readonly<Record<string, string>> = {
  'nba_raw.bdl_player_boxscores': 'bdl_player_box_scores',
  'nba_raw.nbac_gamebook_player_stats': 'nbac_gamebook',
};
/** Judged: the report date and the day before (whose post-game data lands the morning after). */
const JUDGED_DAYS = 2;

export interface LearnedRate {
  /** Median records per game over the training dates. */
  readonly perGame: number;
  readonly samples: number;
}

/** Median records per game of a source over its other dates (pure). Undefined: too few to learn from. */
export function learnRate(
  rows: readonly SourceVolumeRow[],
  except: string,
  minSamples: number,
): LearnedRate | undefined {
  const rates = rows
    .filter((r) => r.game_date !== except && r.per_games > 0 && (r.records ?? 0) > 0)
    .map((r) => (r.records ?? 0) / r.per_games)
    .sort((a, b) => a - b);
  if (rates.length < minSamples) return undefined;
  return { perGame: percentile(rates, 0.5), samples: rates.length };
}

const subjectOf = (r: SourceVolumeRow): Subject =>
  r.source_kind === 'processor'
    ? { processor: r.source, date: r.game_date }
    : r.source_kind === 'scraper'
      ? { scraper: r.source, date: r.game_date }
      : { table: r.source, date: r.game_date };

function retryOf(r: SourceVolumeRow): Action[] {
  if (r.source_kind === 'processor') return [{ kind: 'retry', processor: r.source, date: r.game_date }];
  const scraper = r.source_kind === 'scraper' ? r.source : TABLE_SCRAPER[r.source];
  return scraper ? [{ kind: 'retry', scraper, date: r.game_date }] : [];
}

/** A box-score table's date is judged once its box scores are owed (06:00 ET the next day); a run once it ran. */
const judgeable = (r: SourceVolumeRow, ctx: CheckContext) =>
  r.game_date >= addDays(ctx.date, -(JUDGED_DAYS - 1)) &&
  (r.source_kind !== 'table' || r.game_date <= boxscoresDueThrough(ctx.now));

/**
 * Records against the source's learned records per game times the date's games, so a 3-game night is
 * measured against 3 games. A successful run (or an owed date's box scores) with none is an error; with
 * under `volumeMinShare` (50 %, the pipeline's phase 3 retry rule) of the expectation, a warning; both offer
 * a retry. A source with fewer than `volumeMinSamples` dates of history is not judged yet.
 */
export function evaluateSourceVolume(rows: readonly SourceVolumeRow[], ctx: CheckContext): Finding[] {
  const bySource = new Map<string, SourceVolumeRow[]>();
  for (const r of rows) {
    const id = `${r.source_kind}\u0000${r.source}`;
    bySource.set(id, [...(bySource.get(id) ?? []), r]);
  }
  const { volumeMinShare: minShare, volumeMinSamples: minSamples } = ctx.thresholds;
  const findings: Finding[] = [];
  for (const history of bySource.values()) {
    for (const r of history) {
      if (!judgeable(r, ctx) || r.per_games === 0) continue;
      const learned = learnRate(history, r.game_date, minSamples);
      if (!learned) continue;
      const records = r.records ?? 0;
      const expected = learned.perGame * r.per_games;
      if (records >= expected * minShare) continue;
      const none = records === 0;
      const what = r.source_kind === 'table' ? `${r.source} rows` : `${r.source} run`;
      findings.push({
        check: NAME,
        key: findingKey(NAME, r.source_kind, r.source, r.game_date),
        severity: none ? 'error' : 'warning',
        title: `${what} for ${r.game_date}: ${records} records, expected about ${Math.round(expected)} for ${r.per_games} games`,
        subject: subjectOf(r),
        facts: {
          source: r.source,
          kind: r.source_kind,
          date: r.game_date,
          records,
          expected_records: Math.round(expected),
          share_pct: round((records / expected) * 100, 1),
          games: r.per_games,
          learned_per_game: round(learned.perGame, 1),
          samples: learned.samples,
          training_days: ctx.thresholds.learningDays,
          completed_at: r.completed_at?.toISOString() ?? null,
        },
        actions: retryOf(r),
      });
    }
  }
  return findings;
}

const presentation: Presentation = {
  summary: (f) => {
    const source = strFact(f, 'source');
    const day = dayLabel(strFact(f, 'date') ?? '?');
    const what = strFact(f, 'kind') === 'table' ? `${source} holds` : `${source}'s successful run brought`;
    return `${what} ${numFact(f, 'records')} records for ${day}: ${numFact(f, 'share_pct')} % of the ${numFact(f, 'expected_records')} expected for ${numFact(f, 'games')} games (${numFact(f, 'learned_per_game')} a game over the last ${numFact(f, 'training_days')} days).`;
  },
  fields: (f) => [
    date('Game date', strFact(f, 'date')),
    count('Records', numFact(f, 'records'), numFact(f, 'expected_records'), 'records'),
    percent('Share of expected', numFact(f, 'share_pct')),
    amount('Learned per game', numFact(f, 'learned_per_game'), 'records'),
    count('Games', numFact(f, 'games'), undefined, 'games'),
  ],
  recovered: (f, { received }) => {
    const expected = numFact(f, 'expected_records');
    if (received === null || !expected) return f;
    return {
      ...f,
      facts: { ...f.facts, records: received, share_pct: round((received / expected) * 100, 1) },
    };
  },
};

export const sourceVolumeCheck = defineCheck({
  name: NAME,
  description: 'Runs and box scores with under half the records per game their history leads to expect',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: addDays(ctx.date, -ctx.thresholds.learningDays),
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
    phase3_processors: [...PHASE3_CRITICAL, ...PHASE3_OPTIONAL],
    per_game_scrapers: [...PER_GAME_SCRAPERS],
  }),
  evaluate: evaluateSourceVolume,
  presentation,
});
