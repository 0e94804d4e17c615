import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluatePredictionDuplicates,
  type PredictionDuplicatesRow,
} from '../../src/jobs/prediction_duplicates.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

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
  prop_type: prop,
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
      'catboost_v8/lebronjames/points x5',
      'ensemble_v1/stephencurry/points x5',
      'catboost_v8/nikolajokic/rebounds x2',
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
