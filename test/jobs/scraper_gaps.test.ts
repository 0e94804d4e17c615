import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluateScraperGaps,
  expectedGapReason,
  type ScraperGapsRow,
  scraperGapsCheck,
} from '../../src/jobs/scraper_gaps.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import {
  gameRow,
  type OpsWarehouse,
  opsWarehouse,
  scrapeEventRow,
  scraperFailureRow,
} from './ops-fixture.js';

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
    // One gap day is under the threshold; the file overdue past its grace is its own finding.
    expect(evaluateScraperGaps(rows, ctx).map((f) => f.key)).toEqual(['scraper_gaps:bdb_pbp:2026-01-21']);
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
      window_start: '2026-01-18', // the last 7 days: 01-18 .. 01-24
      report_date: '2026-01-24',
      now: ctx.now,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
    });
  });
});

describe('scraper_gaps: a late file past its grace is a finding of its own', () => {
  // One date, one game (tip 20:30 ET on 02-05, over 23:30 ET); BigDataBall answers "no data yet" twice.
  const late = (over = {}) =>
    opsWarehouse({
      'nba_raw.nbac_schedule': [
        gameRow('2026-02-05', 'OKC', 'MIN', { game_start_time: new Date('2026-02-06T01:30:00Z') }),
      ],
      'nba_monitoring.scrape_events': ['2026-02-06T09:00:00Z', '2026-02-07T09:00:00Z'].map((at) =>
        scrapeEventRow('bdb_pbp', '2026-02-05', at, {
          status: 'failed',
          error_type: 'no_data_yet',
          error_message: 'No game found matching query',
          ...over,
        }),
      ),
    });
  const asOf = (iso: string) => ({
    date: iso.slice(0, 10),
    now: new Date(iso),
    thresholds: DEFAULT_THRESHOLDS,
  });

  it('60 h after the game: one warning keyed by source and date, with a retry', async () => {
    const db = await late();
    try {
      // Over at 04:30Z on 02-06; 60 h later is 16:30Z on 02-08.
      const { findings } = await db.run(scraperGapsCheck, asOf('2026-02-08T16:30:00Z'));
      expect(findings).toEqual([
        expect.objectContaining({
          key: 'scraper_gaps:bdb_pbp:2026-02-05',
          severity: 'warning',
          title: 'bdb_pbp has no data for 2026-02-05 60 h after the games (grace 48 h)',
          subject: { scraper: 'bdb_pbp', date: '2026-02-05' },
          actions: [{ kind: 'retry', scraper: 'bdb_pbp', date: '2026-02-05' }],
        }),
      ]);
      expect(findings[0]?.facts).toMatchObject({ hours_since_games_over: 60, grace_hours: 48, attempts: 2 });
    } finally {
      await db.close();
    }
  });

  it('inside the grace it is expected; a source without a grace is left to the gap threshold', async () => {
    const db = await late();
    try {
      expect((await db.run(scraperGapsCheck, asOf('2026-02-07T16:30:00Z'))).findings).toEqual([]);
    } finally {
      await db.close();
    }
    const gamebook = await opsWarehouse({
      'nba_raw.nbac_schedule': [gameRow('2026-02-05', 'OKC', 'MIN')],
      'nba_monitoring.scrape_events': [
        scrapeEventRow('nbac_gamebook', '2026-02-05', '2026-02-06T09:00:00Z', {
          status: 'failed',
          error_type: 'no_data_yet',
        }),
      ],
    });
    try {
      expect((await gamebook.run(scraperGapsCheck, asOf('2026-02-08T16:30:00Z'))).findings).toEqual([]);
    } finally {
      await gamebook.close();
    }
  });
});

describe('scraper_gaps: the last 7 days are D − 6 .. D', () => {
  // A pre-game scraper: it fails at 10:00 ET on the date itself.
  const on = (d: string) =>
    scraperFailureRow('odds_api_lines', d, {
      error_type: 'rate_limit',
      first_failed_at: new Date(`${d}T15:00:00Z`),
      last_failed_at: new Date(`${d}T15:00:00Z`),
    });
  const march = (failures: string[]) =>
    opsWarehouse({
      'nba_raw.nbac_schedule': ['03-03', '03-04', '03-07', '03-10'].map((d) =>
        gameRow(`2026-${d}`, 'PHX', 'SAC'),
      ),
      'nba_orchestration.scraper_failures': failures.map(on),
    });
  const asOf = { date: '2026-03-10', now: new Date('2026-03-10T20:00:00Z'), thresholds: DEFAULT_THRESHOLDS };

  it('D − 7 is outside: failures on D − 7, D − 3 and D are two gap days, no finding', async () => {
    const db = await march(['2026-03-03', '2026-03-07', '2026-03-10']);
    try {
      const { rows, findings } = await db.run(scraperGapsCheck, asOf);
      expect(rows.map((r) => r.game_date)).toEqual(['2026-03-07', '2026-03-10']);
      expect(findings).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('D − 6 is inside: failures on D − 6, D − 3 and D raise "3 of the last 7 days"', async () => {
    const db = await march(['2026-03-04', '2026-03-07', '2026-03-10']);
    try {
      const { findings } = await db.run(scraperGapsCheck, asOf);
      expect(findings.map((f) => f.title)).toEqual([
        'odds_api_lines has unbackfilled gaps on 3 of the last 7 days: 2026-03-04, 2026-03-07, 2026-03-10',
      ]);
    } finally {
      await db.close();
    }
  });
});

describe('scraper_gaps on DuckDB', () => {
  let db: OpsWarehouse;
  const failed = (scraper: string, date: string, startedAt: string, over = {}) =>
    scrapeEventRow(scraper, date, startedAt, {
      status: 'failed',
      error_type: 'api_error',
      error_message: 'HTTP 500',
      ...over,
    });
  const noData = { error_type: 'no_data_yet', error_message: 'No game found matching query' };

  beforeAll(async () => {
    const gameDays = [
      '2026-01-15',
      '2026-01-17',
      '2026-01-18',
      '2026-01-19',
      '2026-01-21',
      '2026-01-22',
      '2026-01-23',
      '2026-01-24',
    ];
    db = await opsWarehouse({
      // 2026-01-20 is an off-day.
      'nba_raw.nbac_schedule': gameDays.map((d) => gameRow(d, 'LAL', 'BOS')),
      'nba_orchestration.scraper_failures': [
        scraperFailureRow('bp_player_props', '2026-01-15'), // before the window
        scraperFailureRow('bp_player_props', '2026-01-18', { retry_count: 2 }),
        scraperFailureRow('bp_player_props', '2026-01-19'),
        scraperFailureRow('bp_player_props', '2026-01-20'), // off-day: expected
        scraperFailureRow('bp_player_props', '2026-01-21', {
          error_type: 'api_error',
          error_message: 'HTTP 403',
        }),
        // Backfilled before now: no gap. Backfilled only after now: still a gap as of now.
        scraperFailureRow('bp_player_props', '2026-01-22', {
          backfilled: true,
          backfilled_at: new Date('2026-01-23T20:00:00Z'),
        }),
        scraperFailureRow('bp_player_props', '2026-01-23', {
          backfilled: true,
          backfilled_at: new Date('2026-01-24T20:00:00Z'),
        }),
      ],
      'nba_monitoring.scrape_events': [
        // nbac_gamebook: 01-21 succeeded before it failed (no backfill); 01-22 recovered by a later success.
        scrapeEventRow('nbac_gamebook', '2026-01-21', '2026-01-22T06:00:00Z'),
        failed('nbac_gamebook', '2026-01-21', '2026-01-22T09:00:00Z'),
        failed('nbac_gamebook', '2026-01-22', '2026-01-23T09:00:00Z'),
        scrapeEventRow('nbac_gamebook', '2026-01-22', '2026-01-23T13:00:00Z'),
        failed('nbac_gamebook', '2026-01-23', '2026-01-24T18:00:00Z'), // after now
        // bdb_pbp: no_data_yet beyond the 48 h grace on 18, 19 and 21, inside it on 22-23.
        ...['2026-01-18', '2026-01-19', '2026-01-21', '2026-01-22', '2026-01-23'].map((d) =>
          failed(
            'bdb_pbp',
            d,
            `${d.slice(0, 8)}${String(Number(d.slice(8)) + 1).padStart(2, '0')}T08:00:00Z`,
            noData,
          ),
        ),
        failed('bp_player_props', '2026-01-18', '2026-01-19T10:00:00Z'),
        // A partial BDL scrape is source_discrepancy's business, not a gap.
        ...['2026-01-18', '2026-01-19', '2026-01-21'].map((d) =>
          failed('bdl_box_scores', d, `${d}T23:59:00Z`, { status: 'partial', error_type: 'api_incomplete' }),
        ),
      ],
      'nba_orchestration.phase1_scraper_runs': [
        {
          run_id: 'r1',
          scraper_name: 'nbac_gamebook',
          workflow_name: null,
          target_date: '2026-01-23',
          started_at: new Date('2026-01-24T10:00:00Z'),
          completed_at: new Date('2026-01-24T10:00:05Z'),
          status: 'success',
          records_scraped: 30,
          error_message: null,
          gcs_path: null,
        },
      ],
    });
  });
  afterAll(() => db?.close());

  it('returns open failure days as of now and finds the scrapers at the threshold', async () => {
    const { rows, findings } = await db.run(scraperGapsCheck, ctx);
    const open = rows.map((r) => `${r.scraper_name} ${r.game_date} ${r.error_type}`);
    expect(open).toEqual([
      'bdb_pbp 2026-01-18 no_data_yet',
      'bdb_pbp 2026-01-19 no_data_yet',
      'bdb_pbp 2026-01-21 no_data_yet',
      'bdb_pbp 2026-01-22 no_data_yet',
      'bdb_pbp 2026-01-23 no_data_yet',
      'bp_player_props 2026-01-18 timeout',
      'bp_player_props 2026-01-19 timeout',
      'bp_player_props 2026-01-20 timeout',
      'bp_player_props 2026-01-21 api_error',
      'bp_player_props 2026-01-23 timeout',
      'nbac_gamebook 2026-01-21 api_error',
    ]);
    expect(rows.find((r) => r.game_date === '2026-01-20')?.games).toBe(0);
    // The backfiller's first failure and 2 retries; the event log's copy of one of them is not added on top.
    expect(
      rows.find((r) => r.scraper_name === 'bp_player_props' && r.game_date === '2026-01-18')?.attempts,
    ).toBe(3);
    expect(findings.map((f) => [f.key, f.facts.gap_dates, f.facts.expected_gaps])).toEqual([
      ['scraper_gaps:bdb_pbp', ['2026-01-18', '2026-01-19', '2026-01-21'], 2],
      ['scraper_gaps:bp_player_props', ['2026-01-18', '2026-01-19', '2026-01-21', '2026-01-23'], 1],
      ['scraper_gaps:bdb_pbp:2026-01-18', undefined, undefined],
      ['scraper_gaps:bdb_pbp:2026-01-19', undefined, undefined],
      ['scraper_gaps:bdb_pbp:2026-01-21', undefined, undefined],
    ]);
  });

  it('a week later the same failure days are out of the window', async () => {
    const later = { ...ctx, date: '2026-02-02', now: new Date('2026-02-02T17:00:00Z') };
    expect((await db.run(scraperGapsCheck, later)).findings).toEqual([]);
  });
});
