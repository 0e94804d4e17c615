import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey } from './finding.js';
import { count, counted, date, list, listFact, numFact, type Presentation, strFact } from './presentation.js';
import { dayLabel } from './time.js';

const NAME = 'prediction_duplicates';

const row = z.object({
  system_id: z.string(),
  player_lookup: z.string(),
  game_id: z.string(),
  prop_type: z.string(),
  /** NULL when the prediction had no line; copies share it (GROUP BY treats NULLs as equal). */
  line_value: z.number().nullable(),
  copies: z.number().int(),
});
export type PredictionDuplicatesRow = z.infer<typeof row>;

/** Enough examples to find the rows in BigQuery, few enough for one Slack message. */
const SAMPLE_KEYS = 5;

/**
 * One finding per date, whatever the number of keys (those go in facts, never the key). A warning: the
 * frontend deduplicates (docs/pipeline.md#duplicate-predictions), but copies bloat storage and double-count
 * in anything that sums rows.
 */
export function evaluatePredictionDuplicates(
  rows: readonly PredictionDuplicatesRow[],
  ctx: CheckContext,
): Finding[] {
  const dups = rows.filter((r) => r.copies > 1);
  if (dups.length === 0) return [];
  const sorted = [...dups].sort(
    (a, b) =>
      b.copies - a.copies ||
      a.system_id.localeCompare(b.system_id) ||
      a.player_lookup.localeCompare(b.player_lookup) ||
      a.game_id.localeCompare(b.game_id) ||
      a.prop_type.localeCompare(b.prop_type) ||
      String(a.line_value).localeCompare(String(b.line_value)),
  );
  const maxCopies = sorted[0]?.copies ?? 0;
  const systems = [...new Set(dups.map((r) => r.system_id))].sort();
  return [
    {
      check: NAME,
      key: findingKey(NAME, ctx.date),
      severity: 'warning',
      title: `${dups.length} prediction keys for ${ctx.date} have duplicate active rows (up to ${maxCopies} copies)`,
      subject: { date: ctx.date },
      facts: {
        date: ctx.date,
        duplicate_keys: dups.length,
        max_copies: maxCopies,
        extra_rows: dups.reduce((sum, r) => sum + r.copies - 1, 0),
        systems,
        sample: sorted
          .slice(0, SAMPLE_KEYS)
          .map(
            (r) =>
              `${r.system_id}/${r.player_lookup}/${r.game_id}/${r.prop_type}@${r.line_value ?? 'no line'} x${r.copies}`,
          ),
      },
      actions: [],
    },
  ];
}

const presentation: Presentation = {
  summary: (f) =>
    `${counted(numFact(f, 'duplicate_keys'), 'prediction key')} for ${dayLabel(strFact(f, 'date') ?? '?')} have more than one active row (up to ${numFact(f, 'max_copies')} copies): the frontend hides them, but anything that sums rows counts them twice.`,
  fields: (f) => [
    count('Duplicate keys', numFact(f, 'duplicate_keys'), undefined, 'keys'),
    count('Extra rows', numFact(f, 'extra_rows'), undefined, 'rows'),
    count('Most copies', numFact(f, 'max_copies'), undefined, 'copies'),
    list('Systems', listFact(f, 'systems')),
    date('Game date', strFact(f, 'date')),
  ],
};

export const predictionDuplicatesCheck = defineCheck({
  name: NAME,
  description: 'Prediction keys (system, player, game, prop, line) with more than one active row',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({ report_date: ctx.date, now: ctx.now }),
  evaluate: evaluatePredictionDuplicates,
  presentation,
});
