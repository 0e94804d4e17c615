// Exhibitions (All-Star weekend, preseason) owe the pipeline nothing: every check, on its real SQL, is quiet
// about them, while a regular-season game with the same missing work is not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/jobs/registry.js';
import { runChecks } from '../../src/jobs/run-checks.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, scheduleRow } from './pipeline-fixture.js';

const final = (date: string, season_type: string, home: string, away: string) =>
  scheduleRow(date, {
    season_type,
    game_status: 3,
    home_team_tricode: home,
    away_team_tricode: away,
  });

let db: FixtureWarehouse;

beforeAll(async () => {
  // No processor run, no prediction, no box score anywhere: only the schedule.
  db = await fixtureWarehouse({
    'nba_raw.nbac_schedule': [
      final('2025-10-06', 'Preseason', 'DEN', 'TOR'),
      final('2026-02-13', 'Rising Stars', 'USA', 'WLD'),
      final('2026-02-15', 'All-Star', 'EST', 'WST'),
      final('2026-02-19', 'Regular Season', 'CHA', 'ATL'),
    ],
  });
});
afterAll(() => db?.close());

/** Every registered check for `date`, seen at 14:00 ET the next day (everything for the date is due by then). */
async function findingsFor(date: string, nextDay: string) {
  const { findings, outcomes } = await runChecks({ warehouse: db.warehouse }, ALL_CHECKS, {
    date,
    now: new Date(`${nextDay}T19:00:00Z`),
    thresholds: DEFAULT_THRESHOLDS,
  });
  expect(outcomes.filter((o) => o.error)).toEqual([]);
  return findings;
}

describe('exhibition games carry no pipeline expectations', () => {
  it.each([
    ['the All-Star Game', '2026-02-15', '2026-02-16'],
    ['the Rising Stars game', '2026-02-13', '2026-02-14'],
    ['a preseason game', '2025-10-06', '2025-10-07'],
  ])('%s: no finding from any check', async (_, date, nextDay) => {
    expect(await findingsFor(date, nextDay)).toEqual([]);
  });

  it('a regular-season game with the same missing work raises the criticals', async () => {
    const keys = (await findingsFor('2026-02-19', '2026-02-20')).map((f) => `${f.severity} ${f.key}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'critical phase3_completion:upcoming_player_game_context:2026-02-19',
        'critical boxscore_completeness:CHA',
      ]),
    );
  });
});
