import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import {
  evaluatePhase3Completion,
  type Phase3CompletionRow,
  phase3CompletionCheck,
} from '../../src/jobs/phase3_completion.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { type FixtureWarehouse, fixtureWarehouse, runRow, scheduleRow } from './pipeline-fixture.js';

const NOW = new Date('2026-01-18T14:00:00Z'); // 09:00 ET, the morning health run
const ctx: CheckContext = { date: '2026-01-18', now: NOW, thresholds: DEFAULT_THRESHOLDS };
const at = (iso: string) => new Date(iso);

function row(over: Partial<Phase3CompletionRow> = {}): Phase3CompletionRow {
  return {
    game_date: '2026-01-18',
    games: 6,
    final_games: 0,
    last_tip_at: at('2026-01-19T03:00:00Z'),
    processor_name: 'upcoming_player_game_context',
    tier: 'critical',
    attempts: 1,
    successes: 1,
    first_success_at: at('2026-01-18T11:00:00Z'),
    last_started_at: at('2026-01-18T10:50:00Z'),
    last_status: 'success',
    last_records_processed: 180,
    last_records_expected: 200,
    last_error: null,
    phase4_started_at: at('2026-01-18T11:10:00Z'),
    ...over,
  };
}

const failed = { successes: 0, first_success_at: null, last_status: 'failed', last_error: 'timeout' };
const yesterdayFinal = {
  game_date: '2026-01-17',
  final_games: 6,
  last_tip_at: at('2026-01-18T03:30:00Z'), // 22:30 ET tip, due 10 h later = 13:30 UTC
};

describe('phase3_completion evaluate', () => {
  it('a critical processor without a success is critical and offers a retry', () => {
    const findings = evaluatePhase3Completion(
      [row({ ...failed, attempts: 3 }), row({ processor_name: 'upcoming_team_game_context' })],
      ctx,
    );
    expect(findings).toHaveLength(1);
    const [f] = findings;
    expect(f?.key).toBe('phase3_completion:upcoming_player_game_context:2026-01-18');
    expect(f?.severity).toBe('critical');
    expect(f?.subject).toEqual({ processor: 'upcoming_player_game_context', date: '2026-01-18' });
    expect(f?.facts).toMatchObject({ attempts: 3, last_status: 'failed', last_error: 'timeout' });
    expect(f?.title).toContain('last run failed');
    expect(f?.actions).toEqual([
      { kind: 'retry', processor: 'upcoming_player_game_context', date: '2026-01-18' },
    ]);
  });

  it('a processor that never ran is named as such', () => {
    const [f] = evaluatePhase3Completion(
      [row({ attempts: 0, successes: 0, first_success_at: null, last_status: null, last_started_at: null })],
      ctx,
    );
    expect(f?.title).toContain('never ran');
    expect(f?.facts.attempts).toBe(0);
  });

  it('keeps the same key whatever the attempt count or status', () => {
    const keys = [
      row({ ...failed, attempts: 1 }),
      row({ ...failed, attempts: 4, last_status: 'running' }),
      row({ attempts: 0, successes: 0, first_success_at: null, last_status: null }),
    ].map((r) => evaluatePhase3Completion([r], ctx)[0]?.key);
    expect(new Set(keys)).toEqual(new Set(['phase3_completion:upcoming_player_game_context:2026-01-18']));
  });

  it('an optional processor is owed only once its date is final and past the post-game grace', () => {
    const summary = { processor_name: 'player_game_summary', tier: 'optional' as const, ...failed };
    // today's games not played yet: quiet
    expect(evaluatePhase3Completion([row(summary)], ctx)).toEqual([]);
    // yesterday final, 10 h after the last tip: a warning
    const due = evaluatePhase3Completion([row({ ...summary, ...yesterdayFinal })], ctx);
    expect(due.map((f) => [f.key, f.severity])).toEqual([
      ['phase3_completion:player_game_summary:2026-01-17', 'warning'],
    ]);
    // one minute before the grace ends: quiet
    const early = { ...ctx, now: at('2026-01-18T13:29:00Z') };
    expect(evaluatePhase3Completion([row({ ...summary, ...yesterdayFinal })], early)).toEqual([]);
    // nothing final at all (nothing played, or the schedule not updated): quiet
    expect(evaluatePhase3Completion([row({ ...summary, ...yesterdayFinal, final_games: 0 })], ctx)).toEqual(
      [],
    );
  });

  it('is quiet when every owed processor succeeded and phase 4 started', () => {
    const rows = [
      row(),
      row({ processor_name: 'upcoming_team_game_context' }),
      row({ processor_name: 'player_game_summary', tier: 'optional', ...failed }), // not owed yet
    ];
    expect(evaluatePhase3Completion(rows, ctx)).toEqual([]);
    expect(evaluatePhase3Completion([], ctx)).toEqual([]);
  });

  describe('phase 4 start', () => {
    const done = (minutesAgo: number, over: Partial<Phase3CompletionRow> = {}) => {
      const completed = new Date(NOW.getTime() - minutesAgo * 60_000);
      return [
        row({ first_success_at: at('2026-01-18T10:00:00Z'), phase4_started_at: null, ...over }),
        row({
          processor_name: 'upcoming_team_game_context',
          first_success_at: completed,
          phase4_started_at: null,
          ...over,
        }),
      ];
    };

    it('is an error once phase 4 has not started grace minutes after the last critical success', () => {
      const findings = evaluatePhase3Completion(done(30), ctx);
      expect(findings.map((f) => [f.key, f.severity])).toEqual([
        ['phase3_completion:phase4_not_started:2026-01-18', 'error'],
      ]);
      expect(findings[0]?.facts).toMatchObject({
        minutes_waiting: 30,
        grace_minutes: 30,
        phase3_completed_at: '2026-01-18T13:30:00.000Z',
      });
      expect(evaluatePhase3Completion(done(95), ctx)[0]?.key).toBe(findings[0]?.key);
    });

    it('stays quiet inside the grace, once phase 4 started, or while a critical processor is missing', () => {
      expect(evaluatePhase3Completion(done(29), ctx)).toEqual([]);
      expect(
        evaluatePhase3Completion(done(120, { phase4_started_at: at('2026-01-18T13:59:00Z') }), ctx),
      ).toEqual([]);
      const [a, b] = done(120);
      const missing = evaluatePhase3Completion(
        [a as Phase3CompletionRow, { ...(b as Phase3CompletionRow), ...failed }],
        ctx,
      );
      expect(missing.map((f) => f.key)).toEqual(['phase3_completion:upcoming_team_game_context:2026-01-18']);
    });

    it('uses the configured grace', () => {
      const strict = { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, phase4StartGraceMinutes: 10 } };
      expect(evaluatePhase3Completion(done(12), strict)).toHaveLength(1);
    });
  });

  it('asks the warehouse for yesterday and today as of now', () => {
    expect(phase3CompletionCheck.name).toBe('phase3_completion');
    expect(phase3CompletionCheck.params(ctx)).toEqual({
      window_start: '2026-01-17',
      report_date: '2026-01-18',
      now: NOW,
      exhibition_season_types: ['Preseason', 'All-Star', 'Rising Stars'],
      critical_processors: ['upcoming_player_game_context', 'upcoming_team_game_context'],
      optional_processors: ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'],
    });
  });
});

describe('phase3_completion: a postponed game does not hold back the played ones', () => {
  // Eight games on 2026-03-12, the last tipping off at 22:00 ET; one of them postponed (never final).
  const slate = (postponed: boolean) => [
    ...Array.from({ length: 7 }, (_, i) =>
      scheduleRow('2026-03-12', { game_status: 3, game_start_time: at(`2026-03-12T2${i % 3}:00:00Z`) }),
    ),
    scheduleRow('2026-03-12', {
      game_status: postponed ? 1 : 3,
      game_start_time: at('2026-03-13T02:00:00Z'),
    }),
  ];
  // The contexts ran; team_offense_game_summary never did for the seven games played.
  const runs = [
    ...['upcoming_player_game_context', 'upcoming_team_game_context'].map((p) => runRow(p, '2026-03-12')),
    runRow('precompute_features', '2026-03-12', { phase: 4, started_at: at('2026-03-12T10:30:00Z') }),
    ...['player_game_summary', 'team_defense_game_summary'].map((p) =>
      runRow(p, '2026-03-12', {
        started_at: at('2026-03-13T07:00:00Z'),
        completed_at: at('2026-03-13T07:20:00Z'),
      }),
    ),
  ];
  const morningAfter = {
    date: '2026-03-13',
    now: at('2026-03-13T15:00:00Z'),
    thresholds: DEFAULT_THRESHOLDS,
  };

  it.each([true, false])(
    'postponed game on the slate: %s → the missing summary is a warning',
    async (postponed) => {
      const db = await fixtureWarehouse({
        'nba_raw.nbac_schedule': slate(postponed),
        'nba_reference.processor_run_history': runs,
      });
      try {
        const { findings } = await db.run(phase3CompletionCheck, morningAfter);
        expect(findings.map((f) => [f.key, f.severity])).toEqual([
          ['phase3_completion:team_offense_game_summary:2026-03-12', 'warning'],
        ]);
      } finally {
        await db.close();
      }
    },
  );
});

describe('phase3_completion on DuckDB', () => {
  const CRITICAL = ['upcoming_player_game_context', 'upcoming_team_game_context'];
  const OPTIONAL = ['player_game_summary', 'team_defense_game_summary', 'team_offense_game_summary'];
  let db: FixtureWarehouse;

  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_raw.nbac_schedule': [
        scheduleRow('2026-01-17', { game_status: 3 }),
        scheduleRow('2026-01-17', { game_status: 3, game_start_time: at('2026-01-18T03:00:00Z') }),
        scheduleRow('2026-01-18'),
        scheduleRow('2026-01-18', { game_start_time: at('2026-01-19T03:00:00Z') }),
        scheduleRow('2026-01-19'),
      ],
      'nba_reference.processor_run_history': [
        // 2026-01-17: all good but one game summary, which failed twice after the games.
        ...CRITICAL.map((p) => runRow(p, '2026-01-17')),
        ...['player_game_summary', 'team_offense_game_summary'].map((p) =>
          runRow(p, '2026-01-17', {
            started_at: at('2026-01-18T08:00:00Z'),
            completed_at: at('2026-01-18T08:10:00Z'),
          }),
        ),
        ...[8, 9].map((h) =>
          runRow('team_defense_game_summary', '2026-01-17', {
            started_at: at(`2026-01-18T0${h}:00:00Z`),
            completed_at: at(`2026-01-18T0${h}:01:00Z`),
            status: 'failed',
            error_message: `timeout #${h}`,
          }),
        ),
        runRow('precompute_features', '2026-01-17', { phase: 4, started_at: at('2026-01-17T10:20:00Z') }),
        // 2026-01-18: player context failed then succeeded; team context finished only at 15:00.
        runRow('upcoming_player_game_context', '2026-01-18', {
          status: 'failed',
          completed_at: at('2026-01-18T09:05:00Z'),
          started_at: at('2026-01-18T09:00:00Z'),
        }),
        runRow('upcoming_player_game_context', '2026-01-18'),
        runRow('upcoming_team_game_context', '2026-01-18', {
          started_at: at('2026-01-18T13:00:00Z'),
          completed_at: at('2026-01-18T15:00:00Z'),
        }),
        runRow('precompute_features', '2026-01-18', { phase: 4, started_at: at('2026-01-18T15:20:00Z') }),
        // 2026-01-19: phase 3 done at 10:05, phase 4 only at 11:00.
        ...CRITICAL.map((p) => runRow(p, '2026-01-19')),
        runRow('precompute_features', '2026-01-19', { phase: 4, started_at: at('2026-01-19T11:00:00Z') }),
        // 2026-01-21 has no games: a failed run there is nobody's business.
        runRow('upcoming_player_game_context', '2026-01-21', { status: 'failed' }),
        // A phase 2 run with a phase 3 name does not count as phase 3.
        runRow('upcoming_team_game_context', '2026-01-21', { phase: 2 }),
      ],
    });
  });
  afterAll(() => db?.close());

  it('flags the failed summary of a final date and the critical context still running, nothing else', async () => {
    const { rows, findings } = await db.run(phase3CompletionCheck, ctx);
    expect(rows).toHaveLength(2 * (CRITICAL.length + OPTIONAL.length));
    expect(findings.map((f) => [f.key, f.severity, f.facts.last_status])).toEqual([
      ['phase3_completion:team_defense_game_summary:2026-01-17', 'warning', 'failed'],
      ['phase3_completion:upcoming_team_game_context:2026-01-18', 'critical', 'running'],
    ]);
    expect(findings[0]?.facts).toMatchObject({ attempts: 2, last_error: 'timeout #9' });
  });

  it('sees phase 4 late as of 10:40 the next day, and started as of 11:30', async () => {
    const late = await db.run(phase3CompletionCheck, {
      ...ctx,
      date: '2026-01-19',
      now: at('2026-01-19T10:40:00Z'),
    });
    expect(late.findings.map((f) => [f.key, f.severity, f.facts.minutes_waiting])).toEqual([
      ['phase3_completion:phase4_not_started:2026-01-19', 'error', 35],
    ]);
    const started = await db.run(phase3CompletionCheck, {
      ...ctx,
      date: '2026-01-19',
      now: at('2026-01-19T11:30:00Z'),
    });
    expect(started.findings).toEqual([]);
  });

  it('a date without games yields no rows', async () => {
    const { rows, findings } = await db.run(phase3CompletionCheck, {
      ...ctx,
      date: '2026-01-21',
      now: at('2026-01-21T14:00:00Z'),
    });
    expect(rows).toEqual([]);
    expect(findings).toEqual([]);
  });
});
