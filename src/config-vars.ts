import { z } from 'zod';
import { JOBS } from './jobs/registry.js';
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
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
/** A comma-separated list of positive delays, e.g. `4,12,24`. */
const delayList = csv.transform((items) => items.map(Number)).pipe(z.array(z.number().positive()).min(1));
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
      'How long App Home and the slash commands share one reading of the warehouse (0: none). BigQuery bills each query by bytes scanned; at 90 s Home is at most a minute and a half behind the warehouse, and 20 operators opening it ~10 times a day scan about 45 % less than without it (README, "Warehouse cost"). A command given an explicit date, and Home\'s refresh after a check run, always read afresh.',
    example: '90',
    schema: int(0).max(3600).default(90),
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
    description: 'scraper_gaps: unbackfilled failure days in 7 that raise an alert.',
    example: '3',
    schema: int(1).optional(),
  },
  BOXSCORE_COVERAGE_MIN: {
    group: 'thresholds',
    description: 'boxscore_completeness: minimum share of final games with boxscores per team.',
    example: '0.7',
    schema: ratio.optional(),
  },
  WORKFLOW_FAILURE_WARN: {
    group: 'thresholds',
    description: 'workflow_failures: 24 h failure rate above which a workflow warns.',
    example: '0.1',
    schema: ratio.optional(),
  },
  WORKFLOW_FAILURE_ERROR: {
    group: 'thresholds',
    description: 'workflow_failures: 24 h failure rate above which it is an error.',
    example: '0.5',
    schema: ratio.optional(),
  },
  PREDICTION_VOLUME_MIN: {
    group: 'thresholds',
    description: 'prediction_volume: fewer active predictions on a game date is an error.',
    example: '200',
    schema: int(1).optional(),
  },
  GRADING_COVERAGE_MIN: {
    group: 'thresholds',
    description: 'grading_coverage: minimum graded share of active predictions.',
    example: '0.9',
    schema: ratio.optional(),
  },
  BDB_GRACE_HOURS: {
    group: 'thresholds',
    description: 'Hours after a game during which BigDataBall no_data_yet is expected.',
    example: '48',
    schema: positive.optional(),
  },
  // Schedules (cron in ET, the time module's zone).
  SCHEDULE_GAPS: {
    group: 'schedules',
    description: "Cron (ET, ';'-separated): scraper_gaps, source_discrepancy, circuit/proxy breakers, workflows.",
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
