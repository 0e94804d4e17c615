import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  type CircuitBreakersRow,
  circuitBreakersCheck,
  evaluateCircuitBreakers,
} from '../../src/jobs/circuit_breakers.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { bdlRow, type OpsWarehouse, opsWarehouse, reprocessRow } from './ops-fixture.js';

const ctx: CheckContext = {
  date: '2025-12-29',
  now: new Date('2025-12-29T09:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const breaker = (
  processor: string,
  entity: string,
  over: Partial<CircuitBreakersRow> = {},
): CircuitBreakersRow => ({
  processor_name: processor,
  entity_id: entity,
  analysis_date: '2025-12-28',
  attempt_count: 5,
  completeness_pct: 52.4,
  skip_reason: 'incomplete_upstream',
  circuit_breaker_until: new Date('2025-12-29T20:00:00Z'),
  last_attempt_at: new Date('2025-12-28T20:00:00Z'),
  upstream_ready: false,
  ...over,
});
const UPGC = 'upcoming_player_game_context';

describe('circuit_breakers evaluate', () => {
  it('one warning per processor with count, sample entities and until; resets all when no data is back', () => {
    const rows = [
      ...['lebronjames', 'anthonydavis', 'austinreaves'].map((p) => breaker(UPGC, p)),
      breaker(UPGC, 'lebronjames', {
        analysis_date: '2025-12-27',
        circuit_breaker_until: new Date('2025-12-30T02:00:00Z'),
        last_attempt_at: new Date('2025-12-29T02:00:00Z'),
        attempt_count: 6,
      }),
      breaker('ml_feature_store', 'devinbooker', { skip_reason: null }),
    ];
    const found = evaluateCircuitBreakers(rows, ctx);
    expect(found.map((f) => f.key)).toEqual([
      'circuit_breakers:ml_feature_store',
      `circuit_breakers:${UPGC}`,
    ]);
    expect(found[1]).toMatchObject({
      check: 'circuit_breakers',
      severity: 'warning',
      title: `3 ${UPGC} entities locked out by circuit breakers`,
      subject: { processor: UPGC },
      facts: {
        active_breakers: 3,
        sample_entities: ['anthonydavis', 'austinreaves', 'lebronjames'],
        locked_until: '2025-12-30T02:00:00.000Z',
        first_unlock_at: '2025-12-29T20:00:00.000Z',
        analysis_dates: ['2025-12-27', '2025-12-28'],
        max_attempts: 6,
        skip_reasons: ['incomplete_upstream'],
        auto_reset_candidates: 0,
      },
      actions: [{ kind: 'reset_breaker', breaker: 'entity', processor: UPGC }],
    });
    expect(found[1]?.actions[0]).not.toHaveProperty('entities');
  });

  it('entities whose upstream data arrived are the auto-reset candidates and what the reset covers', () => {
    const rows = [
      breaker(UPGC, 'lebronjames', { upstream_ready: true }),
      breaker(UPGC, 'anthonydavis'),
      breaker(UPGC, 'austinreaves', { upstream_ready: true }),
    ];
    const [f] = evaluateCircuitBreakers(rows, ctx);
    expect(f?.title).toBe(`3 ${UPGC} entities locked out by circuit breakers (2 have their data now)`);
    expect(f?.facts).toMatchObject({
      auto_reset_candidates: 2,
      auto_reset_sample: ['austinreaves', 'lebronjames'],
    });
    expect(f?.actions).toEqual([
      {
        kind: 'reset_breaker',
        breaker: 'entity',
        processor: UPGC,
        entities: ['austinreaves', 'lebronjames'],
      },
    ]);
  });

  it('samples at most 10 entities but counts them all; the key ignores the count', () => {
    const many = Array.from({ length: 954 }, (_, i) => breaker(UPGC, `player${String(i).padStart(4, '0')}`));
    const [f] = evaluateCircuitBreakers(many, ctx);
    expect(f?.facts.active_breakers).toBe(954);
    expect(f?.facts.sample_entities).toHaveLength(10);
    expect(f?.key).toBe(evaluateCircuitBreakers(many.slice(0, 2), ctx)[0]?.key);
  });

  it('a lockout longer than 24 h is a configuration regression: an error on the same key, naming the longest', () => {
    const week = breaker(UPGC, 'nikolajokic', {
      last_attempt_at: new Date('2025-12-28T20:00:00Z'),
      circuit_breaker_until: new Date('2026-01-04T20:00:00Z'), // the removed 7 days
    });
    const [f] = evaluateCircuitBreakers([breaker(UPGC, 'lebronjames'), week], ctx);
    expect(f).toMatchObject({
      key: `circuit_breakers:${UPGC}`,
      severity: 'error',
      title: `2 ${UPGC} entities locked out by circuit breakers, for up to 168 h: longer than the 24 h lockout, a configuration regression`,
      facts: { longest_lockout_hours: 168, lockout_limit_hours: 24, entities_over_lockout_limit: 1 },
    });
    // Exactly 24 h is the pipeline's own lockout.
    const [normal] = evaluateCircuitBreakers([breaker(UPGC, 'lebronjames')], ctx);
    expect(normal).toMatchObject({
      severity: 'warning',
      facts: { longest_lockout_hours: 24, entities_over_lockout_limit: 0 },
    });
    const lenient = { ...ctx, thresholds: { ...ctx.thresholds, entityLockoutMaxHours: 168 } };
    expect(evaluateCircuitBreakers([week], lenient)[0]?.severity).toBe('warning');
  });

  it('a breaker whose lockout is over by now is not active', () => {
    const rows = [breaker(UPGC, 'lebronjames', { circuit_breaker_until: new Date('2025-12-29T09:00:00Z') })];
    expect(evaluateCircuitBreakers(rows, ctx)).toEqual([]);
    expect(evaluateCircuitBreakers([], ctx)).toEqual([]);
  });

  it('reads two weeks of analysis dates through tomorrow as of now', () => {
    expect(circuitBreakersCheck.params(ctx)).toEqual({
      since: '2025-12-15',
      through: '2025-12-30',
      now: ctx.now,
    });
  });
});

describe('circuit_breakers on DuckDB', () => {
  let db: OpsWarehouse;
  const TEAM = 'upcoming_team_game_context';
  const tripped = '2025-12-27T20:00:00Z';
  const backfill = { processed_at: new Date('2025-12-29T06:00:00Z') };

  beforeAll(async () => {
    db = await opsWarehouse({
      'nba_orchestration.reprocess_attempts': [
        ...['denplayer', 'utaplayer', 'orlplayer', 'detplayer'].map((p) =>
          reprocessRow(UPGC, p, '2025-12-27', tripped, 168),
        ),
        reprocessRow(TEAM, 'MEM', '2025-12-27', tripped, 168),
        reprocessRow(UPGC, 'expiredplayer', '2025-12-26', '2025-12-26T20:00:00Z', 24), // lockout over
        reprocessRow(UPGC, 'resetplayer', '2025-12-27', tripped, 168, { circuit_breaker_tripped: false }),
        reprocessRow(UPGC, 'laterplayer', '2025-12-29', '2025-12-29T12:00:00Z', 24), // trips after now
      ],
      'nba_raw.bdl_player_boxscores': [
        bdlRow('2025-12-26', 'DEN', backfill), // backfilled after the trip: candidate
        bdlRow('2025-12-26', 'UTA'), // there before the trip: no reason to reset
        bdlRow('2025-12-26', 'ORL', { processed_at: new Date('2025-12-29T12:00:00Z') }), // after now
        bdlRow('2025-12-28', 'DET', backfill), // a game after the analysis date
        bdlRow('2025-12-26', 'MEM', { player_lookup: 'jajamorant', ...backfill }), // the team's data is back
      ],
    });
  });
  afterAll(() => db?.close());

  it('lists active breakers as of now with the entities whose data arrived since they tripped', async () => {
    const { rows, findings } = await db.run(circuitBreakersCheck, ctx);
    expect(rows.map((r) => [r.processor_name, r.entity_id, r.upstream_ready])).toEqual([
      [UPGC, 'denplayer', true],
      [UPGC, 'detplayer', false],
      [UPGC, 'orlplayer', false],
      [UPGC, 'utaplayer', false],
      [TEAM, 'MEM', true],
    ]);
    expect(findings.map((f) => [f.key, f.facts.active_breakers, f.actions])).toEqual([
      [
        `circuit_breakers:${UPGC}`,
        4,
        [{ kind: 'reset_breaker', breaker: 'entity', processor: UPGC, entities: ['denplayer'] }],
      ],
      [
        `circuit_breakers:${TEAM}`,
        1,
        [{ kind: 'reset_breaker', breaker: 'entity', processor: TEAM, entities: ['MEM'] }],
      ],
    ]);
  });

  it('after every lockout ends, nothing is active', async () => {
    const later = { ...ctx, date: '2026-01-04', now: new Date('2026-01-04T12:00:00Z') };
    expect((await db.run(circuitBreakersCheck, later)).findings).toEqual([]);
  });
});
