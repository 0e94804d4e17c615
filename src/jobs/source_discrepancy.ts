import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import { addDays, hours } from './time.js';

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
});
