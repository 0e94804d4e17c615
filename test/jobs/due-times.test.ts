// The checks know when each expectation is due: a clean pipeline replayed at every hour of two days
// (a delayed job, a manual `check all --at`) raises nothing, and work that never came is reported from its
// due time on, not before. Dates are in March 2026, just after the switch to daylight time (ET = UTC-4).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/jobs/finding.js';
import { ALL_CHECKS } from '../../src/jobs/registry.js';
import { runChecks } from '../../src/jobs/run-checks.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { addDays, etDate, etInstant } from '../../src/jobs/time.js';
import { bdlRow, gamebookRow } from './ops-fixture.js';
import {
  fixtureWarehouse,
  gradedRow,
  players,
  predictionRow,
  runRow,
  scheduleRow,
} from './pipeline-fixture.js';

type Row = Record<string, unknown>;
type Tables = Record<string, Row[]>;

const CONTEXTS = ['upcoming_player_game_context', 'upcoming_team_game_context'];
const SUMMARIES = ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'];

/** What a day leaves out: the morning's contexts and predictions, the night after's box scores or grading. */
interface Missing {
  readonly morning?: boolean;
  readonly boxscores?: boolean;
  readonly grading?: boolean;
}

/**
 * One game date as a healthy pipeline writes it, at its own times: two games (19:00 and 22:00 ET), the
 * contexts at 06:35, phase 4 at 07:00, 210 predictions at 08:30; in the night after, gamebooks and box
 * scores at 02:10, summaries at 03:00, grading at 06:30.
 */
function gameDay(date: string, missing: Missing = {}): Tables {
  const et = (time: string, day = date) => etInstant(day, time);
  const next = addDays(date, 1);
  const games = [
    scheduleRow(date, { game_id: `${date}-early`, game_status: 3, game_start_time: et('19:00') }),
    scheduleRow(date, {
      game_id: `${date}-late`,
      game_status: 3,
      game_start_time: et('22:00'),
      home_team_tricode: 'POR',
      away_team_tricode: 'UTA',
    }),
  ];
  const teams = games.flatMap((g) =>
    [g, g].map((game, i) => ({ game, team: (i ? g.home_team_tricode : g.away_team_tricode) as string })),
  );
  const picks = players(210, `${date.slice(5)}-`);
  const ran = (name: string, start: Date, minutes: number, over: Row = {}) =>
    runRow(name, date, {
      started_at: start,
      completed_at: new Date(start.getTime() + minutes * 60_000),
      ...over,
    });
  return {
    'nba_raw.nbac_schedule': games,
    'nba_reference.processor_run_history': [
      ...(missing.morning ? [] : CONTEXTS.map((p) => ran(p, et('06:35'), 10))),
      ...(missing.morning ? [] : [ran('ml_feature_store', et('07:00'), 20, { phase: 4 })]),
      ...SUMMARIES.map((p) => ran(p, et('03:00', next), 10)),
    ],
    'nba_predictions.player_prop_predictions': missing.morning
      ? []
      : picks.map((p, i) =>
          predictionRow(date, 'zone_v2', p, { game_id: games[i % 2]?.game_id, created_at: et('08:30') }),
        ),
    'nba_predictions.prediction_accuracy': missing.grading
      ? []
      : picks.map((p, i) =>
          gradedRow(date, 'zone_v2', p, i % 5 < 3, {
            game_id: games[i % 2]?.game_id,
            graded_at: et('06:30', next),
          }),
        ),
    'nba_raw.nbac_gamebook_player_stats': teams.map(({ game, team }) =>
      gamebookRow(game, team, { processed_at: et('02:10', next) }),
    ),
    'nba_raw.bdl_player_boxscores': missing.boxscores
      ? []
      : teams.map(({ team }) => bdlRow(date, team, { processed_at: et('02:10', next) })),
  };
}

function merge(...days: Tables[]): Tables {
  const out: Tables = {};
  for (const day of days)
    for (const [table, rows] of Object.entries(day)) out[table] = [...(out[table] ?? []), ...rows];
  return out;
}

/** Every check, as a run at `now` would do it: for the ET date of now, as of now. */
async function checkAllAt(tables: Tables, times: readonly Date[]): Promise<Map<string, Finding[]>> {
  const db = await fixtureWarehouse(tables);
  try {
    const byTime = new Map<string, Finding[]>();
    for (const now of times) {
      const { findings, outcomes } = await runChecks({ warehouse: db.warehouse }, ALL_CHECKS, {
        date: etDate(now),
        now,
        thresholds: DEFAULT_THRESHOLDS,
      });
      expect(outcomes.filter((o) => o.error)).toEqual([]);
      byTime.set(now.toISOString(), findings);
    }
    return byTime;
  } finally {
    await db.close();
  }
}

const hourly = (from: Date, hours: number) =>
  Array.from({ length: hours }, (_, i) => new Date(from.getTime() + i * 3_600_000));

describe('checks know when each expectation is due', () => {
  it('a clean pipeline replayed every hour of two days raises nothing', async () => {
    const days = ['2026-03-09', '2026-03-10', '2026-03-11'].map((d) => gameDay(d));
    const byTime = await checkAllAt(merge(...days), hourly(etInstant('2026-03-10', '00:00'), 48));
    const noisy = [...byTime]
      .filter(([, f]) => f.length > 0)
      .map(([at, f]) => `${at}: ${f.map((x) => x.key)}`);
    expect(noisy).toEqual([]);
  });

  it("the morning's contexts and predictions are owed from 08:50 ET, not at 04:00 or 06:00", async () => {
    const tables = merge(gameDay('2026-03-09'), gameDay('2026-03-10', { morning: true }));
    const at = (time: string) => etInstant('2026-03-10', time);
    const byTime = await checkAllAt(tables, [
      at('04:00'),
      at('06:00'),
      at('08:49'),
      at('08:50'),
      at('09:00'),
    ]);
    const keys = (time: string) =>
      (byTime.get(at(time).toISOString()) ?? []).map((f) => `${f.severity} ${f.key}`);
    expect(keys('04:00')).toEqual([]);
    expect(keys('06:00')).toEqual([]);
    expect(keys('08:49')).toEqual([]);
    const owed = [
      'critical phase3_completion:upcoming_player_game_context:2026-03-10',
      'critical phase3_completion:upcoming_team_game_context:2026-03-10',
      'critical prediction_volume:2026-03-10',
    ];
    expect(keys('08:50')).toEqual(owed);
    expect(keys('09:00')).toEqual(owed);
  });

  it("last night's box scores are owed from 06:00 ET, its grading from 07:00 and 10 h after the last tip-off", async () => {
    const tables = merge(gameDay('2026-03-09', { boxscores: true, grading: true }), gameDay('2026-03-10'));
    const at = (time: string) => etInstant('2026-03-10', time);
    const times = ['23:00', '02:30', '05:59', '06:00', '07:59', '08:00'];
    const instants = times.map((t) => (t === '23:00' ? etInstant('2026-03-09', t) : at(t)));
    const byTime = await checkAllAt(tables, instants);
    const checks = (i: number) => [
      ...new Set((byTime.get(instants[i]?.toISOString() ?? '') ?? []).map((f) => f.check)),
    ];
    // The games are over by 23:00 and 02:30, and BDL has nothing; gamebooks neither, so no discrepancy yet.
    expect(checks(0)).toEqual([]);
    // 02:30: the gamebooks are in, BDL is not: that discrepancy is the one alarm before 06:00.
    expect(checks(1)).toEqual(['source_discrepancy']);
    expect(checks(2)).toEqual(['source_discrepancy']);
    expect(checks(3)).toEqual(['source_discrepancy', 'boxscore_completeness']);
    // Grading: 07:00 has come, but the 22:00 game's grace (10 h) runs to 08:00.
    expect(checks(4)).toEqual(['source_discrepancy', 'boxscore_completeness']);
    expect(checks(5)).toEqual(['grading_coverage', 'source_discrepancy', 'boxscore_completeness']);
  });
});
