import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { EXHIBITION_SEASON_TYPES, postGameDue } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import { count, date, list, listFact, numFact, type Presentation, percent, strFact } from './presentation.js';
import { round } from './stats.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'grading_coverage';

/** The phase 5 processor that writes nba_predictions.prediction_accuracy (processors are named after their output). */
export const GRADING_PROCESSOR = 'prediction_accuracy';

const row = z.object({
  game_date: z.string(),
  games: z.number().int(),
  final_games: z.number().int(),
  last_tip_at: z.date(),
  /** NULL on a date with games but no active predictions. */
  system_id: z.string().nullable(),
  predictions: z.number().int(),
  graded: z.number().int(),
});
export type GradingCoverageRow = z.infer<typeof row>;

/** Yesterday's slate is the one graded overnight; today's is checked too for late-night runs. */
const LOOKBACK_DAYS = 1;

/**
 * Graded share of a date's distinct active predictions for the games that were played, once grading is
 * due (the post-game grace after the last tip-off passed; a postponed game neither holds it back nor
 * counts). Under the minimum is an error: fewer grades than predictions means lost grading
 * writes and a regrade (docs/pipeline.md#predictions-and-grading). Not due yet, no games or no predictions:
 * quiet.
 */
export function evaluateGradingCoverage(rows: readonly GradingCoverageRow[], ctx: CheckContext): Finding[] {
  const byDate = new Map<string, GradingCoverageRow[]>();
  for (const r of rows) byDate.set(r.game_date, [...(byDate.get(r.game_date) ?? []), r]);
  const min = ctx.thresholds.gradingCoverageMin;
  const findings: Finding[] = [];
  for (const [date, dateRows] of byDate) {
    const first = dateRows[0];
    if (!first || !postGameDue(first, ctx.now, ctx.thresholds.postGameDueHours)) continue;
    const systems = dateRows.filter((r) => r.system_id !== null && r.predictions > 0);
    const predictions = systems.reduce((s, r) => s + r.predictions, 0);
    const graded = systems.reduce((s, r) => s + r.graded, 0);
    if (predictions === 0 || graded >= min * predictions) continue;
    const share = graded / predictions;
    findings.push({
      check: NAME,
      key: findingKey(NAME, date),
      severity: 'error',
      title: `Only ${round(share * 100)}% of ${date}'s predictions are graded (${graded}/${predictions})`,
      subject: { date, processor: GRADING_PROCESSOR },
      facts: {
        date,
        games: first.games,
        predictions,
        graded,
        coverage_pct: round(share * 100),
        minimum_pct: round(min * 100),
        systems_under_minimum: systems
          .filter((r) => r.graded < min * r.predictions)
          .map((r) => `${r.system_id}: ${r.graded}/${r.predictions}`),
      },
      actions: [{ kind: 'retry', processor: GRADING_PROCESSOR, date }],
    });
  }
  return findings;
}

const presentation: Presentation = {
  summary: (f) =>
    `Only ${numFact(f, 'coverage_pct')} % of ${dayLabel(strFact(f, 'date') ?? '?')}'s ${numFact(f, 'predictions')} active predictions are graded (minimum ${numFact(f, 'minimum_pct')} %): grading writes were lost, and a regrade restores them.`,
  fields: (f) => [
    percent('Graded', numFact(f, 'coverage_pct'), numFact(f, 'graded'), numFact(f, 'predictions')),
    percent('Minimum', numFact(f, 'minimum_pct')),
    list('Systems under the minimum', listFact(f, 'systems_under_minimum')),
    count('Games', numFact(f, 'games'), undefined, 'games'),
    date('Game date', strFact(f, 'date')),
  ],
};

export const gradingCoverageCheck = defineCheck({
  name: NAME,
  description: 'Graded share of active predictions for dates whose games are final',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: addDays(ctx.date, -LOOKBACK_DAYS),
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
  }),
  evaluate: evaluateGradingCoverage,
  presentation,
});
