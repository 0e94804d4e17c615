import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import { activeBetween, advanceOnClock, EtCalendar, percentile } from '../../src/jobs/freshness-model.js';
import {
  evaluateSourceFreshness,
  type SourceFreshnessRow,
  sourceFreshnessCheck,
  sourceStates,
} from '../../src/jobs/source_freshness.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { addDays, dateRange, etInstant } from '../../src/jobs/time.js';
import { type FixtureWarehouse, fixtureWarehouse, runRow, scheduleRow } from './pipeline-fixture.js';

const HOUR = 3_600_000;
/** The real 2025-26 All-Star break: no games 2026-02-13 .. 02-18 (docs/pipeline.md#schedule-data). */
const BREAK = dateRange('2026-02-13', '2026-02-18');
const SEASON = dateRange('2026-01-01', '2026-03-15');
/** Every date a game day but the break and a lone off-day, 2026-01-28. */
const GAME_DAYS = SEASON.filter((d) => !BREAK.includes(d) && d !== '2026-01-28');

const ctxAt = (iso: string): CheckContext => ({
  date: iso.slice(0, 10),
  now: new Date(iso),
  thresholds: { ...DEFAULT_THRESHOLDS, freshnessSources: [] },
});

const schedule = (dates: readonly string[]): SourceFreshnessRow[] => [
  {
    source_kind: 'schedule',
    source: 'nba_raw.nbac_schedule',
    active_ats: dates.map((d) => new Date(`${d}T00:00:00Z`)),
    last_success_at: null,
  },
];

/** A source active at `hoursEt` (ET hour of the date, 24+ the next morning) on each of `dates`. */
function activity(
  kind: 'scraper' | 'processor' | 'table',
  source: string,
  dates: readonly string[],
  hoursEt: readonly number[],
): SourceFreshnessRow[] {
  const active_ats = dates.flatMap((d) =>
    hoursEt.map((h) => etInstant(h >= 24 ? addDays(d, 1) : d, `${String(h % 24).padStart(2, '0')}:05`)),
  );
  return [
    { source_kind: kind, source, active_ats, last_success_at: active_ats[active_ats.length - 1] ?? null },
  ];
}

const INJURY_HOURS = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
const upTo = (dates: readonly string[], last: string) => dates.filter((d) => d <= last);

describe('source_freshness learning (pure)', () => {
  it('an hourly game-day scraper that stops silently is an error naming its last success and cadence', () => {
    const ctx = ctxAt('2026-02-05T20:00:00Z'); // 15:00 ET, a game day
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_injury_report', upTo(GAME_DAYS, '2026-02-04'), INJURY_HOURS),
    ];
    const [f, ...rest] = evaluateSourceFreshness(rows, ctx);
    expect(rest).toEqual([]);
    expect(f?.key).toBe('source_freshness:scraper:nbac_injury_report');
    expect(f?.severity).toBe('error');
    expect(f?.subject).toEqual({ scraper: 'nbac_injury_report' });
    expect(f?.actions).toEqual([{ kind: 'retry', scraper: 'nbac_injury_report', date: '2026-02-05' }]);
    expect(f?.facts).toMatchObject({
      last_success_at: '2026-02-05T04:05:00.000Z', // 23:05 ET on 02-04
      next_expected_at: '2026-02-05T05:05:00.000Z',
      cadence_hours: 1,
      clock: 'game days',
    });
    expect(f?.facts.samples).toBeGreaterThan(400);
    // The night's 9 h gap is the learned 98th percentile: overdue 13.5 h after 23:05 ET, 12:35 ET.
    expect(f?.facts.bound_hours).toBe(13.5);
    expect(f?.facts.overdue_since).toBe('2026-02-05T17:35:00.000Z');
    expect(f?.title).toContain('nbac_injury_report silent for 15.9 h of game days (normally every 1 h');
  });

  it('is quiet while the silence is within the bound (the night, the next morning)', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_injury_report', upTo(GAME_DAYS, '2026-02-04'), INJURY_HOURS),
    ];
    expect(evaluateSourceFreshness(rows, ctxAt('2026-02-05T16:00:00Z'))).toEqual([]); // 11:00 ET
  });

  it('says nothing across the All-Star break for a source that follows the games', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_injury_report', upTo(GAME_DAYS, '2026-02-12'), INJURY_HOURS),
      // Post-game: the night after each game day, the last one on the first morning of the break.
      ...activity('scraper', 'bdl_box_scores', upTo(GAME_DAYS, '2026-02-12'), [26, 28, 30]),
    ];
    for (const at of ['2026-02-14T17:00:00Z', '2026-02-17T17:00:00Z', '2026-02-19T05:00:00Z'])
      expect(evaluateSourceFreshness(rows, ctxAt(at)), at).toEqual([]);
    const states = sourceStates(rows, ctxAt('2026-02-17T17:00:00Z'));
    expect(states.map((s) => [s.name, s.verdict.status, s.verdict.clock])).toEqual([
      ['bdl_box_scores', 'fresh', 'games'],
      ['nbac_injury_report', 'fresh', 'games'],
    ]);
  });

  it('says nothing on a lone off-day for a post-game source', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_gamebook', upTo(GAME_DAYS, '2026-01-27'), [26, 28, 30]),
    ];
    // 01-28 has no games: nothing the night after it; 23:00 ET on 01-28 and 01:00 ET on 01-29.
    expect(evaluateSourceFreshness(rows, ctxAt('2026-01-29T04:00:00Z'))).toEqual([]);
    expect(evaluateSourceFreshness(rows, ctxAt('2026-01-29T06:00:00Z'))).toEqual([]);
  });

  it('a source that runs every day keeps the wall clock and is judged on off-days too', () => {
    const everyDay = dateRange('2026-01-10', '2026-02-14');
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_schedule', everyDay, [6, 8, 10, 12, 14, 16, 18, 20, 22]),
    ];
    const [f] = evaluateSourceFreshness(rows, ctxAt('2026-02-15T20:00:00Z')); // 15:00 ET in the break
    expect(f?.key).toBe('source_freshness:scraper:nbac_schedule');
    expect(f?.facts.clock).toBe('every day');
  });

  it('a new source with too little history is learning: no alert, named in the facts and states', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('scraper', 'nbac_injury_report', upTo(GAME_DAYS, '2026-02-04'), INJURY_HOURS),
      ...activity('table', 'nba_predictions.player_prop_predictions', ['2026-02-01', '2026-02-02'], [7]),
    ];
    const ctx = ctxAt('2026-02-05T20:00:00Z');
    const findings = evaluateSourceFreshness(rows, ctx);
    expect(findings.map((f) => f.key)).toEqual(['source_freshness:scraper:nbac_injury_report']);
    expect(findings[0]?.facts.learning_sources).toEqual(['table:nba_predictions.player_prop_predictions']);
    const learning = sourceStates(rows, ctx).find((s) => s.kind === 'table');
    expect(learning?.verdict).toEqual({ status: 'learning', samples: 1, clock: 'games' });
  });

  it('a configured scraper never seen in the window is known and learning', () => {
    const ctx = { ...ctxAt('2026-02-05T20:00:00Z') };
    const states = sourceStates(schedule(GAME_DAYS), {
      ...ctx,
      thresholds: { ...ctx.thresholds, freshnessSources: ['bdb_pbp'] },
    });
    expect(states).toEqual([
      {
        kind: 'scraper',
        name: 'bdb_pbp',
        lastSuccessAt: null,
        verdict: expect.objectContaining({ status: 'learning' }),
      },
    ]);
  });

  it('a source gone from the runs for days stays known while it is in the training window', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('processor', 'upcoming_player_game_context', upTo(GAME_DAYS, '2026-02-20'), [6]),
    ];
    const [f] = evaluateSourceFreshness(rows, ctxAt('2026-03-05T15:00:00Z'));
    expect(f?.subject).toEqual({ processor: 'upcoming_player_game_context' });
    expect(f?.actions).toEqual([]);
    expect(f?.facts.silence_hours).toBeGreaterThan(24 * 10);
  });

  it('a table is named as such', () => {
    const rows = [
      ...schedule(GAME_DAYS),
      ...activity('table', 'nba_predictions.player_prop_predictions', upTo(GAME_DAYS, '2026-02-03'), [7]),
    ];
    const [f] = evaluateSourceFreshness(rows, ctxAt('2026-02-05T15:00:00Z'));
    expect(f?.subject).toEqual({ table: 'nba_predictions.player_prop_predictions' });
    expect(f?.title).toMatch(/^Table nba_predictions.player_prop_predictions silent for/);
  });
});

describe('the game clock', () => {
  const cal = new EtCalendar('2026-02-10', '2026-02-25');
  const gameDay = (d: string) => !BREAK.includes(d);
  const at = (d: string, t: string) => etInstant(d, t).getTime();

  it('counts only the time on game days', () => {
    expect(activeBetween(at('2026-02-12', '22:00'), at('2026-02-19', '02:00'), gameDay, cal)).toBe(4 * HOUR);
    expect(activeBetween(at('2026-02-12', '22:00'), at('2026-02-13', '06:00'), gameDay, cal)).toBe(2 * HOUR);
    expect(activeBetween(at('2026-02-12', '22:00'), at('2026-02-19', '02:00'), () => true, cal)).toBe(
      148 * HOUR,
    );
  });

  it('moves forward past the days it skips', () => {
    expect(advanceOnClock(at('2026-02-12', '22:00'), 4 * HOUR, gameDay, cal).getTime()).toBe(
      at('2026-02-19', '02:00'),
    );
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.98)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5)).toBe(5);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('source_freshness on DuckDB', () => {
  let db: FixtureWarehouse;
  const scraperRun = (started: string, over: Record<string, unknown> = {}) => ({
    run_id: `r-${started}`,
    scraper_name: 'nbac_injury_report',
    workflow_name: 'injury_discovery',
    target_date: started.slice(0, 10),
    started_at: new Date(started),
    completed_at: new Date(Date.parse(started) + 5000),
    status: 'success',
    records_scraped: 40,
    error_message: null,
    gcs_path: null,
    ...over,
  });
  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        scheduleRow('2026-02-03'),
        scheduleRow('2026-02-04'),
        scheduleRow('2026-02-15', { season_type: 'All-Star' }),
      ],
      'nba_orchestration.phase1_scraper_runs': [
        scraperRun('2026-02-04T15:05:00Z'),
        scraperRun('2026-02-04T15:40:00Z', { status: 'failed' }),
        scraperRun('2026-02-04T16:05:00Z', { status: 'failed' }),
        // Before the training window, and after now: neither is read.
        scraperRun('2025-12-01T15:05:00Z'),
        scraperRun('2026-02-06T15:05:00Z'),
      ],
      'nba_reference.processor_run_history': [
        runRow('upcoming_player_game_context', '2026-02-04', {
          started_at: new Date('2026-02-04T11:35:00Z'),
        }),
        runRow('player_game_summary', '2026-02-04', { trigger_source: 'pubsub' }),
      ],
    });
  });
  afterAll(() => db?.close());

  it("returns each source's hours of activity (any run is a sign of life), and the game dates", async () => {
    const { rows } = await db.run(sourceFreshnessCheck, ctxAt('2026-02-05T20:00:00Z'));
    const bySource = rows
      .map((r) => [
        r.source_kind,
        r.source,
        (r.active_ats ?? []).map((d) => d.toISOString()),
        r.last_success_at?.toISOString() ?? null,
      ])
      .sort();
    expect(bySource).toEqual([
      ['processor', 'upcoming_player_game_context', ['2026-02-04T11:35:00.000Z'], '2026-02-04T10:05:00.000Z'],
      // The All-Star game owes nothing.
      ['schedule', 'nba_raw.nbac_schedule', ['2026-02-03T00:00:00.000Z', '2026-02-04T00:00:00.000Z'], null],
      [
        'scraper',
        'nbac_injury_report',
        ['2026-02-04T15:40:00.000Z', '2026-02-04T16:05:00.000Z'],
        '2026-02-04T15:05:05.000Z',
      ],
    ]);
  });
});
