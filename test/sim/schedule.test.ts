import { describe, expect, it } from 'vitest';
import { etTime } from '../../src/sim/et.js';
import { gameStatusAt, loadSchedule } from '../../src/sim/schedule.js';

describe('2025-26 schedule', () => {
  const schedule = loadSchedule();

  it('holds the regular season with 30 teams and 80-81 games each', () => {
    expect(schedule.firstDate).toBe('2025-10-21');
    expect(schedule.lastDate).toBe('2026-04-12');
    expect(schedule.teams).toHaveLength(30);
    const perTeam = new Map<string, number>();
    for (const g of schedule.games) {
      for (const t of [g.home, g.away]) perTeam.set(t, (perTeam.get(t) ?? 0) + 1);
    }
    // The source was published before the Cup groups were decided: two games per team were still to be
    // scheduled then, so each team has 80 games here, plus a simulated Cup knockout game for some.
    for (const n of perTeam.values()) expect([80, 81]).toContain(n);
  });

  it('dates games in ET, including under daylight time', () => {
    const opener = schedule.gamesOn('2025-10-21');
    expect(opener.map((g) => `${g.away}@${g.home}`)).toEqual(['HOU@OKC', 'GSW@LAL']);
    expect(schedule.gamesOn('2026-01-19')).toHaveLength(9);
    for (const g of schedule.gamesOn('2026-04-12')) expect(etTime('2026-04-12', 0) <= g.tip).toBe(true);
  });

  it('knows off-days and the All-Star break', () => {
    expect(schedule.isOffDay('2025-11-27')).toBe(true);
    expect(schedule.isOffDay('2025-12-24')).toBe(true);
    expect(schedule.isOffDay('2025-11-12')).toBe(false);
    expect(schedule.gamesOn('2025-12-24')).toEqual([]);
    expect(schedule.allStarBreak).toEqual({ start: '2026-02-13', end: '2026-02-18' });
  });

  it('calls a game final only once it could have ended', () => {
    const game = schedule.gamesOn('2026-01-19')[0];
    if (!game) throw new Error('no game');
    expect(gameStatusAt(game, new Date(game.tip.getTime() - 1))).toBe(1);
    expect(gameStatusAt(game, new Date(game.tip.getTime() + 2 * 3_600_000))).toBe(2);
    expect(gameStatusAt(game, new Date(game.tip.getTime() + 2.5 * 3_600_000))).toBe(3);
  });
});
