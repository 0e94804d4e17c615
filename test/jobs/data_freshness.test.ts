import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  type DataFreshnessRow,
  dataFreshnessCheck,
  evaluateDataFreshness,
} from '../../src/jobs/data_freshness.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, predictionRow, runRow } from './pipeline-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-18',
  now: new Date('2026-01-18T14:00:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const FIRST = new Date('2026-01-18T12:00:00Z');
const hoursBefore = (h: number) => new Date(FIRST.getTime() - h * 3_600_000);

function rows(playerAgeH: number | null, teamAgeH: number | null = 2): DataFreshnessRow[] {
  const one = (processor_name: string, age: number | null): DataFreshnessRow => ({
    processor_name,
    first_prediction_at: FIRST,
    active_rows: 300,
    last_data_date: age === null ? null : age > 12 ? '2026-01-17' : '2026-01-18',
    last_success_at: age === null ? null : hoursBefore(age),
  });
  return [one('upcoming_player_game_context', playerAgeH), one('upcoming_team_game_context', teamAgeH)];
}

const severities = (r: DataFreshnessRow[]) => evaluateDataFreshness(r, ctx).map((f) => f.severity);

describe('data_freshness evaluate', () => {
  it('is quiet up to and including the warning threshold', () => {
    expect(severities(rows(3))).toEqual([]);
    expect(severities(rows(12))).toEqual([]);
  });

  it('warns past 12 h and errs past 24 h (the stalest critical processor decides)', () => {
    expect(severities(rows(12.02))).toEqual(['warning']);
    expect(severities(rows(24))).toEqual(['warning']);
    expect(severities(rows(24.02))).toEqual(['error']);
    expect(severities(rows(2, 30))).toEqual(['error']);
  });

  it('the 2026-01-18 stale phase 3: names the stale processor, the gap and offers its retry only', () => {
    const [f] = evaluateDataFreshness(rows(26.5), ctx);
    expect(f).toMatchObject({
      key: 'data_freshness:2026-01-18',
      severity: 'error',
      subject: { date: '2026-01-18' },
      facts: {
        first_prediction_at: '2026-01-18T12:00:00.000Z',
        hours_after_phase3: 26.5,
        upcoming_player_game_context_last_success: '2026-01-17T09:30:00.000Z (data 2026-01-17)',
      },
      actions: [{ kind: 'retry', processor: 'upcoming_player_game_context', date: '2026-01-18' }],
    });
    expect(f?.title).toBe(
      'Predictions for 2026-01-18 were made 26.5 h after the last phase 3 run (upcoming_player_game_context)',
    );
  });

  it('no phase 3 success in the lookback is an error', () => {
    const [f] = evaluateDataFreshness(rows(null), ctx);
    expect(f?.severity).toBe('error');
    expect(f?.facts.hours_after_phase3).toBeNull();
    expect(f?.facts.upcoming_player_game_context_last_success).toBe('none since 2026-01-15');
  });

  it("leaves predictions made on the date's own phase 3 output to phase3_data_stale, however old", () => {
    const own = rows(13).map((r) => ({ ...r, last_data_date: '2026-01-18' }));
    expect(severities(own)).toEqual([]);
    // One processor on an earlier date's context is enough for this check.
    expect(severities([own[0] as DataFreshnessRow, ...rows(2, 30).slice(1)])).toEqual(['error']);
  });

  it('keeps one key per date whatever the gap', () => {
    const keys = [13, 30, null].map((h) => evaluateDataFreshness(rows(h), ctx)[0]?.key);
    expect(new Set(keys)).toEqual(new Set(['data_freshness:2026-01-18']));
  });

  it('no predictions yet: no rows, nothing to say', () => {
    expect(evaluateDataFreshness([], ctx)).toEqual([]);
  });

  it('looks back three days for phase 3', () => {
    expect(dataFreshnessCheck.params(ctx)).toEqual({
      report_date: '2026-01-18',
      phase3_since: '2026-01-15',
      now: ctx.now,
      critical_processors: ['upcoming_player_game_context', 'upcoming_team_game_context'],
    });
  });
});

describe('data_freshness on DuckDB', () => {
  let db: FixtureWarehouse;
  const t = (iso: string) => new Date(iso);
  const done = (iso: string) => ({ started_at: t(iso), completed_at: t(iso) });
  const asOf = (date: string, now: string) => ({ ...ctx, date, now: t(now) });

  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_reference.processor_run_history': [
        // 2026-01-18: team context failed that morning; its last success is the day before (the 2026-01-18 stale phase 3).
        runRow('upcoming_player_game_context', '2026-01-18', done('2026-01-18T10:00:00Z')),
        runRow('upcoming_team_game_context', '2026-01-17', done('2026-01-17T10:00:00Z')),
        runRow('upcoming_team_game_context', '2026-01-18', {
          ...done('2026-01-18T10:00:00Z'),
          status: 'failed',
        }),
        runRow('upcoming_team_game_context', '2026-01-18', done('2026-01-18T16:00:00Z')), // after the predictions
        runRow('player_game_summary', '2026-01-18', done('2026-01-18T14:30:00Z')), // not what predictions read
        // 2026-01-19: both ran 13 h before the predictions.
        runRow('upcoming_player_game_context', '2026-01-19', done('2026-01-19T10:00:00Z')),
        runRow('upcoming_team_game_context', '2026-01-19', done('2026-01-19T10:00:00Z')),
        // 2026-01-20: fresh.
        runRow('upcoming_player_game_context', '2026-01-20', done('2026-01-20T10:00:00Z')),
        runRow('upcoming_team_game_context', '2026-01-20', done('2026-01-20T10:30:00Z')),
      ],
      'nba_predictions.player_prop_predictions': [
        predictionRow('2026-01-18', 'catboost_v8', 'a', {
          created_at: t('2026-01-18T13:00:00Z'),
          is_active: false,
        }),
        predictionRow('2026-01-18', 'catboost_v8', 'a', { created_at: t('2026-01-18T15:00:00Z') }),
        predictionRow('2026-01-18', 'catboost_v8', 'b', { created_at: t('2026-01-18T15:30:00Z') }),
        predictionRow('2026-01-19', 'catboost_v8', 'a', { created_at: t('2026-01-19T23:00:00Z') }),
        predictionRow('2026-01-20', 'catboost_v8', 'a', { created_at: t('2026-01-20T12:00:00Z') }),
      ],
    });
  });
  afterAll(() => db?.close());

  it('the stale team context behind 2026-01-18 predictions is an error with its retry', async () => {
    const { rows, findings } = await db.run(dataFreshnessCheck, asOf('2026-01-18', '2026-01-18T20:00:00Z'));
    expect(rows.map((r) => [r.processor_name, r.last_data_date, r.last_success_at?.toISOString()])).toEqual([
      ['upcoming_player_game_context', '2026-01-18', '2026-01-18T10:00:00.000Z'],
      ['upcoming_team_game_context', '2026-01-17', '2026-01-17T10:00:00.000Z'],
    ]);
    expect(findings.map((f) => [f.key, f.severity, f.facts.hours_after_phase3])).toEqual([
      ['data_freshness:2026-01-18', 'error', 29],
    ]);
    expect(findings[0]?.actions).toEqual([
      { kind: 'retry', processor: 'upcoming_team_game_context', date: '2026-01-18' },
    ]);
  });

  it("the date's own output 13 h old is phase3_data_stale's; a fresh date and one without predictions are quiet", async () => {
    const own = await db.run(dataFreshnessCheck, asOf('2026-01-19', '2026-01-20T01:00:00Z'));
    expect(own.rows.map((r) => r.last_data_date)).toEqual(['2026-01-19', '2026-01-19']);
    expect(own.findings).toEqual([]);
    expect((await db.run(dataFreshnessCheck, asOf('2026-01-20', '2026-01-20T14:00:00Z'))).findings).toEqual(
      [],
    );
    // before 2026-01-19's predictions were made
    const early = await db.run(dataFreshnessCheck, asOf('2026-01-19', '2026-01-19T14:00:00Z'));
    expect(early.rows).toEqual([]);
    expect(early.findings).toEqual([]);
  });
});
