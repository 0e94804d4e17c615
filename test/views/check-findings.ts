// One or more real findings of every check (each shape its evaluator makes), built by the evaluators from
// hand-made rows, for the tests that hold every alert to its shape. A check registered without an entry here
// fails test/views/alert-presentation.test.ts, which names it.
import { BOXSCORE_FAN_OUT } from '../../src/alerts/fan-out.js';
import { boxscoreCompletenessCheck } from '../../src/jobs/boxscore_completeness.js';
import type { CheckContext } from '../../src/jobs/check.js';
import { circuitBreakersCheck } from '../../src/jobs/circuit_breakers.js';
import { dataFreshnessCheck } from '../../src/jobs/data_freshness.js';
import type { Finding } from '../../src/jobs/finding.js';
import { gradingAccuracyCheck } from '../../src/jobs/grading_accuracy.js';
import { gradingCoverageCheck } from '../../src/jobs/grading_coverage.js';
import { phase3CompletionCheck } from '../../src/jobs/phase3_completion.js';
import { phase3DataStaleCheck } from '../../src/jobs/phase3_data_stale.js';
import { predictionDuplicatesCheck } from '../../src/jobs/prediction_duplicates.js';
import { predictionVolumeCheck } from '../../src/jobs/prediction_volume.js';
import { proxyBreakersCheck } from '../../src/jobs/proxy_breakers.js';
import { checkFailedFinding } from '../../src/jobs/run-checks.js';
import { scraperGapsCheck } from '../../src/jobs/scraper_gaps.js';
import { sourceDiscrepancyCheck } from '../../src/jobs/source_discrepancy.js';
import { sourceFreshnessCheck } from '../../src/jobs/source_freshness.js';
import { sourceVolumeCheck } from '../../src/jobs/source_volume.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { workflowFailuresCheck } from '../../src/jobs/workflow_failures.js';
import { evaluateSelfHealth } from '../../src/pipeline/self-health.js';

/** Tue Jan 20 2026, 12:00 ET: the morning after 2026-01-19's slate. */
const now = new Date('2026-01-20T17:00:00Z');
const ctx: CheckContext = { date: '2026-01-20', now, thresholds: DEFAULT_THRESHOLDS };
const at = (iso: string) => new Date(iso);

const gapRow = (scraper: string, date: string, error_type: string, message: string) => ({
  scraper_name: scraper,
  game_date: date,
  games: 9,
  last_tip_at: at(`${date}T03:00:00Z`),
  first_failed_at: at(`${date}T15:00:00Z`),
  last_failed_at: at(`${date}T20:02:55Z`),
  attempts: 4,
  error_type,
  error_message: message,
});

const boxscoreRows = (team: string, missing: readonly string[]) =>
  ['2026-01-15', '2026-01-17', '2026-01-19'].map((d, i) => ({
    team,
    game_date: d,
    game_id: `002250060${i}${team}`,
    has_boxscore: !missing.includes(d),
  }));

const phase3Row = (processor: string, tier: 'critical' | 'optional', successes: number) => ({
  game_date: '2026-01-19',
  games: 9,
  final_games: 9,
  last_tip_at: at('2026-01-20T03:30:00Z'),
  processor_name: processor,
  tier,
  attempts: 3,
  successes,
  first_success_at: successes > 0 ? at('2026-01-19T12:00:00Z') : null,
  last_started_at: at('2026-01-19T12:40:00Z'),
  last_status: successes > 0 ? 'success' : 'failed',
  last_records_processed: successes > 0 ? 480 : 31,
  last_records_expected: 480,
  last_error: successes > 0 ? null : 'missing betting lines for 12 games',
  phase4_started_at: null,
});

/** A grading row; the columns beyond the hit rate (scored picks, error sums) are what a row without them reads as. */
const gradedRow = (game_date: string, system_id: string, graded: number, correct: number) =>
  ({
    game_date,
    system_id,
    graded,
    correct,
    scored: graded,
    absolute_error_sum: null,
  }) as unknown as Parameters<typeof gradingAccuracyCheck.evaluate>[0][number];

/** The grouped alert of teams missing the same night, as src/alerts/fan-out.ts builds it. */
function groupOf(members: Finding[]): Finding {
  const names = members.map((m) => m.subject.team ?? '?').sort();
  const { title, facts } = BOXSCORE_FAN_OUT.describe(members, names);
  return {
    ...(members[0] as Finding),
    key: 'boxscore_completeness:group:last-missing:2026-01-19',
    title,
    subject: {},
    facts: { [BOXSCORE_FAN_OUT.membersFact]: names, ...facts },
  };
}

export function checkFindings(): Record<string, Finding[]> {
  const teamFindings = boxscoreCompletenessCheck.evaluate(
    [
      ...boxscoreRows('LAL', ['2026-01-17', '2026-01-19']),
      ...boxscoreRows('BOS', ['2026-01-17', '2026-01-19']),
    ],
    ctx,
  );
  return {
    source_discrepancy: sourceDiscrepancyCheck.evaluate(
      ['LAL', 'BOS', 'NYK', 'MIA'].map((home, i) => ({
        game_date: '2026-01-19',
        game_id: `00225006${i}`,
        home_team: home,
        away_team: 'DEN',
        tip_at: at('2026-01-20T00:00:00Z'),
        bdl_home: i === 0,
        bdl_away: i === 0 || i === 1,
        bdl_games: 2,
      })),
      ctx,
    ),
    scraper_gaps: scraperGapsCheck.evaluate(
      [
        ...['2026-01-15', '2026-01-17', '2026-01-19'].map((d) =>
          gapRow('bp_player_props', d, 'api_error', 'HTTP 403 from bettingpros.com'),
        ),
        gapRow('bdb_pbp', '2026-01-17', 'no_data_yet', 'No game found matching query'),
      ],
      ctx,
    ),
    boxscore_completeness: [...teamFindings, groupOf(teamFindings)],
    circuit_breakers: circuitBreakersCheck.evaluate(
      ['lebronjames', 'anthonydavis', 'jaysontatum'].map((entity, i) => ({
        processor_name: 'player_daily_cache',
        entity_id: entity,
        analysis_date: '2026-01-19',
        attempt_count: 5,
        completeness_pct: 40,
        skip_reason: 'incomplete_upstream',
        circuit_breaker_until: at('2026-01-21T12:00:00Z'),
        last_attempt_at: at('2026-01-20T12:00:00Z'),
        upstream_ready: i === 0,
      })),
      ctx,
    ),
    proxy_breakers: proxyBreakersCheck.evaluate(
      [
        ['proxyfuel', 'bettingpros.com', 'OPEN'],
        ['decodo', 'bettingpros.com', 'CLOSED'],
        ['decodo', 'stats.nba.com', 'HALF_OPEN'],
        ['proxyfuel', 'api.example.com', 'OPEN'],
      ].map(([provider, target, state]) => ({
        proxy_provider: provider as string,
        target_host: target as string,
        circuit_state: state as string,
        failure_count: 7,
        last_failure_at: at('2026-01-20T14:00:00Z'),
        last_success_at: at('2026-01-19T14:00:00Z'),
        opened_at: at('2026-01-20T13:00:00Z'),
        updated_at: at('2026-01-20T14:00:00Z'),
        providers_known: target === 'api.example.com' ? 1 : 2,
      })),
      ctx,
    ),
    phase3_completion: phase3CompletionCheck
      .evaluate(
        [
          phase3Row('upcoming_player_game_context', 'critical', 0),
          phase3Row('player_game_summary', 'optional', 0),
        ],
        ctx,
      )
      .concat(
        phase3CompletionCheck.evaluate(
          [
            phase3Row('upcoming_player_game_context', 'critical', 1),
            phase3Row('upcoming_team_game_context', 'critical', 1),
          ],
          ctx,
        ),
      ),
    prediction_volume: [0, 140].flatMap((n) =>
      predictionVolumeCheck.evaluate(
        [{ games: 9, predictions: n, active_rows: n, systems: 4, players: Math.floor(n / 4) }],
        { ...ctx, date: '2026-01-20' },
      ),
    ),
    prediction_duplicates: predictionDuplicatesCheck.evaluate(
      [
        {
          system_id: 'xgb_v2',
          player_lookup: 'lebronjames',
          game_id: 'g1',
          prop_type: 'points',
          line_value: 25.5,
          copies: 5,
        },
        {
          system_id: 'ensemble',
          player_lookup: 'jaysontatum',
          game_id: 'g2',
          prop_type: 'rebounds',
          line_value: null,
          copies: 2,
        },
      ],
      ctx,
    ),
    data_freshness: dataFreshnessCheck.evaluate(
      [
        {
          processor_name: 'upcoming_player_game_context',
          first_prediction_at: at('2026-01-20T12:45:00Z'),
          active_rows: 300,
          last_data_date: '2026-01-18',
          last_success_at: at('2026-01-18T12:00:00Z'),
        },
        {
          processor_name: 'upcoming_team_game_context',
          first_prediction_at: at('2026-01-20T12:45:00Z'),
          active_rows: 300,
          last_data_date: null,
          last_success_at: null,
        },
      ],
      ctx,
    ),
    phase3_data_stale: phase3DataStaleCheck.evaluate(
      ['upcoming_player_game_context', 'upcoming_team_game_context'].map((processor_name, i) => ({
        processor_name,
        first_prediction_at: at('2026-01-20T19:15:00Z'),
        output_at: at(i === 0 ? '2026-01-20T11:40:00Z' : '2026-01-20T18:30:00Z'),
      })),
      ctx,
    ),
    workflow_failures: workflowFailuresCheck.evaluate(
      [
        {
          workflow_name: 'injury_discovery',
          executions: 16,
          failures: 11,
          failures_without_message: 11,
          last_failed_at: at('2026-01-20T15:00:00Z'),
          last_error: null,
        },
        {
          workflow_name: 'betting_lines',
          executions: 10,
          failures: 2,
          failures_without_message: 0,
          last_failed_at: at('2026-01-20T14:00:00Z'),
          last_error: 'rate_limit: HTTP 429 from api.the-odds-api.com',
        },
      ],
      ctx,
    ),
    grading_accuracy: gradingAccuracyCheck
      .evaluate(
        [
          ...Array.from({ length: 14 }, (_, i) =>
            gradedRow(`2026-01-${String(5 + i).padStart(2, '0')}`, 'xgb_v2', 50, 28),
          ),
          gradedRow('2026-01-19', 'xgb_v2', 48, 9),
          gradedRow('2026-01-19', 'new_system', 48, 12),
          gradedRow('2026-01-19', 'ensemble', 50, 28),
        ],
        ctx,
      )
      .concat(
        // Every system down on 2026-01-18: one finding for the date, each system in its facts.
        gradingAccuracyCheck.evaluate(
          ['xgb_v2', 'ensemble'].flatMap((system) => [
            ...Array.from({ length: 14 }, (_, i) =>
              gradedRow(`2026-01-${String(4 + i).padStart(2, '0')}`, system, 50, 28),
            ),
            gradedRow('2026-01-18', system, 48, 9),
          ]),
          { ...ctx, date: '2026-01-19' },
        ),
      ),
    grading_coverage: gradingCoverageCheck.evaluate(
      ['xgb_v2', 'ensemble'].map((system, i) => ({
        game_date: '2026-01-19',
        games: 9,
        final_games: 9,
        last_tip_at: at('2026-01-20T00:30:00Z'),
        system_id: system,
        predictions: 170,
        graded: i === 0 ? 160 : 40,
      })),
      ctx,
    ),
    source_freshness: sourceFreshnessCheck.evaluate(
      [
        {
          source_kind: 'schedule',
          source: 'nba_raw.nbac_schedule',
          active_ats: [at('2026-01-18T00:00:00Z'), at('2026-01-19T00:00:00Z')],
          last_success_at: null,
        },
        // An hourly scraper silent since 10:05 ET the day before.
        {
          source_kind: 'scraper',
          source: 'nbac_injury_report',
          active_ats: Array.from(
            { length: 200 },
            (_, i) => new Date(at('2026-01-11T07:05:00Z').getTime() + i * 3_600_000),
          ),
          last_success_at: at('2026-01-19T15:05:00Z'),
        },
      ],
      { ...ctx, thresholds: { ...ctx.thresholds, freshnessSources: [] } },
    ),
    source_volume: sourceVolumeCheck.evaluate(
      ['2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-20'].map(
        (game_date) => ({
          source_kind: 'processor' as const,
          source: 'upcoming_player_game_context',
          game_date,
          games: 6,
          final_games: 0,
          records: game_date === '2026-01-20' ? 20 : 180,
          per_games: 6,
          completed_at: at(`${game_date}T11:50:00Z`),
        }),
      ),
      ctx,
    ),
    check_failed: [checkFailedFinding('scraper_gaps', new Error('Query timed out after 60 s'))],
    self_health: evaluateSelfHealth({
      now,
      jobs: [{ name: 'gaps', cron: ['0 */4 * * *'], lastCompletedAt: at('2026-01-19T17:00:00Z') }],
      slack: {
        consecutiveFailures: 7,
        failingSince: at('2026-01-20T16:40:00Z'),
        lastFailedCall: 'chat.postMessage',
        lastError: 'ratelimited',
      },
      watchingSince: at('2026-01-18T00:00:00Z'),
      settings: { staleFactor: 2, startupGraceMs: 0, slackFailures: 5, slackFailureMs: 5 * 60_000 },
    }),
  };
}
