import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoxscoreCompletenessRow,
  boxscoreCompletenessCheck,
  evaluateBoxscoreCompleteness,
} from '../../src/jobs/boxscore_completeness.js';
import type { CheckContext } from '../../src/jobs/check.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { bdlRow, gameRow, type OpsWarehouse, opsWarehouse } from './ops-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T11:00:00Z'), // 06:00 ET
  thresholds: DEFAULT_THRESHOLDS,
};

let n = 0;
/** One team's final games: `true` = box score present, by date. */
const team = (abbr: string, games: Record<string, boolean>): BoxscoreCompletenessRow[] =>
  Object.entries(games).map(([game_date, has_boxscore]) => ({
    team: abbr,
    game_date,
    game_id: `g${++n}`,
    has_boxscore,
  }));

describe('boxscore_completeness evaluate', () => {
  it('a team under 70 % coverage is an error with the missing dates and a backfill of them', () => {
    const rows = [
      ...team('PHX', { '2026-01-12': false, '2026-01-14': true, '2026-01-16': false, '2026-01-18': true }),
      ...team('LAL', { '2026-01-13': true, '2026-01-15': true, '2026-01-18': true }),
    ];
    const [f, ...rest] = evaluateBoxscoreCompleteness(rows, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      check: 'boxscore_completeness',
      key: 'boxscore_completeness:PHX',
      severity: 'error',
      subject: { team: 'PHX' },
      facts: {
        final_games: 4,
        with_boxscores: 2,
        without_boxscores: 2,
        coverage_pct: 50,
        minimum_pct: 70,
        missing_dates: ['2026-01-12', '2026-01-16'],
        latest_final_date: '2026-01-18',
        latest_missing: false,
      },
      actions: [
        { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-12', until: '2026-01-16' },
      ],
    });
  });

  it('no box score for the latest final date makes it critical; above the minimum it stays quiet', () => {
    const rows = [
      ...team('DEN', { '2026-01-13': true, '2026-01-15': true, '2026-01-16': true, '2026-01-18': false }),
      ...team('MIA', { '2026-01-14': true, '2026-01-16': false, '2026-01-18': false }),
      ...team('BOS', { '2026-01-17': true, '2026-01-18': true }),
    ];
    const found = evaluateBoxscoreCompleteness(rows, ctx);
    expect(found.map((f) => [f.key, f.severity, f.facts.coverage_pct])).toEqual([
      ['boxscore_completeness:MIA', 'critical', 33.3],
    ]);
    expect(found[0]?.title).toBe('MIA has no box score for 2026-01-18 (33.3% of 3 final games covered)');
    expect(found[0]?.facts.latest_missing).toBe(true);
  });

  it('the latest final date is the slate-wide one: a team that did not play then is judged on coverage', () => {
    const rows = [
      ...team('NYK', { '2026-01-16': true, '2026-01-17': false, '2026-01-18': true }), // 66.7 %
      ...team('CHI', { '2026-01-15': true, '2026-01-16': true, '2026-01-17': false }), // latest is the 18th
      ...team('DAL', { '2026-01-18': true }),
    ];
    expect(evaluateBoxscoreCompleteness(rows, ctx).map((f) => [f.key, f.severity])).toEqual([
      ['boxscore_completeness:CHI', 'error'],
      ['boxscore_completeness:NYK', 'error'],
    ]);
  });

  it('exactly at the minimum is enough; the minimum is configurable', () => {
    const rows = team('MIL', {
      '2026-01-09': true,
      '2026-01-10': true,
      '2026-01-11': true,
      '2026-01-12': true,
      '2026-01-13': true,
      '2026-01-14': true,
      '2026-01-15': true,
      '2026-01-16': false,
      '2026-01-17': false,
      '2026-01-18': true,
    });
    // 8 of 10 covered but the 16th and 17th missing: 80 % ≥ 70 %, and the latest is present.
    expect(evaluateBoxscoreCompleteness(rows, ctx)).toEqual([]);
    const strict = { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, boxscoreCoverageMin: 0.9 } };
    expect(evaluateBoxscoreCompleteness(rows, strict).map((f) => f.severity)).toEqual(['error']);
  });

  it('the key names only the team', () => {
    const a = evaluateBoxscoreCompleteness(team('PHX', { '2026-01-16': false, '2026-01-18': true }), ctx);
    const b = evaluateBoxscoreCompleteness(team('PHX', { '2026-01-17': false, '2026-01-18': false }), ctx);
    expect(a[0]?.key).toBe('boxscore_completeness:PHX');
    expect(b[0]?.key).toBe(a[0]?.key);
  });

  it('complete teams and a window without final games are quiet', () => {
    expect(
      evaluateBoxscoreCompleteness(team('LAL', { '2026-01-17': true, '2026-01-18': true }), ctx),
    ).toEqual([]);
    expect(evaluateBoxscoreCompleteness([], ctx)).toEqual([]);
  });

  it('counts only games whose box scores are owed by now (06:00 ET the night after) in the window', () => {
    expect(boxscoreCompletenessCheck.params(ctx)).toEqual({
      window_start: '2026-01-12',
      report_date: '2026-01-19',
      due_through: '2026-01-18',
      now: ctx.now,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
    });
  });
});

describe('boxscore_completeness on DuckDB', () => {
  let db: OpsWarehouse;

  beforeAll(async () => {
    db = await opsWarehouse({
      'nba_raw.nbac_schedule': [
        gameRow('2026-01-13', 'MIA', 'ORL'),
        gameRow('2026-01-16', 'PHX', 'DAL'),
        gameRow('2026-01-16', 'LAL', 'BOS'),
        gameRow('2026-01-17', 'PHX', 'MIA'),
        gameRow('2026-01-18', 'DEN', 'PHX'),
        gameRow('2026-01-18', 'LAL', 'GSW'),
        // Tonight's games: not final, or marked final in a later snapshot but not yet played at 06:00 ET.
        gameRow('2026-01-19', 'PHX', 'SAC', { game_status: 1 }),
        gameRow('2026-01-19', 'NYK', 'CHI'),
      ],
      'nba_raw.bdl_player_boxscores': [
        bdlRow('2026-01-16', 'DAL'),
        bdlRow('2026-01-16', 'LAL'),
        bdlRow('2026-01-16', 'BOS'),
        bdlRow('2026-01-17', 'MIA'),
        bdlRow('2026-01-18', 'DEN'),
        bdlRow('2026-01-18', 'LAL'),
        bdlRow('2026-01-18', 'GSW', { processed_at: new Date('2026-01-19T13:00:00Z') }), // after now
      ],
    });
  });
  afterAll(() => db?.close());

  it('judges final games by team as of now: PHX has none, GSW lacks last night, MIA and ORL are short', async () => {
    const { rows, findings } = await db.run(boxscoreCompletenessCheck, ctx);
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.team === 'PHX').map((r) => [r.game_date, r.has_boxscore])).toEqual([
      ['2026-01-16', false],
      ['2026-01-17', false],
      ['2026-01-18', false],
    ]);
    expect(findings.map((f) => [f.key, f.severity, f.facts.coverage_pct])).toEqual([
      ['boxscore_completeness:GSW', 'critical', 0],
      ['boxscore_completeness:MIA', 'error', 50],
      ['boxscore_completeness:ORL', 'error', 0],
      ['boxscore_completeness:PHX', 'critical', 0],
    ]);
    expect(findings[3]?.actions).toEqual([
      { kind: 'backfill', scraper: 'bdl_player_box_scores', from: '2026-01-16', until: '2026-01-18' },
    ]);
  });

  it('once GSW arrives, GSW is quiet', async () => {
    const later = { ...ctx, now: new Date('2026-01-19T14:00:00Z') };
    const { findings } = await db.run(boxscoreCompletenessCheck, later);
    expect(findings.map((f) => f.key)).toEqual([
      'boxscore_completeness:MIA',
      'boxscore_completeness:ORL',
      'boxscore_completeness:PHX',
    ]);
  });
});
