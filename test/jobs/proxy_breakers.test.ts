import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateProxyBreakers,
  type ProxyBreakersRow,
  proxyBreakersCheck,
} from '../../src/jobs/proxy_breakers.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type OpsWarehouse, opsWarehouse, proxyBreakerRow, proxyHealthRow } from './ops-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-22',
  now: new Date('2026-01-22T15:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const pair = (provider: string, target: string, state: string, over: Partial<ProxyBreakersRow> = {}) => ({
  proxy_provider: provider,
  target_host: target,
  circuit_state: state,
  failure_count: state === 'CLOSED' ? 0 : 3,
  last_failure_at: state === 'CLOSED' ? null : new Date('2026-01-22T14:15:00Z'),
  last_success_at: new Date('2026-01-22T13:00:00Z'),
  opened_at: state === 'CLOSED' ? null : new Date('2026-01-22T14:15:00Z'),
  updated_at: new Date('2026-01-22T14:15:00Z'),
  providers_known: 2,
  ...over,
});

describe('proxy_breakers evaluate', () => {
  it('the 2026-01-24 proxy board: OPEN is a warning with a reset, HALF_OPEN is info on trial, CLOSED is quiet', () => {
    const rows = [
      pair('ProxyFuel', 'bettingpros.com', 'OPEN'),
      pair('Decodo', 'bettingpros.com', 'CLOSED'),
      pair('ProxyFuel', 'nba.com', 'CLOSED'),
      pair('Decodo', 'nba.com', 'HALF_OPEN'),
    ];
    const found = evaluateProxyBreakers(rows, ctx);
    expect(found.map((f) => [f.key, f.severity])).toEqual([
      ['proxy_breakers:ProxyFuel:bettingpros.com', 'warning'],
      ['proxy_breakers:Decodo:nba.com', 'info'],
    ]);
    expect(found[0]).toMatchObject({
      title: 'Proxy breaker ProxyFuel → bettingpros.com is OPEN',
      subject: { provider: 'ProxyFuel', target: 'bettingpros.com' },
      facts: {
        state: 'OPEN',
        failure_count: 3,
        opened_at: '2026-01-22T14:15:00.000Z',
        minutes_in_state: 45,
        providers_known: 2,
        providers_open_for_target: 1,
        target_states: ['Decodo: CLOSED', 'ProxyFuel: OPEN'],
      },
      actions: [
        { kind: 'reset_breaker', breaker: 'proxy', provider: 'ProxyFuel', target: 'bettingpros.com' },
      ],
    });
    expect(found[1]?.actions).toEqual([]);
  });

  it('every provider OPEN for one target is critical, for each of its pairs', () => {
    const rows = [
      pair('ProxyFuel', 'bettingpros.com', 'OPEN'),
      pair('Decodo', 'bettingpros.com', 'OPEN'),
      pair('ProxyFuel', 'nba.com', 'OPEN'),
      pair('Decodo', 'nba.com', 'HALF_OPEN'),
    ];
    expect(evaluateProxyBreakers(rows, ctx).map((f) => [f.key, f.severity])).toEqual([
      ['proxy_breakers:Decodo:bettingpros.com', 'critical'],
      ['proxy_breakers:ProxyFuel:bettingpros.com', 'critical'],
      ['proxy_breakers:Decodo:nba.com', 'info'],
      ['proxy_breakers:ProxyFuel:nba.com', 'warning'],
    ]);
    const single = evaluateProxyBreakers(
      [pair('ProxyFuel', 'stats.nba.com', 'OPEN', { providers_known: 1 })],
      ctx,
    );
    expect(single.map((f) => f.severity)).toEqual(['critical']);
    expect(single[0]?.title).toBe('Every proxy provider is blocked for stats.nba.com (ProxyFuel OPEN)');
  });

  it('a provider without a breaker row for the target is CLOSED there, so one OPEN row is not "every provider"', () => {
    const rows = [pair('proxyfuel', 'bettingpros.com', 'OPEN'), pair('decodo', 'nba.com', 'HALF_OPEN')];
    expect(evaluateProxyBreakers(rows, ctx).map((f) => [f.key, f.severity, f.facts.providers_known])).toEqual(
      [
        ['proxy_breakers:proxyfuel:bettingpros.com', 'warning', 2],
        ['proxy_breakers:decodo:nba.com', 'info', 2],
      ],
    );
  });

  it('a pair OPEN for more than 24 h is stuck long past its 5 min cooldown: an error with the same key', () => {
    const openedHoursAgo = (h: number) =>
      pair('ProxyFuel', 'bettingpros.com', 'OPEN', {
        opened_at: new Date(ctx.now.getTime() - h * 3_600_000),
      });
    const judge = (h: number) => evaluateProxyBreakers([openedHoursAgo(h)], ctx)[0];
    expect(judge(24)?.severity).toBe('warning');
    const stuck = judge(24.5);
    expect(stuck).toMatchObject({
      key: 'proxy_breakers:ProxyFuel:bettingpros.com',
      severity: 'error',
      title:
        'Proxy breaker ProxyFuel → bettingpros.com stuck OPEN for 24 h 30 m, long past its 5 min cooldown',
      facts: { stuck_open: true, stuck_open_after_hours: 24, minutes_in_state: 1470 },
    });
    // Every provider blocked stays critical, stuck or not; HALF_OPEN is on trial, never stuck.
    const both = [openedHoursAgo(48), pair('Decodo', 'bettingpros.com', 'OPEN')];
    expect(evaluateProxyBreakers(both, ctx).map((f) => f.severity)).toEqual(['critical', 'critical']);
    const trial = pair('Decodo', 'nba.com', 'HALF_OPEN', { opened_at: new Date('2026-01-18T00:00:00Z') });
    expect(evaluateProxyBreakers([trial], ctx).map((f) => [f.severity, f.facts.stuck_open])).toEqual([
      ['info', false],
    ]);
    const lenient = { ...ctx, thresholds: { ...ctx.thresholds, proxyStuckOpenHours: 72 } };
    expect(evaluateProxyBreakers([openedHoursAgo(48)], lenient)[0]?.severity).toBe('warning');
  });

  it('keys hold only provider and target', () => {
    const a = evaluateProxyBreakers([pair('ProxyFuel', 'nba.com', 'OPEN', { failure_count: 3 })], ctx);
    const b = evaluateProxyBreakers([pair('ProxyFuel', 'nba.com', 'HALF_OPEN', { failure_count: 9 })], ctx);
    expect(a[0]?.key).toBe(b[0]?.key);
  });

  it('all closed, or no breakers, is quiet', () => {
    expect(evaluateProxyBreakers([pair('ProxyFuel', 'nba.com', 'CLOSED')], ctx)).toEqual([]);
    expect(evaluateProxyBreakers([], ctx)).toEqual([]);
  });

  it('reads the states as of now, and providers in use over the last 24 h', () => {
    expect(proxyBreakersCheck.params(ctx)).toEqual({
      health_since: new Date('2026-01-21T15:00:00Z'),
      now: ctx.now,
    });
  });
});

describe('proxy_breakers on DuckDB', () => {
  let db: OpsWarehouse;
  const asOf = (iso: string) => ({ ...ctx, date: iso.slice(0, 10), now: new Date(iso) });

  beforeAll(async () => {
    db = await opsWarehouse({
      'nba_orchestration.proxy_circuit_breaker': [
        proxyBreakerRow('proxyfuel', 'bettingpros.com', 'OPEN', '2026-01-13T15:00:00Z'),
        proxyBreakerRow('decodo', 'nba.com', 'CLOSED', '2026-01-10T15:00:00Z'),
        proxyBreakerRow('decodo', 'nba.com', 'HALF_OPEN', '2026-01-18T15:00:00Z'),
        proxyBreakerRow('decodo', 'bettingpros.com', 'OPEN', '2026-01-19T10:00:00Z'),
        // Current state only, written after the replayed times: open since the 14th, closed now.
        proxyBreakerRow('proxyfuel', 'stats.nba.com', 'OPEN', '2026-01-25T17:00:00Z', {
          opened_at: new Date('2026-01-14T09:00:00Z'),
        }),
        proxyBreakerRow('decodo', 'stats.nba.com', 'CLOSED', '2026-01-25T17:00:00Z'),
      ],
      // A third provider in use on the 15th only.
      'nba_orchestration.proxy_health_metrics': [
        proxyHealthRow('brightdata', 'nba.com', '2026-01-15T12:00:00Z'),
      ],
    });
  });
  afterAll(() => db?.close());

  it('as of the 15th: the state per pair then, the providers serving each target, two OPEN pairs', async () => {
    const { rows, findings } = await db.run(proxyBreakersCheck, asOf('2026-01-15T17:00:00Z'));
    expect(rows.map((r) => [r.proxy_provider, r.target_host, r.circuit_state, r.providers_known])).toEqual([
      ['decodo', 'bettingpros.com', 'CLOSED', 2], // opened only on the 19th
      ['proxyfuel', 'bettingpros.com', 'OPEN', 2],
      ['decodo', 'nba.com', 'CLOSED', 2], // and brightdata, in the metrics
      ['decodo', 'stats.nba.com', 'CLOSED', 2],
      ['proxyfuel', 'stats.nba.com', 'OPEN', 2], // already open then, by its opened_at
    ]);
    // Its counters are from the later row, not from then.
    expect(rows[4]).toMatchObject({ failure_count: null, last_failure_at: null, last_success_at: null });
    expect(rows[1]?.failure_count).toBe(3);
    // Both have been OPEN for over 24 h (since the 13th and the 14th): stuck, errors.
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['proxy_breakers:proxyfuel:bettingpros.com', 'error'],
      ['proxy_breakers:proxyfuel:stats.nba.com', 'error'],
    ]);
  });

  it('as of the 19th: both providers OPEN for bettingpros.com is critical; decodo → nba.com on trial', async () => {
    const { findings } = await db.run(proxyBreakersCheck, asOf('2026-01-19T17:00:00Z'));
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['proxy_breakers:decodo:bettingpros.com', 'critical'],
      ['proxy_breakers:proxyfuel:bettingpros.com', 'critical'],
      ['proxy_breakers:decodo:nba.com', 'info'],
      ['proxy_breakers:proxyfuel:stats.nba.com', 'error'],
    ]);
  });

  it('a provider that only ever served another host does not make "every provider blocked" a warning', async () => {
    const own = await opsWarehouse({
      'nba_orchestration.proxy_circuit_breaker': [
        proxyBreakerRow('decodo', 'bettingpros.com', 'OPEN', '2026-03-02T09:00:00Z'),
        proxyBreakerRow('proxyfuel', 'bettingpros.com', 'OPEN', '2026-03-02T10:00:00Z'),
      ],
      'nba_orchestration.proxy_health_metrics': [
        proxyHealthRow('oxylabs', 'stats.nba.com', '2026-03-02T08:00:00Z'),
        proxyHealthRow('oxylabs', 'stats.nba.com', '2026-03-02T09:00:00Z'),
      ],
    });
    try {
      const { findings } = await own.run(proxyBreakersCheck, asOf('2026-03-02T12:00:00Z'));
      expect(findings.map((f) => [f.key, f.severity, f.facts.providers_known])).toEqual([
        ['proxy_breakers:decodo:bettingpros.com', 'critical', 2],
        ['proxy_breakers:proxyfuel:bettingpros.com', 'critical', 2],
      ]);
      // Once oxylabs sends requests to bettingpros.com too, it is a way in: two warnings.
      await own.insert({
        'nba_orchestration.proxy_health_metrics': [
          proxyHealthRow('oxylabs', 'bettingpros.com', '2026-03-02T11:00:00Z'),
        ],
      });
      const later = await own.run(proxyBreakersCheck, asOf('2026-03-02T12:00:00Z'));
      expect(later.findings.map((f) => f.severity)).toEqual(['warning', 'warning']);
    } finally {
      await own.close();
    }
  });

  it('before anything opened, all is quiet', async () => {
    expect((await db.run(proxyBreakersCheck, asOf('2026-01-12T17:00:00Z'))).findings).toEqual([]);
  });
});
