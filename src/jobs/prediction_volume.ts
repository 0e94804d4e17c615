import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { dueOn, EXHIBITION_SEASON_TYPES, PREDICTIONS_DUE_ET } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import { count, counted, date, numFact, type Presentation, strFact, text } from './presentation.js';
import { dayLabel } from './time.js';

const NAME = 'prediction_volume';

const row = z.object({
  games: z.number().int(),
  /** Distinct active (system, player, prop): duplicates do not count twice. */
  predictions: z.number().int(),
  active_rows: z.number().int(),
  systems: z.number().int(),
  players: z.number().int(),
});
export type PredictionVolumeRow = z.infer<typeof row>;

/**
 * No games that date, or before predictions are due that morning (PREDICTIONS_DUE_ET): nothing is owed
 * yet. None at all: critical. Under the minimum (200 by default, 280+
 * expected: docs/pipeline.md#predictions-and-grading): error.
 */
export function evaluatePredictionVolume(rows: readonly PredictionVolumeRow[], ctx: CheckContext): Finding[] {
  const r = rows[0];
  if (!r || r.games === 0 || !dueOn(ctx.date, PREDICTIONS_DUE_ET, ctx.now)) return [];
  const { predictionVolumeMin: min, predictionVolumeExpected: expected } = ctx.thresholds;
  if (r.predictions >= min) return [];
  const none = r.predictions === 0;
  return [
    {
      check: NAME,
      key: findingKey(NAME, ctx.date),
      severity: none ? 'critical' : 'error',
      title: none
        ? `No active predictions for ${ctx.date} (${r.games} games)`
        : `Only ${r.predictions} active predictions for ${ctx.date} (${r.games} games, expected ${expected}+)`,
      subject: { date: ctx.date },
      facts: {
        date: ctx.date,
        games: r.games,
        predictions: r.predictions,
        minimum: min,
        expected,
        active_rows: r.active_rows,
        systems: r.systems,
        players: r.players,
      },
      actions: [],
    },
  ];
}

const presentation: Presentation = {
  summary: (f) => {
    const day = dayLabel(strFact(f, 'date') ?? '?');
    const games = counted(numFact(f, 'games'), 'game');
    const n = numFact(f, 'predictions');
    return n === 0
      ? `No active predictions exist for ${day}'s ${games}; they are due every game morning.`
      : `Only ${counted(n, 'active prediction')} exist for ${day}'s ${games}: at least ${numFact(f, 'minimum')} are needed, ${numFact(f, 'expected')}+ is usual.`;
  },
  fields: (f) => [
    count('Active predictions', numFact(f, 'predictions'), undefined, 'predictions'),
    text('Minimum', `${numFact(f, 'minimum')} (usually ${numFact(f, 'expected')}+)`),
    count('Games', numFact(f, 'games'), undefined, 'games'),
    count('Systems', numFact(f, 'systems'), undefined, 'systems'),
    date('Game date', strFact(f, 'date')),
  ],
};

export const predictionVolumeCheck = defineCheck({
  name: NAME,
  description: 'Active predictions for a date with games: none is critical, under the minimum an error',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
  }),
  evaluate: evaluatePredictionVolume,
  presentation,
});
