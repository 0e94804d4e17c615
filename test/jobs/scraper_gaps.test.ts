import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateScraperGaps,
  expectedGapReason,
  type ScraperGapsRow,
  scraperGapsCheck,
} from '../../src/jobs/scraper_gaps.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

const ctx: CheckContext = {
  date: '2026-01-24',
  now: new Date('2026-01-24T17:00:00Z'), // 12:00 ET
  thresholds: DEFAULT_THRESHOLDS,
};

/** A failure day of a date whose last game tipped off at 18:00 ET (over by 21:00 ET). */
const gap = (scraper: string, date: string, over: Partial<ScraperGapsRow> = {}): ScraperGapsRow => ({
  scraper_name: scraper,
  game_date: date,
  games: 8,
  last_tip_at: new Date(`${date}T23:00:00Z`), // 18:00 ET
  first_failed_at: new Date(`${date}T23:59:00Z`),
  last_failed_at: new Date(`${date}T23:59:00Z`),
  attempts: 1,
  error_type: 'timeout',
  error_message: `timed out on ${date}`,
  ...over,
});
const days = (scraper: string, dates: string[], over: Partial<ScraperGapsRow> = {}) =>
  dates.map((d) => gap(scraper, d, over));

describe('scraper_gaps evaluate', () => {
  it('three unbackfilled gap days raise one finding with the dates, oldest gap and recent errors', () => {
    const rows = [
      ...days('bdl_box_scores', ['2026-01-21', '2026-01-19', '2026-01-22']),
      gap('bdl_box_scores', '2026-01-20', {
        last_failed_at: new Date('2026-01-23T08:00:00Z'),
        error_type: 'rate_limit',
        error_message: '429',
      }),
    ];
    const [f, ...rest] = evaluateScraperGaps(rows, ctx);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      check: 'scraper_gaps',
      key: 'scraper_gaps:bdl_box_scores',
      severity: 'error',
      subject: { scraper: 'bdl_box_scores' },
      facts: {
        gap_days: 4,
        threshold: 3,
        oldest_gap: '2026-01-19',
        newest_gap: '2026-01-22',
        gap_dates: ['2026-01-19', '2026-01-20', '2026-01-21', '2026-01-22'],
        attempts: 4,
        expected_gaps: 0,
      },
    });
    // Most recent first: the 2026-01-20 retry failed last.
    expect(f?.facts.recent_errors).toEqual([
      '2026-01-20: rate_limit: 429',
      '2026-01-22: timeout: timed out on 2026-01-22',
      '2026-01-21: timeout: timed out on 2026-01-21',
    ]);
    expect(f?.actions).toEqual([
      { kind: 'backfill', scraper: 'bdl_box_scores', from: '2026-01-19', until: '2026-01-22' },
      { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-22' },
    ]);
  });

  it('fires at the threshold, not below; each scraper on its own', () => {
    const rows = [
      ...days('nbac_gamebook', ['2026-01-20', '2026-01-21']),
      ...days('bp_events', ['2026-01-18', '2026-01-20', '2026-01-23']),
    ];
    expect(evaluateScraperGaps(rows, ctx).map((f) => f.key)).toEqual(['scraper_gaps:bp_events']);
    const lower = { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, gapAlertThreshold: 2 } };
    expect(evaluateScraperGaps(rows, lower).map((f) => f.key)).toEqual([
      'scraper_gaps:bp_events',
      'scraper_gaps:nbac_gamebook',
    ]);
  });

  it('the key names only the scraper: more gaps or other dates are the same problem', () => {
    const a = evaluateScraperGaps(days('bdl_box_scores', ['2026-01-19', '2026-01-20', '2026-01-21']), ctx);
    const b = evaluateScraperGaps(
      days('bdl_box_scores', ['2026-01-20', '2026-01-21', '2026-01-22', '2026-01-23']),
      ctx,
    );
    expect(a[0]?.key).toBe(b[0]?.key);
  });

  it('BigDataBall no_data_yet inside 48 h after the game is expected; after it, a gap', () => {
    const rows = days('bdb_pbp', ['2026-01-21', '2026-01-22', '2026-01-23'], { error_type: 'no_data_yet' });
    // 2026-01-23 games ended ~02:00Z on the 24th: at 17:00Z only 15 h have passed; 2026-01-22 is at 39 h.
    expect(rows.map((r) => expectedGapReason(r, ctx))).toEqual([undefined, 'no_data_yet', 'no_data_yet']);
    expect(evaluateScraperGaps(rows, ctx)).toEqual([]);
    const later = { ...ctx, now: new Date('2026-01-27T12:00:00Z') };
    const [f] = evaluateScraperGaps(rows, later);
    expect(f?.facts).toMatchObject({ gap_days: 3, expected_gaps: 0 });
  });

  it('no_data_yet from a source without a grace window is a gap once the games are over', () => {
    const rows = days('nbac_gamebook', ['2026-01-21', '2026-01-22', '2026-01-23'], {
      error_type: 'no_data_yet',
    });
    expect(evaluateScraperGaps(rows, ctx).map((f) => f.facts.gap_days)).toEqual([3]);
  });

  it('a real BigDataBall failure inside the window is a gap', () => {
    const rows = days('bdb_pbp', ['2026-01-21', '2026-01-22', '2026-01-23'], { error_type: 'api_error' });
    expect(evaluateScraperGaps(rows, ctx).map((f) => f.facts.gap_days)).toEqual([3]);
  });

  it('dates without games are expected, counted apart; no_data_yet before the games are over too', () => {
    const rows = [
      ...days('bdl_box_scores', ['2026-01-19', '2026-01-20']),
      gap('bdl_box_scores', '2026-01-21', { games: 0, last_tip_at: null }), // off-day
      gap('bdl_box_scores', '2026-01-24', { error_type: 'no_data_yet' }), // tonight's games have not started
    ];
    expect(rows.map((r) => expectedGapReason(r, ctx))).toEqual([
      undefined,
      undefined,
      'no_games',
      'no_data_yet',
    ]);
    expect(evaluateScraperGaps(rows, ctx)).toEqual([]);
    const [f] = evaluateScraperGaps([...rows, gap('bdl_box_scores', '2026-01-22')], ctx);
    expect(f?.facts).toMatchObject({ gap_days: 3, expected_gaps: 2 });
    expect(f?.facts.gap_dates).toEqual(['2026-01-19', '2026-01-20', '2026-01-22']);
  });

  it("a pre-game scraper's real failure for today counts before the games are played", () => {
    const rows = days('bp_player_props', ['2026-01-21', '2026-01-22', '2026-01-24'], {
      error_type: 'api_error',
      error_message: 'HTTP 403 Forbidden from bettingpros.com via proxyfuel (blocked)',
    });
    expect(evaluateScraperGaps(rows, ctx).map((f) => [f.key, f.facts.newest_gap])).toEqual([
      ['scraper_gaps:bp_player_props', '2026-01-24'],
    ]);
  });

  it('no rows, no findings', () => {
    expect(evaluateScraperGaps([], ctx)).toEqual([]);
  });

  it('queries the lookback as of now', () => {
    expect(scraperGapsCheck.params(ctx)).toEqual({
      window_start: '2026-01-17',
      report_date: '2026-01-24',
      now: ctx.now,
    });
  });
});
