import { z } from 'zod';
import { JOBS } from './jobs/registry.js';
import type { Thresholds } from './jobs/thresholds.js';
import { policyListSchema, quietHoursSchema } from './recovery/policies.js';
import { parseByteSize } from './warehouse/byte-size.js';

/**
 * Every environment variable shotclock reads, in one table: the zod schema, `.env.example` and the
 * README's configuration table are all derived from (and tested against) this list.
 */
export type VarGroup =
  | 'slack'
  | 'gcp'
  | 'server'
  | 'embedded'
  | 'alerts'
  | 'recovery'
  | 'retention'
  | 'thresholds'
  | 'schedules';

export interface VarSpec {
  readonly group: VarGroup;
  readonly description: string;
  /** Secrets never have defaults and are never logged. */
  readonly secret?: boolean;
  readonly example?: string;
  readonly schema: z.ZodType;
  /** The check threshold (src/jobs/thresholds.ts) the variable overrides when set. */
  readonly threshold?: keyof Thresholds;
}

const str = z.string().trim().min(1);
const optionalStr = str.optional();
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number) => z.coerce.number().int().min(min);
const ratio = z.coerce.number().min(0).max(1);
const positive = z.coerce.number().positive();
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
/** A comma-separated list of positive delays, e.g. `4,12,24`. */
const delayList = csv.transform((items) => items.map(Number)).pipe(z.array(z.number().positive()).min(1));
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
// One or more 5-field cron expressions separated by ';' (a job may run at unrelated times, e.g. 09:00 and 14:15).
const cronList = z.string().transform((v, ctx) => {
  const exprs = v
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const expr of exprs) {
    if (!/^(\S+\s+){4}\S+$/.test(expr))
      ctx.addIssue({ code: 'custom', message: `"${expr}" is not a 5-field cron expression` });
  }
  if (exprs.length === 0) ctx.addIssue({ code: 'custom', message: 'expected at least one cron expression' });
  return exprs;
});
const url = z.url();

/** Schemas inside the embedded DuckDB file: its file name may not equal one of them. */
const EMBEDDED_SCHEMAS = [
  'shotclock',
  'nba_raw',
  'nba_reference',
  'nba_orchestration',
  'nba_predictions',
  'nba_monitoring',
  'main',
];

export const VARS = {
  // Slack: all of the group or none of it (readConfig checks the group, so each variable is optional on its own).
  SLACK_BOT_TOKEN: {
    group: 'slack',
    secret: true,
    description: 'Bot token (xoxb-…) of the Slack app.',
    example: 'xoxb-…',
    schema: str.startsWith('xoxb-').optional(),
  },
  SLACK_SIGNING_SECRET: {
    group: 'slack',
    secret: true,
    description: 'Signing secret: verifies that HTTP requests come from Slack (HTTP mode).',
    schema: str.optional(),
  },
  SLACK_APP_TOKEN: {
    group: 'slack',
    secret: true,
    description: 'App-level token (xapp-…), only for Socket Mode.',
    example: 'xapp-…',
    schema: str.startsWith('xapp-').optional(),
  },
  SLACK_SOCKET_MODE: {
    group: 'slack',
    description: 'true to use Socket Mode (self-hosted) instead of HTTP (Cloud Run).',
    example: 'false',
    schema: bool.default(false),
  },
  SLACK_API_URL: {
    group: 'slack',
    description:
      "Base URL of Slack's Web API; default Slack's own. For a proxy that forwards to Slack, or a local Slack double in tests.",
    example: 'https://slack.com/api/',
    // The Web API client joins method names onto it: it must end in a slash.
    schema: z
      .string()
      .url()
      .transform((url) => (url.endsWith('/') ? url : `${url}/`))
      .optional(),
  },
  SLACK_PROCESS_BEFORE_RESPONSE: {
    group: 'slack',
    description:
      "HTTP mode: finish each listener's work before the HTTP response (acks still come first), for platforms that throttle CPU after a response; default true on Cloud Run (K_SERVICE set), false elsewhere.",
    example: 'false',
    schema: bool.optional(),
  },
  SLACK_ALERT_CHANNEL: {
    group: 'slack',
    description: 'Channel ID where alerts and the digest are posted.',
    example: 'C0123456789',
    schema: str.optional(),
  },
  SLACK_CRITICAL_CHANNEL: {
    group: 'alerts',
    description: 'Optional channel ID for critical alerts (default: the alert channel).',
    schema: optionalStr,
  },
  SLACK_CRITICAL_MENTION: {
    group: 'alerts',
    description: 'Optional user group ID mentioned on critical alerts (S…).',
    schema: optionalStr,
  },
  SLACK_OPERATOR_USER_IDS: {
    group: 'alerts',
    description: 'Comma-separated user IDs allowed to Backfill and Reset Breaker.',
    example: 'U01,U02',
    schema: csv.default([]),
  },
  SLACK_OPERATOR_GROUP_ID: {
    group: 'alerts',
    description: 'User group ID whose members are operators (in addition to the user IDs).',
    schema: optionalStr,
  },
  // The bot watching itself.
  SELF_HEALTH_STALE_FACTOR: {
    group: 'alerts',
    description:
      'A checking job that has not completed for this many times its interval (the longest gap of its cron) raises a self-health alert.',
    example: '2',
    schema: z.coerce.number().min(1).default(2),
  },
  SELF_HEALTH_STARTUP_GRACE_MINUTES: {
    group: 'alerts',
    description: 'No stale-job alert this soon after the process starts.',
    example: '30',
    schema: int(0).default(30),
  },
  SLACK_FAILURE_ALERT_COUNT: {
    group: 'alerts',
    description:
      'Failed Slack calls in a row (a waited-out 429 is not a failure) that, together with the minutes below, raise a self-health alert and log "Slack unreachable".',
    example: '5',
    schema: int(1).default(5),
  },
  SLACK_FAILURE_ALERT_MINUTES: {
    group: 'alerts',
    description: 'How long Slack calls must have been failing before that alert.',
    example: '5',
    schema: z.coerce.number().min(0).default(5),
  },
  // Google Cloud: all of the group or none of it (checked by readConfig).
  GCP_PROJECT_ID: {
    group: 'gcp',
    description: 'Project holding the BigQuery datasets, Firestore and Cloud Tasks.',
    example: 'nba-props-platform',
    schema: str.optional(),
  },
  BIGQUERY_LOCATION: {
    group: 'gcp',
    description: 'BigQuery location of the datasets.',
    example: 'US',
    schema: str.default('US'),
  },
  BIGQUERY_MAX_BYTES_BILLED: {
    group: 'gcp',
    description:
      "Byte budget (maximumBytesBilled) of each BigQuery job whose SQL file declares none (`-- @max_bytes_billed`): BigQuery refuses, at no charge, a query that would bill more, and a check so refused becomes a check_failed finding naming the query. 5GiB is several times the widest date-bounded query at the pipeline's volumes and well below a scan of a whole season (README, BigQuery guardrails).",
    example: '5GiB',
    schema: z
      .string()
      .default('5GiB')
      .transform((v, ctx) => {
        const bytes = parseByteSize(v);
        if (typeof bytes === 'number') return bytes;
        ctx.addIssue({ code: 'custom', message: bytes.error });
        return z.NEVER;
      }),
  },
  FIRESTORE_DATABASE_ID: {
    group: 'gcp',
    description: 'Firestore database ID.',
    example: '(default)',
    schema: str.default('(default)'),
  },
  CLOUD_TASKS_LOCATION: {
    group: 'gcp',
    description: 'Region of the Cloud Tasks queue.',
    example: 'us-west2',
    schema: str.optional(),
  },
  CLOUD_TASKS_QUEUE: {
    group: 'gcp',
    description: 'Cloud Tasks queue name for retries and backfills.',
    example: 'shotclock-recovery',
    schema: str.optional(),
  },
  TASKS_TARGET_URL: {
    group: 'gcp',
    description:
      "Public base URL of this service; tasks call <url>/tasks/*, and it is the OIDC token's audience.",
    example: 'https://shotclock-xyz.a.run.app',
    schema: url.optional(),
  },
  TASKS_SERVICE_ACCOUNT_EMAIL: {
    group: 'gcp',
    description: 'Service account Cloud Tasks signs OIDC tokens as; /tasks/* accepts only it.',
    example: 'shotclock-tasks@nba-props-platform.iam.gserviceaccount.com',
    schema: z.email().optional(),
  },
  SCRAPER_SERVICE_URL: {
    group: 'gcp',
    description: 'Base URL of the scraper service (POST /scrape).',
    example: 'https://nba-phase1-scrapers-xyz.a.run.app',
    schema: url.optional(),
  },
  SCRAPER_SERVICE_TOKEN: {
    group: 'gcp',
    secret: true,
    description: 'Bearer token for the scraper service.',
    schema: str.optional(),
  },
  PROCESSOR_SERVICE_URL: {
    group: 'gcp',
    description: 'Base URL of the processor service (POST /run-processor); default: the scraper service.',
    schema: url.optional(),
  },
  PROCESSOR_SERVICE_TOKEN: {
    group: 'gcp',
    secret: true,
    description: 'Bearer token for the processor service; default: the scraper token.',
    schema: optionalStr,
  },
  // Endpoint overrides for testing and self-hosting (local emulators and doubles); unset in production.
  FIRESTORE_EMULATOR_HOST: {
    group: 'gcp',
    description: 'Testing/self-hosting only: host:port of a Firestore emulator (no credentials used).',
    schema: optionalStr,
  },
  BIGQUERY_API_URL: {
    group: 'gcp',
    description:
      "Testing/self-hosting only: base URL of a BigQuery API double or proxy (no credentials used); default Google's.",
    schema: url.optional(),
  },
  CLOUD_TASKS_API_ENDPOINT: {
    group: 'gcp',
    description:
      "Testing/self-hosting only: host:port of a Cloud Tasks gRPC double or emulator (plaintext, no credentials); default Google's.",
    schema: str.regex(/^[^:\s]+:\d+$/, 'expected host:port').optional(),
  },
  // Server.
  PORT: {
    group: 'server',
    description: 'HTTP port (Cloud Run sets it).',
    example: '3000',
    schema: int(0).max(65535).default(3000),
  },
  HOST: {
    group: 'server',
    description: 'Interface to listen on.',
    example: '0.0.0.0',
    schema: str.default('0.0.0.0'),
  },
  LOG_LEVEL: {
    group: 'server',
    description: 'debug | info | warn | error.',
    example: 'info',
    schema: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  },
  LOG_FORMAT: {
    group: 'server',
    description: 'json (Cloud Logging) or pretty (terminal); default json in the cloud, pretty in the demo.',
    schema: z.enum(['json', 'pretty']).optional(),
  },
  DASHBOARD_CACHE_SECONDS: {
    group: 'server',
    description:
      'How old a warehouse reading App Home and the slash commands show may be (0: every open reads). BigQuery bills each query by bytes scanned, and one reading of Home scans a week of scrape_events: so the reading after each check run is shared by every open and undated command until the next run, with the time it is as of shown; the default is the longest wait between the default daytime check runs (16:00 to 20:00 ET). A reading older than this is read again by the next person who asks, once for everyone. A command given an explicit date always reads afresh (README, "Warehouse cost").',
    example: '14400',
    schema: int(0).max(86_400).default(14_400),
  },
  // Embedded default (demo, tests, single VM).
  SHOTCLOCK_DB_PATH: {
    group: 'embedded',
    description:
      'DuckDB file of the embedded warehouse, store and task queue (its name may not be a schema name such as shotclock or nba_raw).',
    example: '.data/pipeline.duckdb',
    // DuckDB names the database after the file: a file called shotclock.duckdb would make `shotclock.x`
    // ambiguous between that database and the bot's own `shotclock` schema.
    schema: str
      .default('.data/pipeline.duckdb')
      .refine(
        (path) =>
          !EMBEDDED_SCHEMAS.includes((path.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '').toLowerCase()),
        { message: `the file name may not be one of the database's schema names` },
      ),
  },
  DEMO_DATE: {
    group: 'embedded',
    description:
      'Game date the demo replays: it starts at 05:50 ET the morning after, while several simulated incidents are active.',
    example: '2026-01-19',
    schema: isoDate.default('2026-01-19'),
  },
  DEMO_SECONDS_PER_SIM_HOUR: {
    group: 'embedded',
    description: 'Real seconds per simulated hour in the demo (5 → a 4 h backoff plays in 20 s).',
    example: '5',
    schema: positive.default(5),
  },
  DEMO_SEED: {
    group: 'embedded',
    description: 'Simulator seed of the demo data.',
    example: '42',
    schema: int(0).default(42),
  },
  LOCAL_TASKS_SECRET: {
    group: 'embedded',
    secret: true,
    description: 'Shared secret the local task queue sends to /tasks/*; generated per run when unset.',
    schema: optionalStr,
  },
  // Recovery.
  RETRY_BACKOFF_HOURS: {
    group: 'recovery',
    description:
      "Delays before scraper retry attempts 1, 2, 3; default 4 h, 12 h, 24 h (the pipeline team's schedule, docs/pipeline.md#retry-schedule).",
    example: '4,12,24',
    schema: delayList.optional(),
  },
  PROCESSOR_RETRY_BACKOFF_MINUTES: {
    group: 'recovery',
    description:
      "Delays in minutes before processor retry attempts 1, 2, 3 (phase 3 run-processor); default 30, 30, 30, so the last try lands within about 90 minutes, before the day's predictions (the phase 3 incident plan, docs/pipeline.md#retry-schedule). Scrapers keep RETRY_BACKOFF_HOURS.",
    example: '30,30,30',
    schema: delayList.optional(),
  },
  BACKFILL_MAX_DAYS: {
    group: 'recovery',
    description: 'Longest date range one Backfill may cover.',
    example: '14',
    schema: int(1).default(14),
  },
  SCRAPER_TIMEOUT_MS: {
    group: 'recovery',
    description: 'Timeout of one call to the scraper/processor service.',
    example: '120000',
    schema: int(1000).default(120_000),
  },
  AUTOHEAL_POLICIES: {
    group: 'recovery',
    description:
      'Auto-heal policies, a JSON list of {name, check, severities, action: retry | backfill | reset_breaker, minAgeHours, maxPerSubjectPerDay (default 3)}; default: retry-discrepancy, backfill-boxscores (gaps 6 h old), retry-phase3-critical, breaker-data-arrived; [] turns auto-heal off.',
    example: '[{"name":"retry-discrepancy","check":"source_discrepancy","action":"retry"}]',
    schema: policyListSchema.optional(),
  },
  AUTOHEAL_QUIET_HOURS: {
    group: 'recovery',
    description:
      'HH:MM-HH:MM (ET) in which no automatic action starts; what is still wrong is healed by the first check run after it.',
    example: '01:00-05:00',
    schema: quietHoursSchema.optional(),
  },
  // Retention (README, "Deploying to Cloud Run": Firestore's TTL policies; the embedded store is pruned).
  AUDIT_RETENTION_DAYS: {
    group: 'retention',
    description: 'Days audit entries (who did what, on which incident) are kept before they are deleted.',
    example: '90',
    schema: int(2).default(90),
  },
  RETENTION_DAYS: {
    group: 'retention',
    description:
      "Days message-ledger entries, slot leases and finished local task rows are kept; at least a day longer than the retry schedule (the longer of RETRY_BACKOFF_HOURS' and PROCESSOR_RETRY_BACKOFF_MINUTES' totals), since the ledger is what stops a retried post from landing twice.",
    example: '14',
    schema: int(2).default(14),
  },
  // Thresholds (defaults and where each comes from: docs/pipeline.md#thresholds).
  GAP_ALERT_THRESHOLD: {
    group: 'thresholds',
    threshold: 'gapAlertThreshold',
    description: 'scraper_gaps: unbackfilled failure days in 7 that raise an alert.',
    example: '3',
    schema: int(1).optional(),
  },
  BOXSCORE_COVERAGE_MIN: {
    group: 'thresholds',
    threshold: 'boxscoreCoverageMin',
    description: 'boxscore_completeness: minimum share of final games with boxscores per team.',
    example: '0.7',
    schema: ratio.optional(),
  },
  WORKFLOW_FAILURE_WARN: {
    group: 'thresholds',
    threshold: 'workflowFailureWarn',
    description: 'workflow_failures: 24 h failure rate above which a workflow warns.',
    example: '0.1',
    schema: ratio.optional(),
  },
  WORKFLOW_FAILURE_ERROR: {
    group: 'thresholds',
    threshold: 'workflowFailureError',
    description: 'workflow_failures: 24 h failure rate above which it is an error.',
    example: '0.5',
    schema: ratio.optional(),
  },
  PREDICTION_VOLUME_MIN: {
    group: 'thresholds',
    threshold: 'predictionVolumeMin',
    description: 'prediction_volume: fewer active predictions on a game date is an error.',
    example: '200',
    schema: int(1).optional(),
  },
  GRADING_COVERAGE_MIN: {
    group: 'thresholds',
    threshold: 'gradingCoverageMin',
    description: 'grading_coverage: minimum graded share of active predictions.',
    example: '0.9',
    schema: ratio.optional(),
  },
  BDB_GRACE_HOURS: {
    group: 'thresholds',
    threshold: 'bdbGraceHours',
    description: 'Hours after a game during which BigDataBall no_data_yet is expected.',
    example: '48',
    schema: positive.optional(),
  },
  GAP_LOOKBACK_DAYS: {
    group: 'thresholds',
    threshold: 'gapLookbackDays',
    description: 'scraper_gaps: days looked back over for gap days.',
    example: '7',
    schema: int(1).optional(),
  },
  BOXSCORE_WINDOW_DAYS: {
    group: 'thresholds',
    threshold: 'boxscoreWindowDays',
    description: "boxscore_completeness: days of final games a team's coverage is counted over.",
    example: '7',
    schema: int(1).optional(),
  },
  DISCREPANCY_LOOKBACK_DAYS: {
    group: 'thresholds',
    threshold: 'discrepancyLookbackDays',
    description: 'source_discrepancy: dates looked back over.',
    example: '7',
    schema: int(1).optional(),
  },
  DISCREPANCY_GRACE_HOURS: {
    group: 'thresholds',
    threshold: 'discrepancyGraceHours',
    description: 'source_discrepancy: hours after tip-off before a game BDL lacks counts.',
    example: '6',
    schema: positive.optional(),
  },
  GAME_OVER_HOURS: {
    group: 'thresholds',
    threshold: 'gameOverHours',
    description: 'Hours after tip-off by which a game is over (every post-game check).',
    example: '3',
    schema: positive.optional(),
  },
  POST_GAME_DUE_HOURS: {
    group: 'thresholds',
    threshold: 'postGameDueHours',
    description:
      "phase3_completion, grading_coverage: hours after a date's last tip-off by which game summaries and grading are due.",
    example: '10',
    schema: positive.optional(),
  },
  WORKFLOW_WINDOW_HOURS: {
    group: 'thresholds',
    threshold: 'workflowWindowHours',
    description: 'workflow_failures: hours the failure rate is counted over.',
    example: '24',
    schema: positive.optional(),
  },
  PHASE4_START_GRACE_MINUTES: {
    group: 'thresholds',
    threshold: 'phase4StartGraceMinutes',
    description:
      'phase3_completion: minutes after the critical processors finish by which phase 4 must have started.',
    example: '30',
    schema: int(1).optional(),
  },
  PREDICTION_VOLUME_EXPECTED: {
    group: 'thresholds',
    threshold: 'predictionVolumeExpected',
    description: 'prediction_volume: the active predictions a normal date has (shown beside the minimum).',
    example: '280',
    schema: int(1).optional(),
  },
  FRESHNESS_WARN_HOURS: {
    group: 'thresholds',
    threshold: 'freshnessWarnHours',
    description: "data_freshness: predictions made this long after an earlier date's phase 3 context warn.",
    example: '12',
    schema: positive.optional(),
  },
  FRESHNESS_ERROR_HOURS: {
    group: 'thresholds',
    threshold: 'freshnessErrorHours',
    description: 'data_freshness: predictions made this long after it are an error.',
    example: '24',
    schema: positive.optional(),
  },
  PHASE3_STALE_HOURS: {
    group: 'thresholds',
    threshold: 'phase3StaleHours',
    description:
      "phase3_data_stale: the date's own phase 3 output older than this when its predictions run is an error.",
    example: '2',
    schema: positive.optional(),
  },
  GRADING_DEGRADED_PTS: {
    group: 'thresholds',
    threshold: 'gradingDegradedPts',
    description: "grading_accuracy: points under the system's own baseline that warn.",
    example: '5',
    schema: positive.optional(),
  },
  GRADING_REGRESSION_PTS: {
    group: 'thresholds',
    threshold: 'gradingRegressionPts',
    description: 'grading_accuracy: points under it past which it is an error (model regression).',
    example: '10',
    schema: positive.optional(),
  },
  GRADING_FLOOR_PCT: {
    group: 'thresholds',
    threshold: 'gradingFloorPct',
    description: 'grading_accuracy: hit rate (%) under which a system is an error whatever its baseline.',
    example: '30',
    schema: z.coerce.number().min(0).max(100).optional(),
  },
  GRADING_MIN_SAMPLE: {
    group: 'thresholds',
    threshold: 'gradingMinSample',
    description: 'grading_accuracy: graded picks a date (and a baseline) needs to be judged.',
    example: '40',
    schema: int(1).optional(),
  },
  GRADING_BASELINE_DAYS: {
    group: 'thresholds',
    threshold: 'gradingBaselineDays',
    description: 'grading_accuracy: days before the date its baseline pools.',
    example: '14',
    schema: int(1).optional(),
  },
  ENTITY_LOCKOUT_MAX_HOURS: {
    group: 'thresholds',
    threshold: 'entityLockoutMaxHours',
    description:
      'circuit_breakers: an entity lockout longer than this is a configuration regression (error).',
    example: '24',
    schema: positive.optional(),
  },
  PROXY_STUCK_OPEN_HOURS: {
    group: 'thresholds',
    threshold: 'proxyStuckOpenHours',
    description:
      'proxy_breakers: a pair OPEN longer than this is stuck, long past its 5 min cooldown (error).',
    example: '24',
    schema: positive.optional(),
  },
  PROXY_HEALTH_WINDOW_HOURS: {
    group: 'thresholds',
    threshold: 'proxyHealthWindowHours',
    description: 'proxy_breakers: a provider seen in the health metrics this recently serves its target.',
    example: '24',
    schema: positive.optional(),
  },
  LEARNING_DAYS: {
    group: 'thresholds',
    threshold: 'learningDays',
    description: "source_freshness, source_volume: days of history each source's normal is learned from.",
    example: '28',
    schema: int(2).optional(),
  },
  FRESHNESS_PERCENTILE: {
    group: 'thresholds',
    threshold: 'freshnessPercentile',
    description:
      "source_freshness: percentile of a source's observed gaps its silence is bounded by (times the factor).",
    example: '0.98',
    schema: z.coerce.number().gt(0).max(1).optional(),
  },
  FRESHNESS_FACTOR: {
    group: 'thresholds',
    threshold: 'freshnessFactor',
    description: 'source_freshness: factor on that percentile.',
    example: '1.5',
    schema: z.coerce.number().min(1).optional(),
  },
  FRESHNESS_FLOOR_HOURS: {
    group: 'thresholds',
    threshold: 'freshnessFloorHours',
    description: 'source_freshness: the bound is never under this many hours.',
    example: '4',
    schema: positive.optional(),
  },
  FRESHNESS_MIN_SAMPLES: {
    group: 'thresholds',
    threshold: 'freshnessMinSamples',
    description: 'source_freshness: gaps a source needs before it is judged (else "learning").',
    example: '10',
    schema: int(1).optional(),
  },
  FRESHNESS_MIN_HISTORY_DAYS: {
    group: 'thresholds',
    threshold: 'freshnessMinHistoryDays',
    description: 'source_freshness: days of history a source needs before it is judged.',
    example: '7',
    schema: positive.optional(),
  },
  VOLUME_MIN_SHARE: {
    group: 'thresholds',
    threshold: 'volumeMinShare',
    description: 'source_volume: a successful run under this share of its learned records per game warns.',
    example: '0.5',
    schema: z.coerce.number().gt(0).max(1).optional(),
  },
  VOLUME_MIN_SAMPLES: {
    group: 'thresholds',
    threshold: 'volumeMinSamples',
    description: 'source_volume: dates of history a source needs before it is judged.',
    example: '5',
    schema: int(1).optional(),
  },
  FRESHNESS_SOURCES: {
    group: 'thresholds',
    threshold: 'freshnessSources',
    description:
      "source_freshness: comma-separated scrapers known even without a run in the training window; default the pipeline's scrapers (src/jobs/scrapers.ts).",
    schema: csv.pipe(z.array(str).min(1)).optional(),
  },
  // Schedules (cron in ET, the time module's zone).
  SCHEDULE_GAPS: {
    group: 'schedules',
    description:
      "Cron (ET, ';'-separated): scraper_gaps, source_discrepancy, circuit/proxy breakers, workflows.",
    example: '30 2 * * *;0 0,4,7,9,12,16,20 * * *',
    schema: cronList.default([...JOBS.gaps.defaultCron]),
  },
  SCHEDULE_COMPLETENESS: {
    group: 'schedules',
    description: 'boxscore_completeness.',
    example: '0 6 * * *',
    schema: cronList.default([...JOBS.completeness.defaultCron]),
  },
  SCHEDULE_HEALTH: {
    group: 'schedules',
    description: 'phase3, volume, duplicates, freshness.',
    example: '0 9 * * *;15 14 * * *',
    schema: cronList.default([...JOBS.health.defaultCron]),
  },
  SCHEDULE_GRADING: {
    group: 'schedules',
    description: 'grading_accuracy, grading_coverage.',
    example: '0 7 * * *;0 11 * * *',
    schema: cronList.default([...JOBS.grading.defaultCron]),
  },
  SCHEDULE_DIGEST: {
    group: 'schedules',
    description: 'The daily digest.',
    example: '0 7 * * *',
    schema: cronList.default([...JOBS.digest.defaultCron]),
  },
  SCHEDULE_SELF_HEALTH: {
    group: 'schedules',
    description: "The bot's self-health watchdog (stale checking jobs, failing Slack calls).",
    example: '*/5 * * * *',
    schema: cronList.default(['*/5 * * * *']),
  },
} satisfies Record<string, VarSpec>;

export type VarName = keyof typeof VARS;

/** The table as a list, in declaration order. */
export const VAR_LIST: readonly (VarSpec & { name: VarName })[] = Object.entries(VARS).map(
  ([name, spec]) => ({
    name: name as VarName,
    ...spec,
  }),
);

/** Variables whose presence means the user meant to configure that group. */
export const GROUP_REQUIRED: Record<'slack' | 'gcp', readonly VarName[]> = {
  slack: ['SLACK_BOT_TOKEN', 'SLACK_ALERT_CHANNEL'],
  gcp: [
    'GCP_PROJECT_ID',
    'CLOUD_TASKS_LOCATION',
    'CLOUD_TASKS_QUEUE',
    'TASKS_TARGET_URL',
    'TASKS_SERVICE_ACCOUNT_EMAIL',
    'SCRAPER_SERVICE_URL',
    'SCRAPER_SERVICE_TOKEN',
  ],
};
