import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateSourceDiscrepancy,
  type SourceDiscrepancyRow,
  sourceDiscrepancyCheck,
} from '../../src/jobs/source_discrepancy.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { bdlRow, gamebookRow, gameRow, type OpsWarehouse, opsWarehouse } from './ops-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T17:00:00Z'), // 12:00 ET
  thresholds: DEFAULT_THRESHOLDS,
};

const TEAMS = ['LAL', 'BOS', 'GSW', 'DEN', 'MIA', 'NYK', 'PHX', 'DAL', 'MIL', 'CHI'];
/** `n` final games on `date` tipped off at 19:30 ET; `missing` of them without BDL rows. */
function slate(date: string, n: number, missing: number[] = [], over: Partial<SourceDiscrepancyRow> = {}) {
  const bdlGames = n - missing.length;
  return Array.from(
    { length: n },
    (_, i): SourceDiscrepancyRow => ({
      game_date: date,
      game_id: `00225${date.slice(8)}${String(i).padStart(2, '0')}`,
      home_team: TEAMS[(2 * i) % TEAMS.length] as string,
      away_team: TEAMS[(2 * i + 1) % TEAMS.length] as string,
      tip_at: new Date(`${nextDay(date)}T00:30:00Z`),
      bdl_home: !missing.includes(i),
      bdl_away: !missing.includes(i),
      bdl_games: bdlGames,
      ...over,
    }),
  );
}
function nextDay(date: string) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

describe('source_discrepancy evaluate', () => {
  it('BDL short of NBA.com on a date: one error with both counts, the missing ids and a retry', () => {
    const [f, ...rest] = evaluateSourceDiscrepancy(slate('2026-01-18', 9, [2, 5, 7]), ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      key: 'source_discrepancy:bdl_box_scores:2026-01-18',
      severity: 'error',
      title: 'BDL box scores missing 3 of 9 games on 2026-01-18',
      subject: { scraper: 'bdl_box_scores', date: '2026-01-18' },
      facts: {
        nbac_games: 9,
        bdl_games: 6,
        missing_games: 3,
        missing_game_ids: ['002251802', '002251805', '002251807'],
        partial_games: 0,
      },
      actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-18' }],
    });
  });

  it('a game with only one team in BDL is missing too (partial)', () => {
    const rows = slate('2026-01-18', 4);
    rows[1] = { ...(rows[1] as SourceDiscrepancyRow), bdl_away: false };
    const [f] = evaluateSourceDiscrepancy(rows, ctx);
    expect(f?.facts).toMatchObject({ missing_games: 1, partial_games: 1, bdl_games: 4 });
  });

  it('one finding per date, keyed by date only', () => {
    const rows = [
      ...slate('2026-01-16', 5, [0]),
      ...slate('2026-01-17', 7),
      ...slate('2026-01-18', 9, [1, 2]),
    ];
    const found = evaluateSourceDiscrepancy(rows, ctx);
    expect(found.map((f) => f.key)).toEqual([
      'source_discrepancy:bdl_box_scores:2026-01-16',
      'source_discrepancy:bdl_box_scores:2026-01-18',
    ]);
    const fewer = evaluateSourceDiscrepancy(slate('2026-01-18', 9, [1]), ctx);
    expect(fewer[0]?.key).toBe(found[1]?.key);
  });

  it('a game inside the grace after tip-off is not judged yet', () => {
    // Tip-off 00:30Z on the 19th; the 6 h grace ends 06:30Z.
    const rows = slate('2026-01-18', 9, [3]);
    expect(evaluateSourceDiscrepancy(rows, { ...ctx, now: new Date('2026-01-19T05:00:00Z') })).toEqual([]);
    expect(evaluateSourceDiscrepancy(rows, { ...ctx, now: new Date('2026-01-19T06:30:00Z') })).toHaveLength(
      1,
    );
  });

  it('complete dates and dates without final games are quiet', () => {
    expect(evaluateSourceDiscrepancy(slate('2026-01-18', 9), ctx)).toEqual([]);
    expect(evaluateSourceDiscrepancy([], ctx)).toEqual([]);
  });

  it('queries the lookback as of now', () => {
    expect(sourceDiscrepancyCheck.params(ctx)).toEqual({
      window_start: '2026-01-12',
      report_date: '2026-01-19',
      now: ctx.now,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
    });
  });
});

describe('source_discrepancy on DuckDB', () => {
  let db: OpsWarehouse;
  const late = { processed_at: new Date('2026-01-19T20:00:00Z') }; // after ctx.now
  const g17 = [
    gameRow('2026-01-17', 'LAL', 'BOS'),
    gameRow('2026-01-17', 'DEN', 'GSW'),
    gameRow('2026-01-17', 'NYK', 'MIA'),
  ];
  const g18 = [
    gameRow('2026-01-18', 'DAL', 'PHX'),
    gameRow('2026-01-18', 'CHI', 'MIL'),
    gameRow('2026-01-18', 'ATL', 'ORL'),
  ];
  const tonight = gameRow('2026-01-19', 'LAL', 'SAC', { game_status: 1 });
  const both = (game: Record<string, unknown>, over = {}) => [
    gamebookRow(game, game.home_team_tricode as string, over),
    gamebookRow(game, game.away_team_tricode as string, over),
  ];

  beforeAll(async () => {
    db = await opsWarehouse({
      'nba_raw.nbac_schedule': [...g17, ...g18, tonight],
      'nba_raw.nbac_gamebook_player_stats': [
        ...g17.flatMap((g) => both(g)),
        ...both(g18[0] as Record<string, unknown>),
        ...both(g18[1] as Record<string, unknown>),
        ...both(g18[2] as Record<string, unknown>, late), // NBA.com had not processed it yet
      ],
      'nba_raw.bdl_player_boxscores': [
        bdlRow('2026-01-17', 'LAL', { game_id: 'bdl-1' }),
        bdlRow('2026-01-17', 'BOS', { game_id: 'bdl-1' }),
        bdlRow('2026-01-17', 'GSW', { game_id: 'bdl-2' }), // DEN's half missing; NYK-MIA missing
        bdlRow('2026-01-18', 'CHI', { game_id: 'bdl-5' }),
        bdlRow('2026-01-18', 'MIL', { game_id: 'bdl-5' }),
        bdlRow('2026-01-18', 'DAL', { game_id: 'bdl-4', ...late }), // arrives after now
        bdlRow('2026-01-18', 'PHX', { game_id: 'bdl-4', ...late }),
        bdlRow('2026-01-18', 'ATL', { game_id: 'bdl-6', ...late }),
        bdlRow('2026-01-18', 'ORL', { game_id: 'bdl-6', ...late }),
      ],
    });
  });
  afterAll(() => db?.close());

  it('lists final gamebook games with BDL coverage by team as of now, and finds the short dates', async () => {
    const { rows, findings } = await db.run(sourceDiscrepancyCheck, ctx);
    expect(rows.map((r) => [r.game_date, r.home_team, r.bdl_home, r.bdl_away, r.bdl_games])).toEqual([
      ['2026-01-17', 'LAL', true, true, 2],
      ['2026-01-17', 'DEN', false, true, 2],
      ['2026-01-17', 'NYK', false, false, 2],
      ['2026-01-18', 'DAL', false, false, 1],
      ['2026-01-18', 'CHI', true, true, 1],
    ]);
    expect(
      findings.map((f) => [f.key, f.facts.nbac_games, f.facts.bdl_games, f.facts.missing_game_ids]),
    ).toEqual([
      ['source_discrepancy:bdl_box_scores:2026-01-17', 3, 2, [g17[1]?.game_id, g17[2]?.game_id]],
      ['source_discrepancy:bdl_box_scores:2026-01-18', 2, 1, [g18[0]?.game_id]],
    ]);
  });

  it('a day later BDL caught up on the 18th; the 17th is still short', async () => {
    const next = { ...ctx, date: '2026-01-20', now: new Date('2026-01-20T17:00:00Z') };
    const { findings } = await db.run(sourceDiscrepancyCheck, next);
    expect(findings.map((f) => f.key)).toEqual(['source_discrepancy:bdl_box_scores:2026-01-17']);
  });
});
