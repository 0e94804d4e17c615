import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { boxscoresDueThrough, EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import {
  count,
  counted,
  list,
  listFact,
  numFact,
  type Presentation,
  percent,
  strFact,
  text,
} from './presentation.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'boxscore_completeness';
/** The scraper that fills nba_raw.bdl_player_boxscores (the one the pipeline's own backfill runs). */
export const BOXSCORE_SCRAPER = 'bdl_player_box_scores';

const row = z.object({
  team: z.string(),
  game_date: z.string(),
  game_id: z.string(),
  has_boxscore: z.boolean(),
});
export type BoxscoreCompletenessRow = z.infer<typeof row>;

/**
 * One finding per team whose final games in the window have box scores under the minimum share
 * (BOXSCORE_COVERAGE_MIN, 70 % by default: under it completeness checks fail and breakers trip,
 * docs/pipeline.md#missing-team-box-scores); critical when the team also has none for the latest final date,
 * since that is the game its next predictions are built on. A single missing game above the minimum is
 * source_discrepancy's (one error per date with a retry), not one alert per team. Games whose box scores
 * are not owed yet never appear (the query returns final games up to the night after's 06:00, see
 * BOXSCORES_DUE_NEXT_DAY_ET), and a date without games has no rows.
 */
export function evaluateBoxscoreCompleteness(
  rows: readonly BoxscoreCompletenessRow[],
  ctx: CheckContext,
): Finding[] {
  if (rows.length === 0) return [];
  const dates = rows.map((r) => r.game_date).sort();
  const latest = dates[dates.length - 1] as string;
  const min = ctx.thresholds.boxscoreCoverageMin;
  const byTeam = new Map<string, BoxscoreCompletenessRow[]>();
  for (const r of rows) byTeam.set(r.team, [...(byTeam.get(r.team) ?? []), r]);
  const findings: Finding[] = [];
  for (const [team, games] of [...byTeam.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const missing = games.filter((g) => !g.has_boxscore);
    const coverage = (games.length - missing.length) / games.length;
    const latestMissing = missing.some((g) => g.game_date === latest);
    if (coverage >= min) continue;
    const missingDates = [...new Set(missing.map((g) => g.game_date))].sort();
    const pct = Math.round(coverage * 1000) / 10;
    const minPct = Math.round(min * 1000) / 10;
    findings.push({
      check: NAME,
      key: findingKey(NAME, team),
      severity: latestMissing ? 'critical' : 'error',
      title: latestMissing
        ? `${team} has no box score for ${latest} (${pct}% of ${games.length} final games covered)`
        : `${team} box scores cover ${pct}% of ${games.length} final games (minimum ${minPct}%)`,
      subject: { team },
      facts: {
        team,
        final_games: games.length,
        with_boxscores: games.length - missing.length,
        without_boxscores: missing.length,
        coverage_pct: pct,
        minimum_pct: minPct,
        missing_dates: missingDates,
        missing_game_ids: missing.map((g) => g.game_id),
        latest_final_date: latest,
        latest_missing: latestMissing,
      },
      actions:
        missingDates.length > 0
          ? [
              {
                kind: 'backfill',
                scraper: BOXSCORE_SCRAPER,
                from: missingDates[0] as string,
                until: missingDates[missingDates.length - 1] as string,
              },
            ]
          : [],
    });
  }
  return findings;
}

/** One team's coverage, or a group of teams missing the same night (src/alerts/fan-out.ts's facts). */
const presentation: Presentation = {
  summary: (f) => {
    const min = numFact(f, 'minimum_pct');
    const latest = dayLabel(strFact(f, 'latest_final_date') ?? '?');
    const teams = listFact(f, 'teams');
    if (teams) {
      const newest = dayLabel((listFact(f, 'missing_dates') ?? []).at(-1) ?? '?');
      return f.facts.latest_missing === true
        ? `${counted(teams.length, 'team')} have no box score for ${latest}, the night their next predictions are built on: ${teams.join(', ')}.`
        : `${counted(teams.length, 'team')} are under ${min} % box-score coverage, each last missing ${newest}: ${teams.join(', ')}.`;
    }
    const team = strFact(f, 'team') ?? '?';
    const covered = `${numFact(f, 'with_boxscores')} of ${counted(numFact(f, 'final_games'), 'final game')}`;
    return f.facts.latest_missing === true
      ? `${team} has no box score for ${latest}, and box scores for only ${covered} in the window (minimum ${min} %).`
      : `${team} has box scores for only ${covered} in the window (${numFact(f, 'coverage_pct')} %, minimum ${min} %).`;
  },
  fields: (f) => {
    const teams = listFact(f, 'teams');
    const missingDates = list('Missing dates', listFact(f, 'missing_dates')?.map(dayLabel));
    if (teams) {
      return [
        list('Teams', teams),
        list('Coverage', listFact(f, 'coverage')),
        missingDates,
        count('Missing games', listFact(f, 'missing_game_ids')?.length, undefined, 'games'),
        percent('Minimum', numFact(f, 'minimum_pct')),
      ];
    }
    return [
      percent(
        'Coverage',
        numFact(f, 'coverage_pct'),
        numFact(f, 'with_boxscores'),
        numFact(f, 'final_games'),
      ),
      percent('Minimum', numFact(f, 'minimum_pct')),
      missingDates,
      count('Missing games', numFact(f, 'without_boxscores'), undefined, 'games'),
      text(
        'Latest night',
        `${dayLabel(strFact(f, 'latest_final_date') ?? '?')}: ${f.facts.latest_missing === true ? 'missing' : 'covered'}`,
      ),
    ];
  },
};

export const boxscoreCompletenessCheck = defineCheck({
  name: NAME,
  description:
    "Teams missing box scores for too many final games in the window (critical if last night's is missing)",
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: addDays(ctx.date, -ctx.thresholds.boxscoreWindowDays),
    report_date: ctx.date,
    due_through: boxscoresDueThrough(ctx.now),
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
  }),
  evaluate: evaluateBoxscoreCompleteness,
  presentation,
});
