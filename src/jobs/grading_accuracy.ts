import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey, type Severity } from './finding.js';
import { amount, numFact, type Presentation, percent, strFact, text } from './presentation.js';
import { round, wilsonInterval } from './stats.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'grading_accuracy';

const row = z.object({
  game_date: z.string(),
  system_id: z.string(),
  graded: z.number().int(),
  correct: z.number().int(),
});
export type GradingAccuracyRow = z.infer<typeof row>;

/** Grading lands the morning after: yesterday is the date the 11:00 run mostly judges. */
const LOOKBACK_DAYS = 1;

// Percentages compared at a 1e-9 grain so 45.0 − 55.0 is exactly −10 and sits on the boundary, not past it.
const pct = (correct: number, graded: number) => Math.round((correct / graded) * 100 * 1e9) / 1e9;

interface Verdict {
  readonly severity: Severity;
  readonly reasons: string[];
}

function judge(accuracy: number, delta: number | null, t: CheckContext['thresholds']): Verdict | null {
  const reasons: string[] = [];
  // "5-10 points below → warning": the degradation margin itself is included (5.0 below warns), the
  // regression margin is not (10.0 below is still a warning; an error takes more than that).
  if (delta !== null && delta < -t.gradingRegressionPts) reasons.push('regression');
  else if (delta !== null && delta <= -t.gradingDegradedPts) reasons.push('degraded');
  if (accuracy < t.gradingFloorPct) reasons.push('below floor');
  if (reasons.length === 0) return null;
  const error = reasons.includes('regression') || reasons.includes('below floor');
  return { severity: error ? 'error' : 'warning', reasons };
}

/**
 * Per system and graded date: that day's OVER/UNDER hit rate against the system's own pooled rate over the
 * preceding baseline days (docs/pipeline.md#thresholds). Fewer graded picks than the minimum is variance, not
 * news: no finding. A baseline thinner than the minimum (a new system) is not compared against; the floor
 * still applies.
 */
export function evaluateGradingAccuracy(rows: readonly GradingAccuracyRow[], ctx: CheckContext): Finding[] {
  const t = ctx.thresholds;
  const firstTarget = addDays(ctx.date, -LOOKBACK_DAYS);
  const judged = rows
    .filter((r) => r.game_date >= firstTarget && r.game_date <= ctx.date && r.graded >= t.gradingMinSample)
    .map((r) => {
      const from = addDays(r.game_date, -t.gradingBaselineDays);
      const base = rows.filter(
        (b) => b.system_id === r.system_id && b.game_date >= from && b.game_date < r.game_date,
      );
      const baseGraded = base.reduce((s, b) => s + b.graded, 0);
      const baseCorrect = base.reduce((s, b) => s + b.correct, 0);
      const accuracy = pct(r.correct, r.graded);
      const baseline = baseGraded >= t.gradingMinSample ? pct(baseCorrect, baseGraded) : null;
      const delta = baseline === null ? null : Math.round((accuracy - baseline) * 1e9) / 1e9;
      return { r, accuracy, baseline, baseGraded, delta, verdict: judge(accuracy, delta, t) };
    });
  const alerting = judged.filter((j) => j.verdict !== null);
  return alerting.map(({ r, accuracy, baseline, baseGraded, delta, verdict }) => {
    const ci = wilsonInterval(r.correct, r.graded);
    const sameDate = alerting.filter((j) => j.r.game_date === r.game_date).length;
    const systemsOnDate = judged.filter((j) => j.r.game_date === r.game_date).length;
    const versus =
      baseline === null
        ? `no ${t.gradingBaselineDays}-day baseline`
        : `${round(Math.abs(delta ?? 0))} pts ${(delta ?? 0) < 0 ? 'below' : 'above'} its ${t.gradingBaselineDays}-day ${round(baseline)}%`;
    return {
      check: NAME,
      key: findingKey(NAME, r.system_id, r.game_date),
      severity: verdict?.severity ?? 'warning',
      title: `${r.system_id} hit ${round(accuracy)}% (${r.correct}/${r.graded}) on ${r.game_date}, ${versus}`,
      subject: { system: r.system_id, date: r.game_date },
      facts: {
        system: r.system_id,
        date: r.game_date,
        verdict: verdict?.reasons.join(', ') ?? '',
        accuracy_pct: round(accuracy),
        correct: r.correct,
        graded: r.graded,
        ci95_low_pct: round(ci.low * 100),
        ci95_high_pct: round(ci.high * 100),
        baseline_pct: baseline === null ? null : round(baseline),
        baseline_graded: baseGraded,
        baseline_days: t.gradingBaselineDays,
        delta_pts: delta === null ? null : round(delta),
        sample: `${r.graded} graded picks (minimum ${t.gradingMinSample})`,
        baseline_sample:
          baseline === null
            ? `small: ${baseGraded} graded picks, not compared`
            : `${baseGraded} graded picks`,
        // All systems down together points at data or grading; one system alone at that model.
        systems_alerting_on_date: `${sameDate} of ${systemsOnDate}`,
      },
      actions: [],
    };
  });
}

/** The day's hit rate with its counts, against the system's own baseline and the floor. */
const presentation: Presentation = {
  summary: (f) => {
    const delta = numFact(f, 'delta_pts');
    const baseline = numFact(f, 'baseline_pct');
    const days = numFact(f, 'baseline_days');
    const versus =
      baseline === undefined || delta === undefined
        ? `with no ${days}-day baseline to compare against`
        : `${Math.abs(delta)} points ${delta < 0 ? 'below' : 'above'} its ${days}-day average of ${baseline} %`;
    return `${strFact(f, 'system')} hit ${numFact(f, 'accuracy_pct')} % of ${numFact(f, 'graded')} graded picks on ${dayLabel(strFact(f, 'date') ?? '?')}, ${versus} (${strFact(f, 'verdict')}).`;
  },
  fields: (f) => [
    percent('Hit rate', numFact(f, 'accuracy_pct'), numFact(f, 'correct'), numFact(f, 'graded')),
    percent(
      `${numFact(f, 'baseline_days')}-day baseline`,
      numFact(f, 'baseline_pct'),
      undefined,
      numFact(f, 'baseline_graded'),
    ),
    amount('Change', numFact(f, 'delta_pts'), 'pts'),
    text('95 % interval', `${numFact(f, 'ci95_low_pct')}–${numFact(f, 'ci95_high_pct')} %`),
    text('Systems alerting that day', strFact(f, 'systems_alerting_on_date')),
  ],
};

export const gradingAccuracyCheck = defineCheck({
  name: NAME,
  // Baseline length and floor are thresholds (gradingBaselineDays, 14 days; gradingFloorPct, 30 %).
  description: "Each system's graded hit rate for the date against its own recent average and a floor",
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    baseline_start: addDays(ctx.date, -(LOOKBACK_DAYS + ctx.thresholds.gradingBaselineDays)),
    report_date: ctx.date,
    now: ctx.now,
  }),
  evaluate: evaluateGradingAccuracy,
  presentation,
});
