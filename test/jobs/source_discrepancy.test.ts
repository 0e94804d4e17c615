import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateSourceDiscrepancy,
  type SourceDiscrepancyRow,
  sourceDiscrepancyCheck,
} from '../../src/jobs/source_discrepancy.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

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
    });
  });
});
