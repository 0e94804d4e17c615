import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluatePredictionVolume,
  type PredictionVolumeRow,
  predictionVolumeCheck,
} from '../../src/jobs/prediction_volume.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

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
    expect(predictionVolumeCheck.params(ctx)).toEqual({ report_date: '2026-01-19', now: ctx.now });
  });
});
