import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateGradingAccuracy,
  type GradingAccuracyRow,
  gradingAccuracyCheck,
} from '../../src/jobs/grading_accuracy.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, gradedRow, players } from './pipeline-fixture.js';

// The 11:00 grading run the morning after the 2026-01-18 slate.
const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T16:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};

const day = (offset: number) => {
  const d = new Date(Date.UTC(2026, 0, 18 + offset));
  return d.toISOString().slice(0, 10);
};
/** A system's graded picks on a date; every pick misses by `error` (the mean absolute error), 3 by default. */
const r = (
  game_date: string,
  system_id: string,
  correct: number,
  graded: number,
  error = 3,
): GradingAccuracyRow => ({
  game_date,
  system_id,
  graded,
  correct,
  scored: graded,
  absolute_error_sum: graded * error,
});

/** 14 baseline days before 2026-01-18 at exactly 55 % (33/60), plus rows that must not count. */
function history(system: string, correct = 33, graded = 60): GradingAccuracyRow[] {
  const rows = Array.from({ length: 14 }, (_, i) => r(day(-14 + i), system, correct, graded));
  rows.push(r(day(-15), system, 0, 500)); // 15 days back: outside the baseline
  return rows;
}

const findingsFor = (target: GradingAccuracyRow, extra: GradingAccuracyRow[] = []) =>
  evaluateGradingAccuracy([...history(target.system_id), ...extra, target], ctx);

describe('grading_accuracy evaluate', () => {
  it('one system alone at 9/48 vs 55 % is its own model regression: an error naming regression and the floor', () => {
    const others = ['ensemble_v1', 'xgboost_v1', 'moving_average'].flatMap((s) => [
      ...history(s),
      r('2026-01-18', s, 28, 50),
    ]);
    const findings = evaluateGradingAccuracy(
      [...history('catboost_v8'), ...others, r('2026-01-18', 'catboost_v8', 9, 48)],
      ctx,
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      key: 'grading_accuracy:catboost_v8:2026-01-18',
      severity: 'error',
      subject: { system: 'catboost_v8', date: '2026-01-18' },
      facts: {
        verdict: 'regression, below floor',
        accuracy_pct: 18.8,
        correct: 9,
        graded: 48,
        baseline_pct: 55,
        baseline_graded: 14 * 60,
        delta_pts: -36.3,
        systems_alerting_on_date: '1 of 4',
      },
    });
    expect(f?.title).toBe(
      'catboost_v8 hit 18.8% (9/48) on 2026-01-18, 36.3 pts below its 14-day 55%: model regression',
    );
    expect(f?.facts).toMatchObject({
      mean_abs_error: 3,
      baseline_mean_abs_error: 3,
      mean_abs_error_change: 0,
    });
    const low = f?.facts.ci95_low_pct as number;
    const high = f?.facts.ci95_high_pct as number;
    expect(low).toBeGreaterThan(5);
    expect(low).toBeLessThan(18.75);
    expect(high).toBeGreaterThan(18.75);
    expect(high).toBeLessThan(55);
  });

  it('every system dropping on the same date is ONE finding pointing at the data and grading, each system in its facts', () => {
    const systems = ['catboost_v8', 'ensemble_v1', 'xgboost_v1', 'moving_average'];
    const rows = systems.flatMap((s, i) => [...history(s), r('2026-01-18', s, 9 + i, 48, 5)]);
    const findings = evaluateGradingAccuracy(rows, ctx);
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f).toMatchObject({
      key: 'grading_accuracy:group:all-systems:2026-01-18',
      severity: 'error',
      title: 'All 4 systems dropped on 2026-01-18: look at the data and grading, not the models',
      subject: { date: '2026-01-18' },
      facts: {
        date: '2026-01-18',
        systems: ['catboost_v8', 'ensemble_v1', 'moving_average', 'xgboost_v1'],
        systems_alerting_on_date: '4 of 4',
        lowest_accuracy_pct: 18.8,
        highest_accuracy_pct: 25,
        largest_drop_pts: -36.3,
        mean_abs_error_change_max: 2,
      },
    });
    expect(f?.subject.system).toBeUndefined();
    expect(f?.facts.catboost_v8).toBe('18.8% (9/48), 36.3 pts below its 14-day 55%; mean abs. error 5 (+2)');
    expect(f?.facts.xgboost_v1).toBe('22.9% (11/48), 32.1 pts below its 14-day 55%; mean abs. error 5 (+2)');
    // The same date with other numbers keeps the one key.
    const milder = systems.flatMap((s) => [...history(s), r('2026-01-18', s, 23, 48)]); // 47.9 %: degraded
    expect(evaluateGradingAccuracy(milder, ctx).map((x) => [x.key, x.severity])).toEqual([
      ['grading_accuracy:group:all-systems:2026-01-18', 'warning'],
    ]);
  });

  it('all but one system dropping is one finding per dropping system; a lone system is never a shared drop', () => {
    const rows = [
      ...['a', 'b', 'c'].flatMap((s) => [...history(s), r('2026-01-18', s, 9, 48)]),
      ...history('steady'),
      r('2026-01-18', 'steady', 27, 48),
    ];
    const findings = evaluateGradingAccuracy(rows, ctx);
    expect(findings.map((f) => [f.key, f.facts.systems_alerting_on_date])).toEqual([
      ['grading_accuracy:a:2026-01-18', '3 of 4'],
      ['grading_accuracy:b:2026-01-18', '3 of 4'],
      ['grading_accuracy:c:2026-01-18', '3 of 4'],
    ]);
    const alone = evaluateGradingAccuracy([...history('solo'), r('2026-01-18', 'solo', 9, 48)], ctx);
    expect(alone.map((f) => f.key)).toEqual(['grading_accuracy:solo:2026-01-18']);
  });

  it('puts the mean absolute error change beside the hit rate, and none without errors recorded', () => {
    const worse = findingsFor(r('2026-01-18', 'catboost_v8', 9, 48, 4.5))[0];
    expect(worse?.facts).toMatchObject({
      mean_abs_error: 4.5,
      baseline_mean_abs_error: 3,
      mean_abs_error_change: 1.5,
    });
    const none = evaluateGradingAccuracy(
      [
        ...history('catboost_v8'),
        { ...r('2026-01-18', 'catboost_v8', 9, 48), scored: 0, absolute_error_sum: null },
      ],
      ctx,
    )[0];
    expect(none?.facts).toMatchObject({ mean_abs_error: null, mean_abs_error_change: null });
  });

  it('draws the regression and degradation lines exactly at -10 and -5 points', () => {
    const sev = (correct: number) =>
      findingsFor(r('2026-01-18', 'catboost_v8', correct, 60)).map((f) => f.severity);
    expect(sev(31)).toEqual([]); // 51.7 %: 3.3 below, normal
    expect(sev(30)).toEqual(['warning']); // 50 %: -5 exactly, degraded
    expect(sev(29)).toEqual(['warning']); // 48.3 %: degraded
    expect(sev(27)).toEqual(['warning']); // 45 %: -10 exactly, still degraded
    expect(sev(26)).toEqual(['error']); // 43.3 %: regression
    expect(findingsFor(r('2026-01-18', 'catboost_v8', 29, 60))[0]?.facts.verdict).toBe('degraded');
  });

  it('exactly 5.0 points below warns and exactly 10.0 below still only warns (own 80 % baseline)', () => {
    // 14 days at 80 % (40/50), then 75 % (30/40 = 5.0 below) and 70 % (28/40 = 10.0 below) on two systems.
    const steady = (system: string) => Array.from({ length: 14 }, (_, i) => r(day(-14 + i), system, 40, 50));
    const findings = evaluateGradingAccuracy(
      [
        ...steady('sharp_a'),
        ...steady('sharp_b'),
        ...steady('sharp_c'),
        r('2026-01-18', 'sharp_a', 30, 40),
        r('2026-01-18', 'sharp_b', 28, 40),
        r('2026-01-18', 'sharp_c', 31, 40), // 77.5 %: 2.5 below
      ],
      ctx,
    );
    expect(findings.map((f) => [f.subject.system, f.severity, f.facts.delta_pts, f.facts.verdict])).toEqual([
      ['sharp_a', 'warning', -5, 'degraded'],
      ['sharp_b', 'warning', -10, 'degraded'],
    ]);
  });

  it('below 30 % is an error even when the system is usually that weak', () => {
    const weak = (correct: number) =>
      evaluateGradingAccuracy(
        [...history('coinflip', 20, 60), r('2026-01-18', 'coinflip', correct, 60)],
        ctx,
      );
    expect(weak(18)).toEqual([]); // 30 % exactly, 3.3 pts under its 33.3 %
    // 28.3 %: under the floor, and exactly 5 points under its 33.3 % too.
    expect(weak(17).map((f) => [f.severity, f.facts.verdict])).toEqual([['error', 'degraded, below floor']]);
  });

  it('fewer than 40 graded picks is variance, not an alert', () => {
    expect(findingsFor(r('2026-01-18', 'catboost_v8', 5, 39))).toEqual([]);
    expect(findingsFor(r('2026-01-18', 'catboost_v8', 5, 40)).map((f) => f.severity)).toEqual(['error']);
  });

  it('a new system without a baseline is held to the floor only, and says so', () => {
    const fresh = [r(day(-1), 'new_model', 10, 30)];
    expect(evaluateGradingAccuracy([...fresh, r('2026-01-18', 'new_model', 20, 50)], ctx)).toEqual([]);
    const [f] = evaluateGradingAccuracy([...fresh, r('2026-01-18', 'new_model', 10, 50)], ctx);
    expect(f?.severity).toBe('error');
    expect(f?.facts).toMatchObject({ baseline_pct: null, delta_pts: null, verdict: 'below floor' });
    expect(f?.facts.baseline_sample).toContain('small');
  });

  it('compares each system with its own baseline only', () => {
    const strong = history('strong', 45, 60); // 75 %
    const rows = [...strong, ...history('catboost_v8'), r('2026-01-18', 'catboost_v8', 33, 60)];
    expect(evaluateGradingAccuracy(rows, ctx)).toEqual([]);
  });

  it('keeps the key whatever the numbers', () => {
    const keys = [
      [9, 48],
      [20, 60],
      [0, 45],
    ].map(([c, g]) => findingsFor(r('2026-01-18', 'catboost_v8', c as number, g as number))[0]?.key);
    expect(new Set(keys)).toEqual(new Set(['grading_accuracy:catboost_v8:2026-01-18']));
  });

  it('judges only yesterday and today, and is quiet when nothing is graded yet', () => {
    const old = evaluateGradingAccuracy([...history('catboost_v8'), r('2026-01-17', 'catboost_v8', 5, 60)], {
      ...ctx,
      date: '2026-01-20',
    });
    expect(old).toEqual([]);
    expect(evaluateGradingAccuracy(history('catboost_v8'), { ...ctx, date: '2026-01-18' })).toEqual([]);
    expect(evaluateGradingAccuracy([], ctx)).toEqual([]);
  });

  it('fetches the baseline days before yesterday', () => {
    expect(gradingAccuracyCheck.params(ctx)).toEqual({
      baseline_start: '2026-01-04',
      report_date: '2026-01-19',
      now: ctx.now,
    });
  });
});

describe('grading_accuracy on DuckDB: the 2026-01-18 incident', () => {
  let db: FixtureWarehouse;
  const SYSTEMS = ['catboost_v8', 'ensemble_v1', 'moving_average'];
  const NEXT_MORNING = { graded_at: new Date('2026-01-19T09:00:00Z') };

  /** `correct` right and `graded - correct` wrong OVER/UNDER picks for one system and date. */
  function picks(date: string, system: string, correct: number, graded: number, over = {}) {
    return players(graded).map((p, i) => gradedRow(date, system, p, i < correct, over));
  }

  beforeAll(async () => {
    const baseline = SYSTEMS.flatMap(
      (s) => Array.from({ length: 14 }, (_, i) => picks(day(-14 + i), s, 22, 40)).flat(), // 55 % for 14 days
    );
    db = await fixtureWarehouse({
      'nba_predictions.prediction_accuracy': [
        ...baseline,
        ...picks(day(-15), 'catboost_v8', 0, 40), // 15 days back: outside the baseline
        ...picks('2026-01-18', 'catboost_v8', 9, 48, NEXT_MORNING), // 18.75 %
        ...picks('2026-01-18', 'ensemble_v1', 27, 48, NEXT_MORNING), // 56.25 %
        ...picks('2026-01-18', 'moving_average', 25, 48, NEXT_MORNING), // 52.1 %: -2.9 pts, normal
        // Not picks, or not verdicts, or graded after "now": none of these count.
        ...picks('2026-01-18', 'catboost_v8', 0, 20, { ...NEXT_MORNING, recommendation: 'PASS' }),
        ...picks('2026-01-18', 'catboost_v8', 0, 20, { ...NEXT_MORNING, prediction_correct: null }),
        ...picks('2026-01-18', 'catboost_v8', 0, 20, { graded_at: new Date('2026-01-19T18:00:00Z') }),
      ],
    });
  });
  afterAll(() => db?.close());

  it('catboost_v8 at 9/48 against its 55 % is the one error of the morning-after run', async () => {
    const { rows, findings } = await db.run(gradingAccuracyCheck, ctx);
    expect(rows.filter((r) => r.game_date === '2026-01-18')).toEqual([
      {
        game_date: '2026-01-18',
        system_id: 'catboost_v8',
        graded: 48,
        correct: 9,
        scored: 48,
        absolute_error_sum: 144,
      },
      {
        game_date: '2026-01-18',
        system_id: 'ensemble_v1',
        graded: 48,
        correct: 27,
        scored: 48,
        absolute_error_sum: 144,
      },
      {
        game_date: '2026-01-18',
        system_id: 'moving_average',
        graded: 48,
        correct: 25,
        scored: 48,
        absolute_error_sum: 144,
      },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: 'grading_accuracy:catboost_v8:2026-01-18',
      severity: 'error',
      facts: { accuracy_pct: 18.8, baseline_pct: 55, baseline_graded: 14 * 40, delta_pts: -36.3 },
    });
  });

  it('before grading landed (2026-01-18 afternoon) there is nothing to judge', async () => {
    const { findings } = await db.run(gradingAccuracyCheck, {
      ...ctx,
      date: '2026-01-18',
      now: new Date('2026-01-18T16:00:00Z'),
    });
    expect(findings).toEqual([]);
  });
});
