import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluatePredictionDuplicates,
  type PredictionDuplicatesRow,
  predictionDuplicatesCheck,
} from '../../src/jobs/prediction_duplicates.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, predictionRow } from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T14:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const dup = (
  player: string,
  copies: number,
  system = 'catboost_v8',
  prop = 'points',
): PredictionDuplicatesRow => ({
  system_id: system,
  player_lookup: player,
  game_id: 'g1',
  prop_type: prop,
  line_value: 24.5,
  copies,
});

describe('prediction_duplicates evaluate', () => {
  it('one finding per date with key count, max copies and extra rows', () => {
    const rows = [
      dup('lebronjames', 5),
      dup('stephencurry', 5, 'ensemble_v1'),
      dup('nikolajokic', 2, 'catboost_v8', 'rebounds'),
    ];
    const findings = evaluatePredictionDuplicates(rows, ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      key: 'prediction_duplicates:2026-01-19',
      severity: 'warning',
      subject: { date: '2026-01-19' },
      facts: {
        duplicate_keys: 3,
        max_copies: 5,
        extra_rows: 4 + 4 + 1,
        systems: ['catboost_v8', 'ensemble_v1'],
      },
    });
    expect(findings[0]?.facts.sample).toEqual([
      'catboost_v8/lebronjames/g1/points@24.5 x5',
      'ensemble_v1/stephencurry/g1/points@24.5 x5',
      'catboost_v8/nikolajokic/g1/rebounds@24.5 x2',
    ]);
  });

  it('keeps the sample short and the key independent of counts', () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      dup(`player${String(i).padStart(2, '0')}`, 2 + (i % 4)),
    );
    const [a] = evaluatePredictionDuplicates(many, ctx);
    const [b] = evaluatePredictionDuplicates(many.slice(0, 2), ctx);
    expect(a?.facts.sample).toHaveLength(5);
    expect(a?.facts.duplicate_keys).toBe(40);
    expect(a?.key).toBe(b?.key);
  });

  it('single copies are not duplicates; nothing found is nothing said', () => {
    expect(evaluatePredictionDuplicates([dup('lebronjames', 1)], ctx)).toEqual([]);
    expect(evaluatePredictionDuplicates([], ctx)).toEqual([]);
  });
});

describe('prediction_duplicates on DuckDB', () => {
  let db: FixtureWarehouse;
  const at = (iso: string) => ({ created_at: new Date(iso) });

  beforeAll(async () => {
    const copies = (n: number, date: string, system: string, player: string, over = {}) =>
      Array.from({ length: n }, () => predictionRow(date, system, player, over));
    db = await fixtureWarehouse({
      'nba_predictions.player_prop_predictions': [
        ...copies(5, '2026-01-19', 'catboost_v8', 'lebronjames'),
        ...copies(2, '2026-01-19', 'catboost_v8', 'stephencurry', { prop_type: 'rebounds' }),
        ...copies(1, '2026-01-19', 'catboost_v8', 'stephencurry'), // other prop: its own key
        ...copies(1, '2026-01-19', 'ensemble_v1', 'lebronjames'), // other system: its own key
        ...copies(3, '2026-01-19', 'ensemble_v1', 'nikolajokic', { is_active: false }),
        ...copies(1, '2026-01-19', 'ensemble_v1', 'nikolajokic'),
        ...copies(1, '2026-01-19', 'moving_average', 'lukadoncic'),
        ...copies(1, '2026-01-19', 'moving_average', 'lukadoncic', at('2026-01-19T20:00:00Z')), // after now
        ...copies(1, '2026-01-18', 'catboost_v8', 'jaysontatum'),
        ...copies(1, '2026-01-20', 'catboost_v8', 'jaysontatum'), // other date: its own key
      ],
    });
  });
  afterAll(() => db?.close());

  it('finds the keys with more than one active row as of now', async () => {
    const { rows, findings } = await db.run(predictionDuplicatesCheck, ctx);
    const key = { game_id: 'g0', line_value: 20.5 };
    expect(rows).toEqual([
      { system_id: 'catboost_v8', player_lookup: 'lebronjames', prop_type: 'points', copies: 5, ...key },
      { system_id: 'catboost_v8', player_lookup: 'stephencurry', prop_type: 'rebounds', copies: 2, ...key },
    ]);
    expect(
      findings.map((f) => [f.key, f.facts.duplicate_keys, f.facts.max_copies, f.facts.extra_rows]),
    ).toEqual([['prediction_duplicates:2026-01-19', 2, 5, 5]]);
  });

  it('a re-prediction after the line moved, or for another game, is not a copy; exact copies are', async () => {
    const moved = await fixtureWarehouse({
      'nba_predictions.player_prop_predictions': [
        predictionRow('2026-02-03', 'zone_v2', 'kawhileonard', { game_id: 'G7', line_value: 27.5 }),
        predictionRow('2026-02-03', 'zone_v2', 'kawhileonard', { game_id: 'G7', line_value: 26 }),
        // The same player in a second game that date (a makeup game): its own key.
        predictionRow('2026-02-03', 'zone_v2', 'kawhileonard', { game_id: 'G8', line_value: 26 }),
        predictionRow('2026-02-03', 'zone_v2', 'jamalmurray', { game_id: 'G9', line_value: null }),
        predictionRow('2026-02-03', 'zone_v2', 'jamalmurray', { game_id: 'G9', line_value: null }),
      ],
    });
    try {
      const { findings } = await moved.run(predictionDuplicatesCheck, {
        ...ctx,
        date: '2026-02-03',
        now: new Date('2026-02-03T20:00:00Z'),
      });
      expect(findings.map((f) => [f.facts.duplicate_keys, f.facts.sample])).toEqual([
        [1, ['zone_v2/jamalmurray/G9/points@no line x2']],
      ]);
    } finally {
      await moved.close();
    }
  });

  it('a clean date is quiet', async () => {
    const clean = await db.run(predictionDuplicatesCheck, { ...ctx, date: '2026-01-18' });
    expect(clean.findings).toEqual([]);
  });
});
