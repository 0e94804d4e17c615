import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateGradingAccuracy,
  type GradingAccuracyRow,
  gradingAccuracyCheck,
} from '../../src/jobs/grading_accuracy.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

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
const r = (game_date: string, system_id: string, correct: number, graded: number): GradingAccuracyRow => ({
  game_date,
  system_id,
  graded,
  correct,
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
  it('the 2026-01-18 collapse (9/48 vs 55 %) is an error naming regression and the floor', () => {
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
    expect(f?.title).toBe('catboost_v8 hit 18.8% (9/48) on 2026-01-18, 36.3 pts below its 14-day 55%');
    const low = f?.facts.ci95_low_pct as number;
    const high = f?.facts.ci95_high_pct as number;
    expect(low).toBeGreaterThan(5);
    expect(low).toBeLessThan(18.75);
    expect(high).toBeGreaterThan(18.75);
    expect(high).toBeLessThan(55);
  });

  it('draws the regression and degradation lines exactly at -10 and -5 points', () => {
    const sev = (correct: number) =>
      findingsFor(r('2026-01-18', 'catboost_v8', correct, 60)).map((f) => f.severity);
    expect(sev(30)).toEqual([]); // 50 %: -5 exactly, normal
    expect(sev(29)).toEqual(['warning']); // 48.3 %: degraded
    expect(sev(27)).toEqual(['warning']); // 45 %: -10 exactly, still degraded
    expect(sev(26)).toEqual(['error']); // 43.3 %: regression
    expect(findingsFor(r('2026-01-18', 'catboost_v8', 29, 60))[0]?.facts.verdict).toBe('degraded');
  });

  it('below 30 % is an error even when the system is usually that weak', () => {
    const weak = (correct: number) =>
      evaluateGradingAccuracy(
        [...history('coinflip', 20, 60), r('2026-01-18', 'coinflip', correct, 60)],
        ctx,
      );
    expect(weak(18)).toEqual([]); // 30 % exactly, 3.3 pts under its 33.3 %
    expect(weak(17).map((f) => [f.severity, f.facts.verdict])).toEqual([['error', 'below floor']]);
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
