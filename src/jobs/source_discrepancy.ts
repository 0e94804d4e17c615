import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import { count, counted, date, listFact, numFact, type Presentation, strFact } from './presentation.js';
import { addDays, dayLabel, hours } from './time.js';

const NAME = 'source_discrepancy';
/** The balldontlie box score scraper the retry queue knows (item ids like `bdl_box_scores_2026-01-19`). */
export const BDL_SCRAPER = 'bdl_box_scores';

const row = z.object({
  game_date: z.string(),
  game_id: z.string(),
  home_team: z.string(),
  away_team: z.string(),
  tip_at: z.date(),
  bdl_home: z.boolean(),
  bdl_away: z.boolean(),
  /** Distinct BDL game ids on the date, whatever their teams (the count the pipeline team compares). */
  bdl_games: z.number().int(),
});
export type SourceDiscrepancyRow = z.infer<typeof row>;

/**
 * One finding per date on which BDL lacks a final game NBA.com's gamebook has (33 games missed in 30 days,
 * docs/pipeline.md#bdl-missing-games). A game is judged only `discrepancyGraceHours` after tip-off, once both
 * sources have had their post-game run; before that a missing BDL game is an expected gap.
 */
export function evaluateSourceDiscrepancy(
  rows: readonly SourceDiscrepancyRow[],
  ctx: CheckContext,
): Finding[] {
  const graceMs = hours(ctx.thresholds.discrepancyGraceHours);
  const byDate = new Map<string, SourceDiscrepancyRow[]>();
  for (const r of rows) byDate.set(r.game_date, [...(byDate.get(r.game_date) ?? []), r]);
  const findings: Finding[] = [];
  for (const [date, games] of [...byDate.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const missing = games.filter(
      (g) => !(g.bdl_home && g.bdl_away) && ctx.now.getTime() >= g.tip_at.getTime() + graceMs,
    );
    if (missing.length === 0) continue;
    const nbac = games.length;
    const bdl = games[0]?.bdl_games ?? 0;
    findings.push({
      check: NAME,
      key: findingKey(NAME, BDL_SCRAPER, date),
      severity: 'error',
      title: `BDL box scores missing ${missing.length} of ${nbac} games on ${date}`,
      subject: { scraper: BDL_SCRAPER, date },
      facts: {
        date,
        nbac_games: nbac,
        bdl_games: bdl,
        missing_games: missing.length,
        missing_game_ids: missing.map((g) => g.game_id).sort(),
        missing_matchups: missing.map((g) => `${g.away_team}@${g.home_team}`),
        partial_games: missing.filter((g) => g.bdl_home || g.bdl_away).length,
      },
      actions: [{ kind: 'retry', scraper: BDL_SCRAPER, date }],
    });
  }
  return findings;
}

/** BDL's games against NBA.com's for the date; a recovered retry's count of BDL games is the final one. */
const presentation: Presentation = {
  summary: (f) => {
    const nbac = numFact(f, 'nbac_games');
    const have = (nbac ?? 0) - (numFact(f, 'missing_games') ?? 0);
    const missing = listFact(f, 'missing_matchups') ?? [];
    const day = dayLabel(strFact(f, 'date') ?? '?');
    return `BDL has box scores for ${have} of ${counted(nbac, 'game')} NBA.com lists on ${day}${missing.length ? `; missing ${missing.join(', ')}` : ''}.`;
  },
  fields: (f) => {
    const nbac = numFact(f, 'nbac_games');
    const missing = numFact(f, 'missing_games');
    return [
      count('BDL has', nbac === undefined ? undefined : nbac - (missing ?? 0), nbac, 'games'),
      count('Missing', missing, undefined, 'games'),
      { label: 'Missing games', value: { kind: 'list', items: listFact(f, 'missing_matchups') ?? [] } },
      date('Game date', strFact(f, 'date')),
      count('Partly in BDL', numFact(f, 'partial_games'), undefined, 'games'),
    ];
  },
  recovered: (f, { received, expected }) => {
    if (received === null) return f;
    const nbac = expected ?? numFact(f, 'nbac_games') ?? received;
    const missing = Math.max(0, nbac - received);
    const whole = missing === 0;
    return {
      ...f,
      facts: {
        ...f.facts,
        nbac_games: nbac,
        bdl_games: received,
        missing_games: missing,
        ...(whole && { missing_game_ids: [], missing_matchups: [], partial_games: 0 }),
      },
    };
  },
};

export const sourceDiscrepancyCheck = defineCheck({
  name: NAME,
  description: "Dates on which balldontlie lacks final games NBA.com's gamebook has",
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: addDays(ctx.date, -ctx.thresholds.discrepancyLookbackDays),
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
  }),
  evaluate: evaluateSourceDiscrepancy,
  presentation,
});
