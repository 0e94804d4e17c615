import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey, type Severity } from './finding.js';
import {
  amount,
  date,
  list,
  listFact,
  numFact,
  type Presentation,
  percent,
  strFact,
  text,
} from './presentation.js';
import { round, wilsonInterval } from './stats.js';
import { addDays, dayLabel } from './time.js';

const NAME = 'grading_accuracy';

const row = z.object({
  game_date: z.string(),
  system_id: z.string(),
  graded: z.number().int(),
  correct: z.number().int(),
  /** Picks with an absolute error (|predicted − actual|) and those errors' sum: the mean absolute error. */
  scored: z.number().int(),
  absolute_error_sum: z.number().nullable(),
});
export type GradingAccuracyRow = z.infer<typeof row>;

/** Grading lands the morning after: yesterday is the date the 11:00 run mostly judges. */
const LOOKBACK_DAYS = 1;

/**
 * Systems that must all drop on one date before the drop reads as shared (data, grading) rather than as each
 * model's: with a single system judged, "every system" is that model alone.
 */
const SHARED_DROP_MIN_SYSTEMS = 2;

// Percentages compared at a 1e-9 grain so 45.0 − 55.0 is exactly −10 and sits on the boundary, not past it.
const pct = (correct: number, graded: number) => Math.round((correct / graded) * 100 * 1e9) / 1e9;
const meanAbsError = (sum: number, n: number) => (n > 0 ? sum / n : null);

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

/** One system on one graded date, against its own baseline. */
interface Judged {
  readonly r: GradingAccuracyRow;
  readonly accuracy: number;
  readonly baseline: number | null;
  readonly baseGraded: number;
  readonly delta: number | null;
  readonly mae: number | null;
  readonly baselineMae: number | null;
  readonly verdict: Verdict | null;
}

function judgeAll(rows: readonly GradingAccuracyRow[], ctx: CheckContext): Judged[] {
  const t = ctx.thresholds;
  const firstTarget = addDays(ctx.date, -LOOKBACK_DAYS);
  return rows
    .filter((r) => r.game_date >= firstTarget && r.game_date <= ctx.date && r.graded >= t.gradingMinSample)
    .map((r) => {
      const from = addDays(r.game_date, -t.gradingBaselineDays);
      const base = rows.filter(
        (b) => b.system_id === r.system_id && b.game_date >= from && b.game_date < r.game_date,
      );
      const sum = (f: (b: GradingAccuracyRow) => number) => base.reduce((s, b) => s + f(b), 0);
      const baseGraded = sum((b) => b.graded);
      const accuracy = pct(r.correct, r.graded);
      const baseline =
        baseGraded >= t.gradingMinSample
          ? pct(
              sum((b) => b.correct),
              baseGraded,
            )
          : null;
      const delta = baseline === null ? null : Math.round((accuracy - baseline) * 1e9) / 1e9;
      return {
        r,
        accuracy,
        baseline,
        baseGraded,
        delta,
        mae: meanAbsError(r.absolute_error_sum ?? 0, r.scored),
        baselineMae:
          baseline === null
            ? null
            : meanAbsError(
                sum((b) => b.absolute_error_sum ?? 0),
                sum((b) => b.scored),
              ),
        verdict: judge(accuracy, delta, t),
      };
    });
}

const maeChange = (j: Judged) => (j.mae === null || j.baselineMae === null ? null : j.mae - j.baselineMae);
const signed = (n: number) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(round(n, 2))}`;

/**
 * Per system and graded date: that day's OVER/UNDER hit rate against the system's own pooled rate over the
 * preceding baseline days (docs/pipeline.md#thresholds), with the same picks' mean absolute error beside it.
 * Fewer graded picks than the minimum is variance, not news: no finding. A baseline thinner than the minimum
 * (a new system) is not compared against; the floor still applies. When every judged system drops on the
 * same date the cause is something they share (the data they read, the grading), not each model
 * (docs/pipeline.md#stale-phase-3-and-grading-collapse): one finding for the date lists them all; a system
 * dropping alone keeps its own "model regression" finding.
 */
export function evaluateGradingAccuracy(rows: readonly GradingAccuracyRow[], ctx: CheckContext): Finding[] {
  const judged = judgeAll(rows, ctx);
  const dates = [...new Set(judged.map((j) => j.r.game_date))].sort();
  return dates.flatMap((date) => {
    const onDate = judged.filter((j) => j.r.game_date === date);
    const alerting = onDate.filter((j) => j.verdict !== null);
    if (alerting.length === 0) return [];
    if (alerting.length === onDate.length && onDate.length >= SHARED_DROP_MIN_SYSTEMS)
      return [sharedDropFinding(date, alerting, ctx.thresholds)];
    return alerting.map((j) => systemFinding(j, `${alerting.length} of ${onDate.length}`, ctx.thresholds));
  });
}

function versusText(j: Judged, t: CheckContext['thresholds']): string {
  return j.baseline === null
    ? `no ${t.gradingBaselineDays}-day baseline`
    : `${round(Math.abs(j.delta ?? 0))} pts ${(j.delta ?? 0) < 0 ? 'below' : 'above'} its ${t.gradingBaselineDays}-day ${round(j.baseline)}%`;
}

function systemFinding(j: Judged, alertingOnDate: string, t: CheckContext['thresholds']): Finding {
  const { r, accuracy, baseline, baseGraded, delta, verdict } = j;
  const ci = wilsonInterval(r.correct, r.graded);
  const change = maeChange(j);
  const regression = verdict?.reasons.includes('regression') ? ': model regression' : '';
  return {
    check: NAME,
    key: findingKey(NAME, r.system_id, r.game_date),
    severity: verdict?.severity ?? 'warning',
    title: `${r.system_id} hit ${round(accuracy)}% (${r.correct}/${r.graded}) on ${r.game_date}, ${versusText(j, t)}${regression}`,
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
      mean_abs_error: j.mae === null ? null : round(j.mae, 2),
      baseline_mean_abs_error: j.baselineMae === null ? null : round(j.baselineMae, 2),
      mean_abs_error_change: change === null ? null : round(change, 2),
      sample: `${r.graded} graded picks (minimum ${t.gradingMinSample})`,
      baseline_sample:
        baseline === null ? `small: ${baseGraded} graded picks, not compared` : `${baseGraded} graded picks`,
      // All systems down together is one shared finding instead; here fewer than all of them are.
      systems_alerting_on_date: alertingOnDate,
    },
    actions: [],
  };
}

/** "18.8% (9/48), 36.3 pts below its 14-day 55%; mean abs. error 6.1 (+1.9)" */
function systemLine(j: Judged, t: CheckContext['thresholds']): string {
  const change = maeChange(j);
  const mae =
    j.mae === null
      ? ''
      : `; mean abs. error ${round(j.mae, 2)}${change === null ? '' : ` (${signed(change)})`}`;
  return `${round(j.accuracy)}% (${j.r.correct}/${j.r.graded}), ${versusText(j, t)}${mae}`;
}

function sharedDropFinding(date: string, members: readonly Judged[], t: CheckContext['thresholds']): Finding {
  const systems = members.map((j) => j.r.system_id).sort();
  const deltas = members.flatMap((j) => (j.delta === null ? [] : [j.delta]));
  const changes = members.flatMap((j) => {
    const c = maeChange(j);
    return c === null ? [] : [c];
  });
  const facts: Finding['facts'] = {
    date,
    systems,
    systems_alerting_on_date: `${members.length} of ${members.length}`,
    lowest_accuracy_pct: round(Math.min(...members.map((j) => j.accuracy))),
    highest_accuracy_pct: round(Math.max(...members.map((j) => j.accuracy))),
    largest_drop_pts: deltas.length ? round(Math.min(...deltas)) : null,
    mean_abs_error_change_max: changes.length ? round(Math.max(...changes), 2) : null,
    baseline_days: t.gradingBaselineDays,
  };
  for (const j of [...members].sort((a, b) => a.r.system_id.localeCompare(b.r.system_id)))
    facts[j.r.system_id] = systemLine(j, t);
  return {
    check: NAME,
    // A group key (`<check>:group:<cause>`), as fan-out groups are keyed: the date is the shared cause.
    key: findingKey(NAME, 'group', 'all-systems', date),
    severity: members.some((j) => j.verdict?.severity === 'error') ? 'error' : 'warning',
    title: `All ${members.length} systems dropped on ${date}: look at the data and grading, not the models`,
    subject: { date },
    facts,
    actions: [],
  };
}

/** The day's hit rate with its counts, against the system's own baseline and the floor. */
const systemPresentation: Presentation = {
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
  fields: (f) => {
    const mae = numFact(f, 'mean_abs_error');
    const change = numFact(f, 'mean_abs_error_change');
    return [
      percent('Hit rate', numFact(f, 'accuracy_pct'), numFact(f, 'correct'), numFact(f, 'graded')),
      percent(
        `${numFact(f, 'baseline_days')}-day baseline`,
        numFact(f, 'baseline_pct'),
        undefined,
        numFact(f, 'baseline_graded'),
      ),
      amount('Change', numFact(f, 'delta_pts'), 'pts'),
      text(
        'Mean absolute error',
        mae === undefined ? undefined : `${mae}${change === undefined ? '' : ` (${signed(change)})`}`,
      ),
      text('Systems alerting that day', strFact(f, 'systems_alerting_on_date')),
    ];
  },
};

/** Every system down on one date: the range of their hit rates and drops, pointing at what they share. */
const sharedPresentation: Presentation = {
  summary: (f) =>
    `All ${listFact(f, 'systems')?.length} systems dropped together on ${dayLabel(strFact(f, 'date') ?? '?')} (hit rates ${numFact(f, 'lowest_accuracy_pct')}–${numFact(f, 'highest_accuracy_pct')} %): look at the data they read and the grading, not at each model.`,
  fields: (f) => [
    list('Systems', listFact(f, 'systems')),
    text('Hit rates', `${numFact(f, 'lowest_accuracy_pct')}–${numFact(f, 'highest_accuracy_pct')} %`),
    amount('Largest drop', numFact(f, 'largest_drop_pts'), 'pts'),
    amount('Largest mean abs. error rise', numFact(f, 'mean_abs_error_change_max'), ''),
    date('Game date', strFact(f, 'date')),
  ],
};

const presentation: Presentation = {
  summary: (f) => (listFact(f, 'systems') ? sharedPresentation : systemPresentation).summary(f),
  fields: (f) => (listFact(f, 'systems') ? sharedPresentation : systemPresentation).fields(f),
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
