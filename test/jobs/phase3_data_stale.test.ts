import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import { dataFreshnessCheck } from '../../src/jobs/data_freshness.js';
import {
  evaluatePhase3DataStale,
  type Phase3DataStaleRow,
  phase3DataStaleCheck,
} from '../../src/jobs/phase3_data_stale.js';
import { DEFAULT_THRESHOLDS, thresholdsSchema } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, predictionRow, runRow } from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-19',
  now: new Date('2026-01-19T15:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const FIRST = new Date('2026-01-19T12:45:00Z'); // 07:45 ET, the simulator's prediction time
const hoursBefore = (h: number) => new Date(FIRST.getTime() - h * 3_600_000);

function rows(playerAgeH: number | null, teamAgeH: number | null = 1): Phase3DataStaleRow[] {
  const one = (processor_name: string, age: number | null): Phase3DataStaleRow => ({
    processor_name,
    first_prediction_at: FIRST,
    output_at: age === null ? null : hoursBefore(age),
  });
  return [one('upcoming_player_game_context', playerAgeH), one('upcoming_team_game_context', teamAgeH)];
}

const severities = (r: Phase3DataStaleRow[], c = ctx) => evaluatePhase3DataStale(r, c).map((f) => f.severity);

describe('phase3_data_stale evaluate', () => {
  it('is quiet for a normal morning (phase 3 about an hour before predictions) and up to 2 h exactly', () => {
    expect(severities(rows(1.1))).toEqual([]);
    expect(severities(rows(2))).toEqual([]);
  });

  it("the date's own output more than 2 h old when predictions run is an error naming the stale processor", () => {
    const [f] = evaluatePhase3DataStale(rows(7.25), ctx);
    expect(f).toMatchObject({
      key: 'phase3_data_stale:2026-01-19',
      severity: 'error',
      subject: { date: '2026-01-19' },
      facts: {
        first_prediction_at: '2026-01-19T12:45:00.000Z',
        output_age_hours: 7.3,
        stale_hours: 2,
        upcoming_player_game_context_output_at: '2026-01-19T05:30:00.000Z',
      },
      actions: [{ kind: 'retry', processor: 'upcoming_player_game_context', date: '2026-01-19' }],
    });
    expect(f?.title).toBe(
      'Predictions for 2026-01-19 read phase 3 output 7.3 h old (upcoming_player_game_context), over the 2 h allowed',
    );
    expect(severities(rows(2.02))).toEqual(['error']);
  });

  it("leaves predictions without the date's own output to data_freshness and phase3_completion", () => {
    expect(severities(rows(null))).toEqual([]);
    expect(severities(rows(5, null))).toEqual([]);
  });

  it('no predictions yet: nothing to say; one key per date; the limit is a threshold', () => {
    expect(evaluatePhase3DataStale([], ctx)).toEqual([]);
    expect(new Set([3, 9].map((h) => evaluatePhase3DataStale(rows(h), ctx)[0]?.key))).toEqual(
      new Set(['phase3_data_stale:2026-01-19']),
    );
    const lenient = { ...ctx, thresholds: thresholdsSchema.parse({ phase3StaleHours: 8 }) };
    expect(severities(rows(7.25), lenient)).toEqual([]);
  });
});

describe('phase3_data_stale on DuckDB, beside data_freshness', () => {
  let db: FixtureWarehouse;
  const t = (iso: string) => new Date(iso);
  const done = (iso: string) => ({ started_at: t(iso), completed_at: t(iso) });
  const asOf = (date: string, now: string) => ({ ...ctx, date, now: t(now) });

  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_reference.processor_run_history': [
        // 2026-01-18: the team context did not run that day; predictions read 2026-01-17's.
        runRow('upcoming_player_game_context', '2026-01-18', done('2026-01-18T11:40:00Z')),
        runRow('upcoming_team_game_context', '2026-01-17', done('2026-01-17T11:40:00Z')),
        // 2026-01-19: both ran at 06:40 ET, predictions were only made at 14:15 ET.
        runRow('upcoming_player_game_context', '2026-01-19', done('2026-01-19T11:40:00Z')),
        runRow('upcoming_team_game_context', '2026-01-19', done('2026-01-19T11:40:00Z')),
        runRow('upcoming_team_game_context', '2026-01-19', done('2026-01-19T20:00:00Z')), // after predictions
        runRow('upcoming_team_game_context', '2026-01-19', {
          ...done('2026-01-19T18:00:00Z'),
          status: 'failed',
        }),
        // 2026-01-20: a normal morning, 06:40 → 07:45 ET.
        runRow('upcoming_player_game_context', '2026-01-20', done('2026-01-20T11:40:00Z')),
        runRow('upcoming_team_game_context', '2026-01-20', done('2026-01-20T11:45:00Z')),
      ],
      'nba_predictions.player_prop_predictions': [
        predictionRow('2026-01-18', 'catboost_v8', 'a', { created_at: t('2026-01-18T12:45:00Z') }),
        predictionRow('2026-01-19', 'catboost_v8', 'a', {
          created_at: t('2026-01-19T11:00:00Z'),
          is_active: false,
        }),
        predictionRow('2026-01-19', 'catboost_v8', 'a', { created_at: t('2026-01-19T19:15:00Z') }),
        predictionRow('2026-01-20', 'catboost_v8', 'a', { created_at: t('2026-01-20T12:45:00Z') }),
      ],
    });
  });
  afterAll(() => db?.close());

  it("predictions made 7.6 h after the day's phase 3: phase3_data_stale errs, data_freshness is quiet", async () => {
    const at = asOf('2026-01-19', '2026-01-19T21:00:00Z');
    const { rows: found, findings } = await db.run(phase3DataStaleCheck, at);
    expect(found.map((r) => [r.processor_name, r.output_at?.toISOString()])).toEqual([
      ['upcoming_player_game_context', '2026-01-19T11:40:00.000Z'],
      ['upcoming_team_game_context', '2026-01-19T11:40:00.000Z'],
    ]);
    expect(findings.map((f) => [f.key, f.severity, f.facts.output_age_hours])).toEqual([
      ['phase3_data_stale:2026-01-19', 'error', 7.6],
    ]);
    expect((await db.run(dataFreshnessCheck, at)).findings).toEqual([]);
  });

  it("predictions on an earlier date's context: data_freshness errs, phase3_data_stale is quiet", async () => {
    const at = asOf('2026-01-18', '2026-01-18T20:00:00Z');
    const stale = await db.run(phase3DataStaleCheck, at);
    expect(stale.rows.find((r) => r.processor_name === 'upcoming_team_game_context')?.output_at).toBeNull();
    expect(stale.findings).toEqual([]);
    expect((await db.run(dataFreshnessCheck, at)).findings.map((f) => [f.key, f.severity])).toEqual([
      ['data_freshness:2026-01-18', 'error'],
    ]);
  });

  it('a normal morning and a date whose predictions are not made yet are quiet', async () => {
    expect((await db.run(phase3DataStaleCheck, asOf('2026-01-20', '2026-01-20T14:00:00Z'))).findings).toEqual(
      [],
    );
    const early = await db.run(phase3DataStaleCheck, asOf('2026-01-19', '2026-01-19T15:00:00Z'));
    expect(early.rows).toEqual([]);
  });
});
