import { describe, expect, it } from 'vitest';
import { TABLES } from '../../src/sim/context.js';
import { addDays } from '../../src/sim/et.js';
import { simulate } from '../../src/sim/generate.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { loadSchedule } from '../../src/sim/schedule.js';
import { allTimestamps, distinct, etNoon, type Row, rowsOf } from './helpers.js';

const scenario = loadScenario();
const schedule = loadSchedule();
const day = (date: string, now?: Date, seed?: number) =>
  simulate({ from: date, until: date, scenario, ...(now ? { now } : {}), ...(seed ? { seed } : {}) });
const onDate = (rows: Row[], col: string, date: string) => rows.filter((r) => r[col] === date);
const keyOf = (r: Row) => `${r.system_id}|${r.player_lookup}|${r.prop_type}`;

describe('simulate: determinism and volumes', () => {
  it('gives identical data for the same seed and different data for another', () => {
    const a = simulate({ from: '2025-11-11', until: '2025-11-12', scenario, seed: 7 });
    const b = simulate({ from: '2025-11-11', until: '2025-11-12', scenario, seed: 7 });
    const c = simulate({ from: '2025-11-11', until: '2025-11-12', scenario, seed: 8 });
    expect(b).toEqual(a);
    expect(c[TABLES.bdl]).not.toEqual(a[TABLES.bdl]);
  });

  it('generates a date the same alone or inside a range', () => {
    const alone = day('2025-11-12', etNoon('2025-11-14'));
    const inRange = simulate({
      from: '2025-11-11',
      until: '2025-11-13',
      scenario,
      now: etNoon('2025-11-14'),
    });
    expect(onDate(rowsOf(inRange, TABLES.predictions), 'game_date', '2025-11-12')).toEqual(
      rowsOf(alone, TABLES.predictions),
    );
  });

  it('has realistic volumes on a normal slate', () => {
    const rows = day('2025-11-12');
    const games = schedule.gamesOn('2025-11-12');
    expect(rowsOf(rows, TABLES.schedule)).toHaveLength(games.length);
    const bdl = rowsOf(rows, TABLES.bdl);
    for (const g of games) {
      for (const team of [g.home, g.away]) {
        const n = bdl.filter((r) => r.game_id === g.game_id && r.team_abbr === team).length;
        expect(n).toBeGreaterThanOrEqual(10);
        expect(n).toBeLessThanOrEqual(13);
      }
    }
    const preds = rowsOf(rows, TABLES.predictions);
    expect(distinct(preds, keyOf).size).toBeGreaterThanOrEqual(280);
    expect(distinct(preds, keyOf).size).toBeLessThanOrEqual(340);
    expect(distinct(preds, (r) => r.system_id).size).toBeGreaterThanOrEqual(3);
    const graded = rowsOf(rows, TABLES.accuracy).filter((r) => r.prediction_correct !== null);
    const hit = graded.filter((r) => r.prediction_correct === true).length / graded.length;
    expect(hit).toBeGreaterThan(0.54);
    expect(hit).toBeLessThan(0.61);
    // Grades agree with the numbers they grade.
    for (const r of graded) {
      const over = (r.actual_value as number) > (r.line_value as number);
      expect(r.prediction_correct).toBe((r.recommendation === 'OVER') === over);
    }
  });
});

describe('simulate: as of now', () => {
  it('writes nothing later than now, and no grades or finals before games end', () => {
    const now = etNoon('2026-01-19');
    const rows = simulate({ from: '2026-01-17', until: '2026-01-19', scenario, now });
    // Tip-off times of games still to come and breaker lockout ends lie ahead; everything else happened.
    const { [TABLES.schedule]: sched, [TABLES.reprocess]: breakers, ...happened } = rows;
    expect(allTimestamps(happened).filter((t) => t > now)).toEqual([]);
    expect(allTimestamps({ s: sched ?? [] }).filter((t) => t > now).length).toBe(9);
    const reprocess = (breakers ?? []).map(({ circuit_breaker_until: _, ...r }) => r);
    expect(allTimestamps({ r: reprocess }).filter((t) => t > now)).toEqual([]);
    const today = onDate(rowsOf(rows, TABLES.schedule), 'game_date', '2026-01-19');
    expect(today).toHaveLength(9);
    expect(today.every((r) => r.game_status === 1)).toBe(true);
    expect(onDate(rowsOf(rows, TABLES.accuracy), 'game_date', '2026-01-19')).toEqual([]);
    expect(onDate(rowsOf(rows, TABLES.gamebook), 'game_date', '2026-01-19')).toEqual([]);
    expect(onDate(rowsOf(rows, TABLES.predictions), 'game_date', '2026-01-19').length).toBeGreaterThan(0);
    expect(
      onDate(rowsOf(rows, TABLES.schedule), 'game_date', '2026-01-18').every((r) => r.game_status === 3),
    ).toBe(true);
  });

  it('shows a game live, then final 2.5 h after tip', () => {
    const game = schedule.gamesOn('2025-11-12')[0];
    if (!game) throw new Error('no game');
    const live = day('2025-11-12', new Date(game.tip.getTime() + 60 * 60_000));
    const status = (rows: typeof live) =>
      rowsOf(rows, TABLES.schedule).find((r) => r.game_id === game.game_id)?.game_status;
    expect(status(live)).toBe(2);
    expect(status(day('2025-11-12', new Date(game.tip.getTime() + 150 * 60_000)))).toBe(3);
  });
});

describe('simulate: off-days and clean dates', () => {
  it.each(['2025-11-27', '2025-12-24', '2026-02-15'])('off-day %s: no games and no failures', (date) => {
    expect(schedule.isOffDay(date)).toBe(true);
    const rows = day(date);
    for (const t of [TABLES.schedule, TABLES.gamebook, TABLES.bdl, TABLES.predictions, TABLES.accuracy]) {
      expect(rowsOf(rows, t)).toEqual([]);
    }
    expect(rowsOf(rows, TABLES.scraperFailures)).toEqual([]);
    expect(rowsOf(rows, TABLES.scrapeEvents).every((r) => r.status === 'success')).toBe(true);
    expect(rowsOf(rows, TABLES.workflows).every((r) => r.status === 'completed')).toBe(true);
  });

  it.each(scenario.clean_dates)('clean date %s: nothing wrong', (date) => {
    const rows = day(date, etNoon(addDays(date, 1)));
    const events = rowsOf(rows, TABLES.scrapeEvents);
    // BigDataBall's no_data_yet inside its grace is expected, and is backfilled the same day.
    expect(events.filter((r) => r.status !== 'success' && r.error_type !== 'no_data_yet')).toEqual([]);
    for (const f of rowsOf(rows, TABLES.scraperFailures)) {
      expect(f.backfilled === true || f.error_type === 'no_data_yet').toBe(true);
    }
    expect(rowsOf(rows, TABLES.workflows).every((r) => r.status === 'completed')).toBe(true);
    expect(rowsOf(rows, TABLES.processorRuns).every((r) => r.status === 'success')).toBe(true);
    expect(rowsOf(rows, TABLES.reprocess)).toEqual([]);
    expect(distinct(rowsOf(rows, TABLES.bdl), (r) => r.game_id).size).toBe(schedule.gamesOn(date).length);
    const preds = rowsOf(rows, TABLES.predictions);
    expect(preds.length).toBe(distinct(preds, keyOf).size);
    expect(rowsOf(rows, TABLES.proxyBreaker).every((r) => r.circuit_state === 'CLOSED')).toBe(true);
  });
});

describe('simulate: a whole season', () => {
  // Its speed is the bench's (the season replay reports the time to simulate the warehouse).
  it('keeps slate volumes inside the ranges', () => {
    const rows = simulate({ from: schedule.firstDate, until: schedule.lastDate, scenario });
    const preds = rowsOf(rows, TABLES.predictions);
    const perDate = new Map<string, Set<string>>();
    for (const p of preds) {
      const set = perDate.get(p.game_date as string) ?? new Set<string>();
      set.add(keyOf(p));
      perDate.set(p.game_date as string, set);
    }
    const incidentDates = new Set(scenario.incidents.flatMap((i) => ('date' in i ? [i.date] : [])));
    for (const [date, keys] of perDate) {
      if (incidentDates.has(date)) continue;
      // A one-game slate (the Cup final) has only ~22 players: fewer props, still above the 200 floor.
      const oneGame = schedule.gamesOn(date).length === 1;
      expect(keys.size, date).toBeGreaterThanOrEqual(oneGame ? 200 : 280);
      expect(keys.size, date).toBeLessThanOrEqual(340);
    }
    expect(perDate.size).toBe(new Set(schedule.games.map((g) => g.game_date)).size);
  });
});
