import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey, type Severity } from './finding.js';
import { PHASE3_CRITICAL } from './phase3.js';
import { amount, date, numFact, type Presentation, strFact, text, time } from './presentation.js';
import { round } from './stats.js';
import { addDays, dayLabel, inHours } from './time.js';

const NAME = 'data_freshness';

const row = z.object({
  processor_name: z.string(),
  first_prediction_at: z.date(),
  active_rows: z.number().int(),
  /** The data date and completion time of the processor's newest success before the first prediction. */
  last_data_date: z.string().nullable(),
  last_success_at: z.date().nullable(),
});
export type DataFreshnessRow = z.infer<typeof row>;

/** How far back a phase 3 success may come from; older than this reads as "none" (and is an error anyway). */
const PHASE3_LOOKBACK_DAYS = 3;

/**
 * Predictions read the critical phase 3 tables, so they are as fresh as the stalest of them: the gap from
 * that processor's last success to the first prediction (> 12 h a warning, > 24 h an error by default:
 * docs/pipeline.md#thresholds). This judges predictions made from an earlier date's context (the team's
 * stale-data query); once every critical processor had produced the date's own output before them,
 * phase3_data_stale judges its age instead (2 h), so one prediction run raises one of the two. No predictions
 * yet: no rows, nothing to say (prediction_volume covers missing predictions).
 */
export function evaluateDataFreshness(rows: readonly DataFreshnessRow[], ctx: CheckContext): Finding[] {
  const first = rows[0]?.first_prediction_at;
  if (!first || rows.every((r) => r.last_data_date === ctx.date)) return [];
  const { freshnessWarnHours: warnH, freshnessErrorHours: errorH } = ctx.thresholds;
  const ageHours = (r: DataFreshnessRow) =>
    r.last_success_at ? inHours(first.getTime() - r.last_success_at.getTime()) : Number.POSITIVE_INFINITY;
  const stale = rows.filter((r) => ageHours(r) > warnH);
  if (stale.length === 0) return [];
  const worst = Math.max(...stale.map(ageHours));
  const severity: Severity = worst > errorH ? 'error' : 'warning';
  const since = addDays(ctx.date, -PHASE3_LOOKBACK_DAYS);
  const gap = Number.isFinite(worst) ? `${round(worst)} h` : `more than ${PHASE3_LOOKBACK_DAYS} days`;
  const facts: Finding['facts'] = {
    date: ctx.date,
    first_prediction_at: first.toISOString(),
    hours_after_phase3: Number.isFinite(worst) ? round(worst) : null,
    warn_hours: warnH,
    error_hours: errorH,
  };
  for (const r of rows) {
    facts[`${r.processor_name}_last_success`] = r.last_success_at
      ? `${r.last_success_at.toISOString()} (data ${r.last_data_date})`
      : `none since ${since}`;
  }
  return [
    {
      check: NAME,
      key: findingKey(NAME, ctx.date),
      severity,
      title: `Predictions for ${ctx.date} were made ${gap} after the last phase 3 run (${stale.map((r) => r.processor_name).join(', ')})`,
      subject: { date: ctx.date },
      facts,
      // Re-running the stale processors refreshes the context the next prediction run reads.
      actions: stale.map((r) => ({ kind: 'retry' as const, processor: r.processor_name, date: ctx.date })),
    },
  ];
}

const LAST_SUCCESS = /_last_success$/;

/** The gap from the stalest critical phase 3 run to the first prediction; each processor's last success. */
const presentation: Presentation = {
  summary: (f) => {
    const h = numFact(f, 'hours_after_phase3');
    const gap = h === undefined ? `more than ${PHASE3_LOOKBACK_DAYS} days` : `${h} h`;
    return `${dayLabel(strFact(f, 'date') ?? '?')}'s predictions were made ${gap} after the last phase 3 run they read (a warning above ${numFact(f, 'warn_hours')} h, an error above ${numFact(f, 'error_hours')} h).`;
  },
  fields: (f) => [
    time('First prediction', strFact(f, 'first_prediction_at')),
    amount('After phase 3', numFact(f, 'hours_after_phase3'), 'h'),
    date('Game date', strFact(f, 'date')),
    ...Object.entries(f.facts)
      .filter(([name]) => LAST_SUCCESS.test(name))
      .slice(0, 2)
      .map(([name, value]) => {
        const label = `${name.replace(LAST_SUCCESS, '')} last success`;
        const at = typeof value === 'string' ? /^\S+(?= \(data )/.exec(value)?.[0] : undefined;
        return at ? time(label, at) : text(label, String(value));
      }),
  ],
};

export const dataFreshnessCheck = defineCheck({
  name: NAME,
  description: 'Predictions made long after the last phase 3 run they read (stale context)',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    report_date: ctx.date,
    phase3_since: addDays(ctx.date, -PHASE3_LOOKBACK_DAYS),
    now: ctx.now,
    critical_processors: [...PHASE3_CRITICAL],
  }),
  evaluate: evaluateDataFreshness,
  presentation,
});
