import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateGradingCoverage,
  GRADING_PROCESSOR,
  type GradingCoverageRow,
  gradingCoverageCheck,
} from '../../src/jobs/grading_coverage.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import {
  type FixtureWarehouse,
  fixtureWarehouse,
  gradedRow,
  players,
  predictionRow,
  scheduleRow,
} from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T16:00:00Z'), // 11:00 ET
  thresholds: DEFAULT_THRESHOLDS,
};

const finalYesterday = {
  game_date: '2026-01-18',
  games: 6,
  final_games: 6,
  last_tip_at: new Date('2026-01-19T03:30:00Z'), // 22:30 ET; grading due 10 h later, 13:30 UTC
};
const sys = (
  system_id: string | null,
  predictions: number,
  graded: number,
  over = {},
): GradingCoverageRow => ({
  ...finalYesterday,
  system_id,
  predictions,
  graded,
  ...over,
});

describe('grading_coverage evaluate', () => {
  it('under 90 % graded on a final date is an error with a retry of grading', () => {
    const findings = evaluateGradingCoverage([sys('catboost_v8', 80, 20), sys('ensemble_v1', 80, 80)], ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: 'grading_coverage:2026-01-18',
      severity: 'error',
      subject: { date: '2026-01-18', processor: GRADING_PROCESSOR },
      facts: {
        predictions: 160,
        graded: 100,
        coverage_pct: 62.5,
        minimum_pct: 90,
        systems_under_minimum: ['catboost_v8: 20/80'],
      },
      actions: [{ kind: 'retry', processor: GRADING_PROCESSOR, date: '2026-01-18' }],
    });
  });

  it('90 % exactly is enough, one short is not', () => {
    expect(evaluateGradingCoverage([sys('a', 100, 90), sys('b', 100, 90)], ctx)).toEqual([]);
    expect(
      evaluateGradingCoverage([sys('a', 100, 90), sys('b', 100, 89)], ctx).map((f) => f.severity),
    ).toEqual(['error']);
  });

  it('nothing graded at all is the same incident as partly graded', () => {
    const none = evaluateGradingCoverage([sys('a', 100, 0)], ctx);
    const some = evaluateGradingCoverage([sys('a', 100, 50)], ctx);
    expect(none[0]?.facts.coverage_pct).toBe(0);
    expect(none[0]?.key).toBe(some[0]?.key);
  });

  it('stays quiet while no game is final or grading is not due yet', () => {
    expect(evaluateGradingCoverage([sys('a', 100, 0, { final_games: 0 })], ctx)).toEqual([]);
    const early = { ...ctx, now: new Date('2026-01-19T13:29:00Z') };
    expect(evaluateGradingCoverage([sys('a', 100, 0)], early)).toEqual([]);
    expect(
      evaluateGradingCoverage([sys('a', 100, 0)], { ...ctx, now: new Date('2026-01-19T13:30:00Z') }),
    ).toHaveLength(1);
  });

  it('a date with games but no predictions has nothing to grade (prediction_volume speaks for it)', () => {
    expect(evaluateGradingCoverage([sys(null, 0, 0)], ctx)).toEqual([]);
    expect(evaluateGradingCoverage([], ctx)).toEqual([]);
  });

  it('judges each date of the window on its own', () => {
    const today = { game_date: '2026-01-19', final_games: 0, last_tip_at: new Date('2026-01-20T03:00:00Z') };
    const findings = evaluateGradingCoverage([sys('a', 100, 10), sys('a', 100, 0, today)], ctx);
    expect(findings.map((f) => f.key)).toEqual(['grading_coverage:2026-01-18']);
  });

  it('queries yesterday and today as of now', () => {
    expect(gradingCoverageCheck.params(ctx)).toEqual({
      window_start: '2026-01-18',
      report_date: '2026-01-19',
      now: ctx.now,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
    });
  });
});

describe('grading_coverage: a postponed game neither holds grading back nor counts', () => {
  // 2026-03-12: three games; G3 postponed (still status 1). Predictions for all three, graded for G1 and G2.
  const t = (iso: string) => new Date(iso);
  const game = (game_id: string, status: number) =>
    scheduleRow('2026-03-12', { game_id, game_status: status, game_start_time: t('2026-03-13T00:00:00Z') });
  const picks = (game_id: string, prefix: string) =>
    players(20, prefix).map((p) => predictionRow('2026-03-12', 'zone_v2', p, { game_id }));
  const grades = (prefix: string, n: number) =>
    players(n, prefix).map((p) =>
      gradedRow('2026-03-12', 'zone_v2', p, true, { graded_at: t('2026-03-13T11:30:00Z') }),
    );
  const morningAfter = { date: '2026-03-13', now: t('2026-03-13T16:00:00Z'), thresholds: DEFAULT_THRESHOLDS };
  const run = async (graded: Record<string, unknown>[]) => {
    const db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [game('G1', 3), game('G2', 3), game('G3', 1)],
      'nba_predictions.player_prop_predictions': [
        ...picks('G1', 'a'),
        ...picks('G2', 'b'),
        ...picks('G3', 'c'),
      ],
      'nba_predictions.prediction_accuracy': graded,
    });
    try {
      return (await db.run(gradingCoverageCheck, morningAfter)).findings;
    } finally {
      await db.close();
    }
  };

  it('every played game graded: quiet, though the postponed game has ungraded predictions', async () => {
    expect(await run([...grades('a', 20), ...grades('b', 20)])).toEqual([]);
  });

  it("a played game's grades missing: an error over the played games' predictions only", async () => {
    const findings = await run(grades('a', 20));
    expect(findings.map((f) => [f.key, f.facts.predictions, f.facts.graded])).toEqual([
      ['grading_coverage:2026-03-12', 40, 20],
    ]);
  });
});

describe('grading_coverage on DuckDB', () => {
  let db: FixtureWarehouse;
  const t = (iso: string) => new Date(iso);

  beforeAll(async () => {
    const slate = (date: string, system: string, n: number) =>
      players(n).map((p) => predictionRow(date, system, p));
    const graded = (date: string, system: string, n: number, over = {}) =>
      players(n).map((p) => gradedRow(date, system, p, true, { graded_at: t(`${date}T12:00:00Z`), ...over }));
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        scheduleRow('2026-01-17', { game_status: 3, game_start_time: t('2026-01-18T03:00:00Z') }),
        scheduleRow('2026-01-18', { game_status: 3 }),
        scheduleRow('2026-01-18', { game_status: 3, game_start_time: t('2026-01-19T03:00:00Z') }),
        scheduleRow('2026-01-19'),
      ],
      'nba_predictions.player_prop_predictions': [
        ...slate('2026-01-17', 'catboost_v8', 100),
        // 2026-01-18: catboost written twice (duplicates must not change coverage), ensemble once.
        ...slate('2026-01-18', 'catboost_v8', 100),
        ...slate('2026-01-18', 'catboost_v8', 100),
        ...slate('2026-01-18', 'ensemble_v1', 100),
        ...slate('2026-01-19', 'catboost_v8', 100),
      ],
      'nba_predictions.prediction_accuracy': [
        ...graded('2026-01-17', 'catboost_v8', 100, { graded_at: t('2026-01-18T09:00:00Z') }),
        ...graded('2026-01-18', 'catboost_v8', 100, { graded_at: t('2026-01-19T09:00:00Z') }),
        ...graded('2026-01-18', 'ensemble_v1', 60, { graded_at: t('2026-01-19T09:00:00Z') }),
        // graded after "now": not yet there
        ...graded('2026-01-18', 'ensemble_v1', 100, { graded_at: t('2026-01-19T18:00:00Z') }).slice(60),
      ],
    });
  });
  afterAll(() => db?.close());

  it('2026-01-18 at 160 of 200 graded is an error the morning after; today is not due', async () => {
    const { rows, findings } = await db.run(gradingCoverageCheck, ctx);
    expect(rows.map((r) => [r.game_date, r.system_id, r.predictions, r.graded])).toEqual([
      ['2026-01-18', 'catboost_v8', 100, 100],
      ['2026-01-18', 'ensemble_v1', 100, 60],
      ['2026-01-19', 'catboost_v8', 100, 0],
    ]);
    expect(findings.map((f) => [f.key, f.severity, f.facts.coverage_pct])).toEqual([
      ['grading_coverage:2026-01-18', 'error', 80],
    ]);
  });

  it('as of 2026-01-18 afternoon the slate is not final yet and 2026-01-17 is fully graded: quiet', async () => {
    const { rows, findings } = await db.run(gradingCoverageCheck, {
      ...ctx,
      date: '2026-01-18',
      now: t('2026-01-18T16:00:00Z'),
    });
    expect(rows.map((r) => [r.game_date, r.predictions, r.graded])).toEqual([
      ['2026-01-17', 100, 100],
      ['2026-01-18', 100, 0],
      ['2026-01-18', 100, 0],
    ]);
    expect(findings).toEqual([]);
  });
});
