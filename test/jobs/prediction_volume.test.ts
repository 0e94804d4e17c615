import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluatePredictionVolume,
  type PredictionVolumeRow,
  predictionVolumeCheck,
} from '../../src/jobs/prediction_volume.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import {
  type FixtureWarehouse,
  fixtureWarehouse,
  players,
  predictionRow,
  scheduleRow,
} from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T14:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const volume = (predictions: number, over: Partial<PredictionVolumeRow> = {}): PredictionVolumeRow => ({
  games: 9,
  predictions,
  active_rows: predictions,
  systems: predictions > 0 ? 4 : 0,
  players: Math.ceil(predictions / 12),
  ...over,
});

describe('prediction_volume evaluate', () => {
  it('no predictions on a date with games is critical', () => {
    const [f, ...rest] = evaluatePredictionVolume([volume(0)], ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: 'prediction_volume:2026-01-19',
      severity: 'critical',
      subject: { date: '2026-01-19' },
      facts: { games: 9, predictions: 0, minimum: 200, expected: 280 },
    });
  });

  it('under the minimum is an error; the minimum itself is enough', () => {
    expect(evaluatePredictionVolume([volume(199)], ctx).map((f) => f.severity)).toEqual(['error']);
    expect(evaluatePredictionVolume([volume(1)], ctx).map((f) => f.severity)).toEqual(['error']);
    expect(evaluatePredictionVolume([volume(200)], ctx)).toEqual([]);
    expect(evaluatePredictionVolume([volume(310)], ctx)).toEqual([]);
  });

  it('judges distinct predictions, so duplicated rows cannot hide a thin slate', () => {
    const [f] = evaluatePredictionVolume([volume(120, { active_rows: 600 })], ctx);
    expect(f?.facts).toMatchObject({ predictions: 120, active_rows: 600 });
    expect(f?.title).toContain('Only 120 active predictions');
  });

  it('the key does not depend on the counts', () => {
    const keys = [0, 50, 199].map((n) => evaluatePredictionVolume([volume(n)], ctx)[0]?.key);
    expect(new Set(keys)).toEqual(new Set(['prediction_volume:2026-01-19']));
  });

  it('a date without games owes nothing', () => {
    expect(evaluatePredictionVolume([volume(0, { games: 0 })], ctx)).toEqual([]);
    expect(evaluatePredictionVolume([], ctx)).toEqual([]);
  });

  it('follows configured thresholds', () => {
    const t = { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, predictionVolumeMin: 100 } };
    expect(evaluatePredictionVolume([volume(150)], t)).toEqual([]);
  });

  it('queries the date as of now', () => {
    expect(predictionVolumeCheck.params(ctx)).toEqual({
      report_date: '2026-01-19',
      now: ctx.now,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
    });
  });
});

describe('prediction_volume on DuckDB', () => {
  let db: FixtureWarehouse;
  const NOW = new Date('2026-01-18T14:00:00Z');
  const slate = (date: string, systems: string[], n: number, over = {}) =>
    systems.flatMap((s) => players(n).map((p) => predictionRow(date, s, p, over)));

  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        ...['2026-01-18', '2026-01-18', '2026-01-18', '2026-01-18'].map((d) => scheduleRow(d)),
        scheduleRow('2026-01-19'),
        scheduleRow('2026-01-21'),
      ],
      'nba_predictions.player_prop_predictions': [
        // 2026-01-18: 3 systems x 60 = 180 predictions; one system written three times over.
        ...slate('2026-01-18', ['catboost_v8', 'ensemble_v1', 'moving_average'], 60),
        ...slate('2026-01-18', ['catboost_v8'], 60),
        ...slate('2026-01-18', ['catboost_v8'], 60),
        // Superseded rows and rows written after "now" do not count.
        ...slate('2026-01-18', ['xgboost_v1'], 50, { is_active: false }),
        ...slate('2026-01-18', ['xgboost_v1'], 50, { created_at: new Date('2026-01-18T15:00:00Z') }),
        // 2026-01-21: a full slate.
        ...slate('2026-01-21', ['catboost_v8', 'ensemble_v1', 'moving_average'], 70),
      ],
    });
  });
  afterAll(() => db?.close());

  it('counts distinct active predictions as of now: 180 of them is an error despite 300 rows', async () => {
    const { rows, findings } = await db.run(predictionVolumeCheck, { ...ctx, date: '2026-01-18', now: NOW });
    expect(rows).toEqual([{ games: 4, predictions: 180, active_rows: 300, systems: 3, players: 60 }]);
    expect(findings.map((f) => [f.key, f.severity])).toEqual([['prediction_volume:2026-01-18', 'error']]);
  });

  it('a game date with none is critical, a date without games is quiet, a full slate is quiet', async () => {
    const on = (date: string) =>
      db.run(predictionVolumeCheck, { ...ctx, date, now: new Date(`${date}T14:00:00Z`) });
    expect((await on('2026-01-19')).findings.map((f) => f.severity)).toEqual(['critical']);
    expect((await on('2026-01-20')).findings).toEqual([]);
    const full = await on('2026-01-21');
    expect(full.rows[0]?.predictions).toBe(210);
    expect(full.findings).toEqual([]);
  });
});
