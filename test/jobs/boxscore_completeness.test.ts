import { describe, expect, it } from 'vitest';
import {
  type BoxscoreCompletenessRow,
  boxscoreCompletenessCheck,
  evaluateBoxscoreCompleteness,
} from '../../src/jobs/boxscore_completeness.js';
import type { CheckContext } from '../../src/jobs/check.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

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

  it('no box score for the latest final date is critical, even above the coverage minimum', () => {
    const rows = [
      ...team('DEN', { '2026-01-13': true, '2026-01-15': true, '2026-01-16': true, '2026-01-18': false }),
      ...team('MIA', { '2026-01-14': true, '2026-01-16': false, '2026-01-18': false }),
      ...team('BOS', { '2026-01-17': true, '2026-01-18': true }),
    ];
    const found = evaluateBoxscoreCompleteness(rows, ctx);
    expect(found.map((f) => [f.key, f.severity, f.facts.coverage_pct])).toEqual([
      ['boxscore_completeness:DEN', 'critical', 75],
      ['boxscore_completeness:MIA', 'critical', 33.3],
    ]);
    expect(found[1]?.title).toBe('MIA has no box score for 2026-01-18 (33.3% of 3 final games covered)');
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

  it('counts only games over by now (3 h after tip-off) in the window', () => {
    expect(boxscoreCompletenessCheck.params(ctx)).toEqual({
      window_start: '2026-01-12',
      report_date: '2026-01-19',
      final_before: new Date('2026-01-19T08:00:00Z'),
      now: ctx.now,
    });
  });
});
