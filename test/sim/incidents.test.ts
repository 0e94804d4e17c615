// The default scenario's incidents, each on its dates (asserted on the generated rows).
import { describe, expect, it } from 'vitest';
import { TABLES } from '../../src/sim/context.js';
import { addDays } from '../../src/sim/et.js';
import { simulate } from '../../src/sim/generate.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { loadSchedule } from '../../src/sim/schedule.js';
import { distinct, etNoon, type Row, rowsOf } from './helpers.js';

const scenario = loadScenario();
const schedule = loadSchedule();
const range = (from: string, until: string, now: Date) => simulate({ from, until, scenario, now });
const onDate = (rows: Row[], col: string, date: string) => rows.filter((r) => r[col] === date);
const DEMO_NOW = etNoon('2026-01-19');

describe('BDL missing games: BDL returns fewer games than NBA.com', () => {
  it('2026-01-19: BDL has 4 of 9 games the morning after, logged as api_incomplete', () => {
    const rows = range('2026-01-19', '2026-01-19', etNoon('2026-01-20'));
    expect(distinct(rowsOf(rows, TABLES.gamebook), (r) => r.game_id).size).toBe(9);
    expect(distinct(rowsOf(rows, TABLES.bdl), (r) => r.game_id).size).toBe(4);
    const partial = rowsOf(rows, TABLES.scrapeEvents).filter((r) => r.scraper_name === 'bdl_box_scores');
    expect(partial.length).toBeGreaterThan(0);
    for (const e of partial) {
      expect(e).toMatchObject({ status: 'partial', error_type: 'api_incomplete', records_missing: 5 });
      expect(e.error_message).toBe('BDL returned 4 games but NBAC has 9');
    }
  });

  it('the replayed dates miss 26 games until BDL catches up on 2026-01-23', () => {
    const dates = Object.keys(
      (scenario.incidents.find((i) => i.kind === 'bdl_shortfall') as { dates: Record<string, number> }).dates,
    );
    const count = (now: Date) => {
      const rows = range('2025-12-21', '2026-01-14', now);
      let missing = 0;
      for (const d of dates) {
        const nbac = schedule.gamesOn(d).length;
        missing += nbac - distinct(onDate(rowsOf(rows, TABLES.bdl), 'game_date', d), (r) => r.game_id).size;
      }
      return { missing, rows };
    };
    expect(count(etNoon('2026-01-20')).missing).toBe(26);
    const after = count(etNoon('2026-01-24'));
    expect(after.missing).toBe(0);
    const recovered = rowsOf(after.rows, TABLES.scrapeEvents).filter((r) => r.status === 'partial');
    expect(recovered.length).toBeGreaterThan(0);
    expect(recovered.every((r) => r.is_recovered === true && r.recovery_event_id !== null)).toBe(true);
  });
});

describe('New Year rate-limit storm and late BigDataBall', () => {
  const rows = range('2025-12-31', '2026-01-01', etNoon('2026-01-02'));
  const wf = rowsOf(rows, TABLES.workflows);
  const rate = (name: string, date: string) => {
    const runs = wf.filter(
      (r) => r.workflow_name === name && (r.execution_id as string).includes(date.replaceAll('-', '')),
    );
    return runs.filter((r) => r.status === 'failed').length / runs.length;
  };

  it('2025-12-31: workflows fail at 66.7-70 % with error_message NULL', () => {
    expect(rate('injury_discovery', '2025-12-31')).toBeCloseTo(0.6875, 3);
    expect(rate('referee_discovery', '2025-12-31')).toBeCloseTo(0.6667, 3);
    expect(rate('betting_lines', '2025-12-31')).toBeCloseTo(0.7, 3);
    expect(rate('schedule_dependency', '2025-12-31')).toBeCloseTo(0.6667, 3);
    const failed = wf.filter((r) => r.status === 'failed');
    expect(failed.every((r) => r.error_message === null)).toBe(true);
    const events = onDate(rowsOf(rows, TABLES.scrapeEvents), 'target_date', '2025-12-31');
    expect(events.some((e) => e.error_type === 'rate_limit' && e.api_response_code === 429)).toBe(true);
  });

  it('2026-01-01: recovered (at most one failure per workflow), failed scrapes backfilled', () => {
    for (const name of ['injury_discovery', 'referee_discovery', 'betting_lines']) {
      expect(rate(name, '2026-01-01')).toBe(0);
    }
    const failures = onDate(rowsOf(rows, TABLES.scraperFailures), 'game_date', '2025-12-31').filter(
      (r) => r.error_type === 'rate_limit',
    );
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((r) => r.backfilled === true)).toBe(true);
  });

  it('2025-12-30: BigDataBall says no_data_yet for over a day, then succeeds inside 48 h', () => {
    const bdb = rowsOf(range('2025-12-30', '2025-12-30', etNoon('2026-01-02')), TABLES.scrapeEvents).filter(
      (r) => r.scraper_name === 'bdb_pbp',
    );
    const waiting = bdb.filter((r) => r.error_type === 'no_data_yet');
    const success = bdb.find((r) => r.status === 'success');
    expect(waiting.length).toBeGreaterThanOrEqual(4);
    expect(success).toBeDefined();
    const lastTip = Math.max(...schedule.gamesOn('2025-12-30').map((g) => g.tip.getTime()));
    const hours = ((success as Row).started_at as Date).getTime() / 3_600_000 - lastTip / 3_600_000;
    expect(hours).toBeGreaterThan(24);
    expect(hours).toBeLessThan(2.5 + 48 + 6);
  });
});

describe('player-box-scores without a processor, breakers, duplicates', () => {
  it('2025-12-27: the 5 teams have no BDL boxscores and no player-box-scores processor ran', () => {
    const rows = range('2025-12-27', '2025-12-27', etNoon('2025-12-28'));
    const teams = distinct(rowsOf(rows, TABLES.bdl), (r) => r.team_abbr);
    const playing = schedule.gamesOn('2025-12-27').flatMap((g) => [g.home, g.away]);
    const gone = ['DEN', 'UTA', 'ORL', 'DET', 'MEM'].filter((t) => playing.includes(t));
    expect(gone.length).toBeGreaterThan(0);
    for (const t of gone) expect(teams.has(t)).toBe(false);
    const names = distinct(rowsOf(rows, TABLES.processorRuns), (r) => r.processor_name);
    expect(names.has('bdl_player_box_scores_processor')).toBe(false);
    // Backfilled on 2025-12-29.
    const later = range('2025-12-27', '2025-12-27', etNoon('2025-12-30'));
    for (const t of gone) expect(distinct(rowsOf(later, TABLES.bdl), (r) => r.team_abbr).has(t)).toBe(true);
  });

  it('2025-12-28: breakers tripped after 5 attempts with a 7-day lockout; those players get no predictions', () => {
    const rows = range('2025-12-28', '2025-12-28', etNoon('2025-12-29'));
    const tripped = rowsOf(rows, TABLES.reprocess).filter((r) => r.circuit_breaker_tripped === true);
    expect(tripped.length).toBeGreaterThan(10);
    for (const r of tripped) {
      expect(r.attempt_count).toBe(5);
      const lock = (r.circuit_breaker_until as Date).getTime() - (r.last_attempt_at as Date).getTime();
      expect(lock).toBe(168 * 3_600_000);
    }
    const locked = new Set(tripped.map((r) => r.entity_id));
    expect(rowsOf(rows, TABLES.predictions).filter((p) => locked.has(p.player_lookup))).toEqual([]);
  });

  it('2025-12-28: every prediction has 5 active copies', () => {
    const preds = rowsOf(range('2025-12-28', '2025-12-28', etNoon('2025-12-29')), TABLES.predictions);
    const copies = new Map<string, number>();
    for (const p of preds) {
      const k = `${p.system_id}|${p.player_lookup}|${p.prop_type}`;
      copies.set(k, (copies.get(k) ?? 0) + 1);
    }
    expect(new Set(copies.values())).toEqual(new Set([5]));
    expect(preds.every((p) => p.is_active === true)).toBe(true);
  });
});

describe('2026-01-18 collapse', () => {
  const rows = range('2026-01-17', '2026-01-18', etNoon('2026-01-19'));

  it('grading collapses to 18.75 % for every system, against ~57 % the day before', () => {
    for (const [date, lo, hi] of [
      ['2026-01-18', 0.1875, 0.1875],
      ['2026-01-17', 0.53, 0.62],
    ] as const) {
      const graded = onDate(rowsOf(rows, TABLES.accuracy), 'game_date', date).filter(
        (r) => r.prediction_correct !== null,
      );
      for (const system of distinct(graded, (r) => r.system_id)) {
        const mine = graded.filter((r) => r.system_id === system);
        const acc = mine.filter((r) => r.prediction_correct).length / mine.length;
        expect(acc).toBeGreaterThanOrEqual(lo);
        expect(acc).toBeLessThanOrEqual(hi);
        expect(mine.length).toBeGreaterThanOrEqual(40);
      }
    }
  });

  it('phase 3 critical processors failed, phase 4 never started, predictions stale and thin', () => {
    const runs = onDate(rowsOf(rows, TABLES.processorRuns), 'data_date', '2026-01-18');
    const critical = runs.filter((r) => String(r.processor_name).startsWith('upcoming_'));
    expect(critical.length).toBe(6);
    expect(critical.every((r) => r.status === 'failed')).toBe(true);
    expect(runs.filter((r) => r.phase === 4)).toEqual([]);
    const preds = onDate(rowsOf(rows, TABLES.predictions), 'game_date', '2026-01-18');
    expect(preds.length).toBeLessThan(200);
    const first = Math.min(...preds.map((p) => (p.created_at as Date).getTime()));
    const lastSuccess = Math.max(
      ...rowsOf(rows, TABLES.processorRuns)
        .filter((r) => String(r.processor_name).startsWith('upcoming_') && r.status === 'success')
        .map((r) => (r.completed_at as Date).getTime()),
    );
    expect((first - lastSuccess) / 3_600_000).toBeGreaterThan(24);
  });
});

describe('demo date 2026-01-19: several incidents active at noon ET', () => {
  const rows = range(addDays('2026-01-19', -7), '2026-01-19', DEMO_NOW);

  it('proxyfuel is OPEN for bettingpros.com, decodo HALF_OPEN for nba.com', () => {
    const state = (p: string, t: string) =>
      rowsOf(rows, TABLES.proxyBreaker).find((r) => r.proxy_provider === p && r.target_host === t)
        ?.circuit_state;
    expect(state('proxyfuel', 'bettingpros.com')).toBe('OPEN');
    expect(state('decodo', 'nba.com')).toBe('HALF_OPEN');
    expect(state('decodo', 'bettingpros.com')).toBe('CLOSED');
    const blocked = rowsOf(rows, TABLES.proxyMetrics).filter(
      (r) => r.proxy_provider === 'proxyfuel' && r.target_host === 'bettingpros.com' && r.successes === 0,
    );
    expect(blocked.length).toBeGreaterThan(0);
  });

  it('bp_player_props has at least 3 unbackfilled failure days in the last 7', () => {
    const gaps = rowsOf(rows, TABLES.scraperFailures).filter(
      (r) => r.scraper_name === 'bp_player_props' && r.backfilled === false,
    );
    expect(gaps.length).toBeGreaterThanOrEqual(3);
  });

  it('entity breakers for WAS and LAC players are tripped and still locked', () => {
    const active = rowsOf(rows, TABLES.reprocess).filter(
      (r) => r.circuit_breaker_tripped === true && (r.circuit_breaker_until as Date) > DEMO_NOW,
    );
    expect(active.length).toBeGreaterThan(0);
    expect(new Set(active.map((r) => r.analysis_date))).toEqual(new Set(['2026-01-19']));
  });

  it('a quarter of the predictions are duplicated 5 times', () => {
    const preds = onDate(rowsOf(rows, TABLES.predictions), 'game_date', '2026-01-19');
    const copies = new Map<string, number>();
    for (const p of preds) {
      const k = `${p.system_id}|${p.player_lookup}|${p.prop_type}`;
      copies.set(k, (copies.get(k) ?? 0) + 1);
    }
    expect(new Set(copies.values())).toEqual(new Set([1, 5]));
    const share = [...copies.values()].filter((n) => n === 5).length / copies.size;
    expect(share).toBeCloseTo(0.25, 2);
  });
});

describe('2026-01-08: injury report validation errors', () => {
  it('fails every injury_discovery run with a message (after the 2026-01-01 executor fix), backfilled on 01-09', () => {
    const rows = range('2026-01-08', '2026-01-08', etNoon('2026-01-10'));
    const runs = rowsOf(rows, TABLES.workflows).filter((r) => r.workflow_name === 'injury_discovery');
    expect(runs).toHaveLength(16);
    for (const r of runs) {
      expect(r.status).toBe('failed');
      expect(r.error_message).toMatch(/^nbac_injury_report: Injury report PDF failed validation/);
    }
    const events = rowsOf(rows, TABLES.scrapeEvents).filter((r) => r.scraper_name === 'nbac_injury_report');
    expect(new Set(events.map((e) => e.error_type))).toEqual(new Set(['validation_error']));
    const [gap] = rowsOf(rows, TABLES.scraperFailures).filter((r) => r.scraper_name === 'nbac_injury_report');
    expect(gap).toMatchObject({ backfilled: true, retry_count: 15, error_type: 'validation_error' });
  });
});
