import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey } from './finding.js';
import { PHASE3_CRITICAL } from './phase3.js';
import { amount, date, numFact, type Presentation, strFact, text, time } from './presentation.js';
import { round } from './stats.js';
import { dayLabel, inHours } from './time.js';

const NAME = 'phase3_data_stale';

const row = z.object({
  processor_name: z.string(),
  first_prediction_at: z.date(),
  /** The processor's newest success for the date itself completed before the first prediction; null: none. */
  output_at: z.date().nullable(),
});
export type Phase3DataStaleRow = z.infer<typeof row>;

/**
 * The phase 3 incident plan's rule (docs/pipeline.md#thresholds): when a date's predictions run, the critical
 * phase 3 output they read for that date must be at most `phase3StaleHours` (2 h) old; older is an error. It
 * judges only predictions made after every critical processor had produced the date's own output: predictions
 * made from an earlier date's context are data_freshness's (12 h / 24 h), and a processor that has not run is
 * phase3_completion's, so one stale prediction run raises one of them, never two.
 */
export function evaluatePhase3DataStale(rows: readonly Phase3DataStaleRow[], ctx: CheckContext): Finding[] {
  const first = rows[0]?.first_prediction_at;
  if (!first || rows.some((r) => r.output_at === null)) return [];
  const limit = ctx.thresholds.phase3StaleHours;
  const age = (r: Phase3DataStaleRow) => inHours(first.getTime() - (r.output_at ?? first).getTime());
  const stale = rows.filter((r) => age(r) > limit);
  if (stale.length === 0) return [];
  const worst = Math.max(...stale.map(age));
  const facts: Finding['facts'] = {
    date: ctx.date,
    first_prediction_at: first.toISOString(),
    output_age_hours: round(worst),
    stale_hours: limit,
  };
  for (const r of rows) facts[`${r.processor_name}_output_at`] = r.output_at?.toISOString() ?? null;
  return [
    {
      check: NAME,
      key: findingKey(NAME, ctx.date),
      severity: 'error',
      title: `Predictions for ${ctx.date} read phase 3 output ${round(worst)} h old (${stale.map((r) => r.processor_name).join(', ')}), over the ${limit} h allowed`,
      subject: { date: ctx.date },
      facts,
      // Fresh context first; the next prediction run then reads it.
      actions: stale.map((r) => ({ kind: 'retry' as const, processor: r.processor_name, date: ctx.date })),
    },
  ];
}

const OUTPUT_AT = /_output_at$/;

/** How old the date's own phase 3 output was when the predictions ran, against the 2 h limit. */
const presentation: Presentation = {
  summary: (f) =>
    `${dayLabel(strFact(f, 'date') ?? '?')}'s predictions ran on phase 3 output ${numFact(f, 'output_age_hours')} h old, more than the ${numFact(f, 'stale_hours')} h the incident plan allows.`,
  fields: (f) => [
    time('First prediction', strFact(f, 'first_prediction_at')),
    amount('Output age', numFact(f, 'output_age_hours'), 'h'),
    date('Game date', strFact(f, 'date')),
    ...Object.entries(f.facts)
      .filter(([name]) => OUTPUT_AT.test(name))
      .slice(0, 2)
      .map(([name, value]) =>
        typeof value === 'string'
          ? time(`${name.replace(OUTPUT_AT, '')} output`, value)
          : text(`${name.replace(OUTPUT_AT, '')} output`, 'none'),
      ),
  ],
};

export const phase3DataStaleCheck = defineCheck({
  name: NAME,
  description:
    "Predictions made on the date's own phase 3 output more than 2 h old (the incident plan's rule)",
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx: CheckContext) => ({
    report_date: ctx.date,
    now: ctx.now,
    critical_processors: [...PHASE3_CRITICAL],
  }),
  evaluate: evaluatePhase3DataStale,
  presentation,
});
