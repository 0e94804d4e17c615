import { z } from 'zod';
import { GROUP_REQUIRED, VAR_LIST, type VARS, type VarName } from './config-vars.js';
import type { Schedules } from './jobs/registry.js';
import { DEFAULT_THRESHOLDS, type Thresholds, thresholdsSchema } from './jobs/thresholds.js';
import { days24h } from './jobs/time.js';
import { type AutoHealPolicy, DEFAULT_POLICIES, type QuietHours } from './recovery/policies.js';

/**
 * demo:        nothing configured → embedded warehouse/store/queue, simulated pipeline, local Slack sandbox.
 * self-hosted: Slack configured, Google Cloud not → real Slack on the embedded adapters (one VM).
 * cloud:       Slack and Google Cloud configured → BigQuery, Firestore, Cloud Tasks, real Slack.
 */
export type Mode = 'demo' | 'self-hosted' | 'cloud';

export interface SlackConfig {
  readonly botToken: string;
  readonly signingSecret: string | undefined;
  readonly appToken: string | undefined;
  readonly socketMode: boolean;
  readonly alertChannel: string;
  /** Slack's Web API by default; a proxy or a local double otherwise. */
  readonly apiUrl: string | undefined;
  /** HTTP mode: listeners finish before the response (Cloud Run throttles CPU after it). */
  readonly processBeforeResponse: boolean;
}

export interface GcpConfig {
  readonly projectId: string;
  readonly bigqueryLocation: string;
  /** maximumBytesBilled of a BigQuery job whose SQL file declares none. */
  readonly bigqueryMaxBytesBilled: number;
  readonly firestoreDatabaseId: string;
  readonly tasksLocation: string;
  readonly tasksQueue: string;
  readonly tasksTargetUrl: string;
  readonly tasksServiceAccountEmail: string;
  readonly scraperServiceUrl: string;
  readonly scraperServiceToken: string;
  readonly processorServiceUrl: string;
  readonly processorServiceToken: string;
  /** Testing/self-hosting endpoint overrides (local emulator and doubles); undefined in production. */
  readonly firestoreEmulatorHost: string | undefined;
  readonly bigqueryApiUrl: string | undefined;
  readonly cloudTasksApiEndpoint: string | undefined;
}

export interface Config {
  readonly mode: Mode;
  readonly server: {
    port: number;
    host: string;
    logLevel: 'debug' | 'info' | 'warn' | 'error';
    logFormat: 'json' | 'pretty';
    /** How long App Home and the slash commands share one reading of the warehouse (src/dashboard/snapshot.ts). */
    dashboardCacheMs: number;
  };
  readonly slack: SlackConfig | undefined;
  readonly gcp: GcpConfig | undefined;
  readonly alerts: {
    criticalChannel: string | undefined;
    criticalMention: string | undefined;
    operatorUserIds: readonly string[];
    operatorGroupId: string | undefined;
  };
  readonly embedded: {
    dbPath: string;
    demoDate: string;
    secondsPerSimHour: number;
    demoSeed: number;
    localTasksSecret: string | undefined;
  };
  readonly recovery: {
    /** Scraper retries: hours before attempts 1, 2, 3. */
    backoffHours: readonly number[];
    /** Processor retries (phase 3 `run-processor`): minutes before attempts 1, 2, 3. */
    processorBackoffMinutes: readonly number[];
    backfillMaxDays: number;
    scraperTimeoutMs: number;
  };
  /** How long bookkeeping is kept (src/store/retention.ts): audit entries; ledger, leases and task rows. */
  readonly retention: { auditMs: number; recordsMs: number };
  /** Auto-heal policies (README, "Auto-heal") and the ET window in which none acts. */
  readonly autoHeal: { policies: readonly AutoHealPolicy[]; quietHours: QuietHours | null };
  readonly thresholds: Thresholds;
  /** The self-health watchdog: its schedule and when a stale job or failing Slack calls raise an alert. */
  readonly selfHealth: {
    cron: readonly string[];
    staleFactor: number;
    startupGraceMs: number;
    slackFailures: number;
    slackFailureMs: number;
  };
  readonly schedules: Schedules;
  /** Secret values, so the logger can redact them wherever they appear. */
  readonly secrets: readonly string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`,
    );
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

type Shape = { [K in VarName]: (typeof VARS)[K]['schema'] };
const envSchema = z.object(Object.fromEntries(VAR_LIST.map((spec) => [spec.name, spec.schema])) as Shape);

/** Test/self-hosting endpoint overrides: setting one alone does not mean Google Cloud is configured. */
const ENDPOINT_OVERRIDES: readonly string[] = [
  'FIRESTORE_EMULATOR_HOST',
  'BIGQUERY_API_URL',
  'CLOUD_TASKS_API_ENDPOINT',
];

const present = (env: Env, name: string) => (env[name] ?? '').trim() !== '';

function missingFor(group: 'slack' | 'gcp', env: Env): string[] {
  const required = [...GROUP_REQUIRED[group]];
  if (group === 'slack') {
    const socket = ['true', '1', 'yes'].includes((env.SLACK_SOCKET_MODE ?? '').trim());
    required.push(socket ? 'SLACK_APP_TOKEN' : 'SLACK_SIGNING_SECRET');
  }
  return required.filter((name) => !present(env, name));
}

/** Parse the environment once (main.ts does it); every problem is reported together, each naming its variable. */
export function readConfig(env: Env): Config {
  const problems: string[] = [];
  const raw = Object.fromEntries(
    VAR_LIST.map((spec) => [spec.name, present(env, spec.name) ? env[spec.name]?.trim() : undefined]),
  );
  const parsed = envSchema.safeParse(raw);
  // zod messages never include the received value, so secrets cannot leak through them.
  if (!parsed.success)
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);

  const slackSet = VAR_LIST.some(
    (v) =>
      v.group === 'slack' &&
      v.name !== 'SLACK_SOCKET_MODE' &&
      v.name !== 'SLACK_API_URL' &&
      v.name !== 'SLACK_PROCESS_BEFORE_RESPONSE' &&
      present(env, v.name),
  );
  const gcpSet = VAR_LIST.some(
    (v) => v.group === 'gcp' && !ENDPOINT_OVERRIDES.includes(v.name) && present(env, v.name),
  );
  if (slackSet) {
    const missing = missingFor('slack', env);
    if (missing.length > 0) problems.push(`Slack is partly configured; also set ${missing.join(', ')}`);
  }
  if (gcpSet) {
    const missing = missingFor('gcp', env);
    if (missing.length > 0)
      problems.push(`Google Cloud is partly configured; also set ${missing.join(', ')}`);
    if (!slackSet)
      problems.push(
        `Google Cloud is configured but Slack is not; set ${missingFor('slack', env).join(', ')}`,
      );
  }
  if (parsed.success) {
    const floor = minRetentionDays(
      parsed.data.RETRY_BACKOFF_HOURS ?? DEFAULT_BACKOFF_HOURS,
      parsed.data.PROCESSOR_RETRY_BACKOFF_MINUTES ?? DEFAULT_PROCESSOR_BACKOFF_MINUTES,
    );
    if (parsed.data.RETENTION_DAYS < floor)
      problems.push(
        `RETENTION_DAYS: must be at least ${floor} with this retry schedule (its total plus a day): the message ledger must outlive every post a retry may still make`,
      );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);

  const v = parsed.data;
  // Every threshold variable that is set overrides its field (src/config-vars.ts names the field).
  const thresholds = thresholdsSchema.parse({
    ...DEFAULT_THRESHOLDS,
    ...Object.fromEntries(
      VAR_LIST.flatMap((spec) =>
        spec.threshold && v[spec.name] !== undefined ? [[spec.threshold, v[spec.name]]] : [],
      ),
    ),
  });
  const mode: Mode = gcpSet ? 'cloud' : slackSet ? 'self-hosted' : 'demo';
  const slack: SlackConfig | undefined = slackSet
    ? {
        botToken: required(v.SLACK_BOT_TOKEN),
        signingSecret: v.SLACK_SIGNING_SECRET,
        appToken: v.SLACK_APP_TOKEN,
        socketMode: v.SLACK_SOCKET_MODE,
        alertChannel: required(v.SLACK_ALERT_CHANNEL),
        apiUrl: v.SLACK_API_URL,
        // Cloud Run sets K_SERVICE; without always-on CPU, work after the response would be starved.
        processBeforeResponse: v.SLACK_PROCESS_BEFORE_RESPONSE ?? present(env, 'K_SERVICE'),
      }
    : undefined;
  const gcp: GcpConfig | undefined = gcpSet
    ? {
        projectId: required(v.GCP_PROJECT_ID),
        bigqueryLocation: v.BIGQUERY_LOCATION,
        bigqueryMaxBytesBilled: v.BIGQUERY_MAX_BYTES_BILLED,
        firestoreDatabaseId: v.FIRESTORE_DATABASE_ID,
        tasksLocation: required(v.CLOUD_TASKS_LOCATION),
        tasksQueue: required(v.CLOUD_TASKS_QUEUE),
        tasksTargetUrl: required(v.TASKS_TARGET_URL),
        tasksServiceAccountEmail: required(v.TASKS_SERVICE_ACCOUNT_EMAIL),
        scraperServiceUrl: required(v.SCRAPER_SERVICE_URL),
        scraperServiceToken: required(v.SCRAPER_SERVICE_TOKEN),
        processorServiceUrl: v.PROCESSOR_SERVICE_URL ?? required(v.SCRAPER_SERVICE_URL),
        processorServiceToken: v.PROCESSOR_SERVICE_TOKEN ?? required(v.SCRAPER_SERVICE_TOKEN),
        firestoreEmulatorHost: v.FIRESTORE_EMULATOR_HOST,
        bigqueryApiUrl: v.BIGQUERY_API_URL,
        cloudTasksApiEndpoint: v.CLOUD_TASKS_API_ENDPOINT,
      }
    : undefined;

  return {
    mode,
    server: {
      port: v.PORT,
      host: v.HOST,
      logLevel: v.LOG_LEVEL,
      logFormat: v.LOG_FORMAT ?? (mode === 'demo' ? 'pretty' : 'json'),
      dashboardCacheMs: v.DASHBOARD_CACHE_SECONDS * 1000,
    },
    slack,
    gcp,
    alerts: {
      criticalChannel: v.SLACK_CRITICAL_CHANNEL,
      criticalMention: v.SLACK_CRITICAL_MENTION,
      operatorUserIds: v.SLACK_OPERATOR_USER_IDS,
      operatorGroupId: v.SLACK_OPERATOR_GROUP_ID,
    },
    embedded: {
      dbPath: v.SHOTCLOCK_DB_PATH,
      demoDate: v.DEMO_DATE,
      secondsPerSimHour: v.DEMO_SECONDS_PER_SIM_HOUR,
      demoSeed: v.DEMO_SEED,
      localTasksSecret: v.LOCAL_TASKS_SECRET,
    },
    recovery: {
      backoffHours: v.RETRY_BACKOFF_HOURS ?? DEFAULT_BACKOFF_HOURS,
      processorBackoffMinutes: v.PROCESSOR_RETRY_BACKOFF_MINUTES ?? DEFAULT_PROCESSOR_BACKOFF_MINUTES,
      backfillMaxDays: v.BACKFILL_MAX_DAYS,
      scraperTimeoutMs: v.SCRAPER_TIMEOUT_MS,
    },
    retention: { auditMs: days24h(v.AUDIT_RETENTION_DAYS), recordsMs: days24h(v.RETENTION_DAYS) },
    autoHeal: {
      policies: v.AUTOHEAL_POLICIES ?? DEFAULT_POLICIES,
      quietHours: v.AUTOHEAL_QUIET_HOURS ?? null,
    },
    thresholds,
    selfHealth: {
      cron: v.SCHEDULE_SELF_HEALTH,
      staleFactor: v.SELF_HEALTH_STALE_FACTOR,
      startupGraceMs: v.SELF_HEALTH_STARTUP_GRACE_MINUTES * 60_000,
      slackFailures: v.SLACK_FAILURE_ALERT_COUNT,
      slackFailureMs: v.SLACK_FAILURE_ALERT_MINUTES * 60_000,
    },
    schedules: {
      gaps: v.SCHEDULE_GAPS,
      completeness: v.SCHEDULE_COMPLETENESS,
      health: v.SCHEDULE_HEALTH,
      grading: v.SCHEDULE_GRADING,
      digest: v.SCHEDULE_DIGEST,
    },
    secrets: VAR_LIST.filter((s) => s.secret && present(env, s.name)).map((s) => String(env[s.name]).trim()),
  };
}

/** The pipeline team's retry schedule (docs/pipeline.md#retry-schedule). */
const DEFAULT_BACKOFF_HOURS = [4, 12, 24];
/** The phase 3 incident plan's processor retries: ~30 min apart, 3 tries (docs/pipeline.md#retry-schedule). */
const DEFAULT_PROCESSOR_BACKOFF_MINUTES = [30, 30, 30];

/** The shortest RETENTION_DAYS for the retry schedules: the longer one's whole span plus a day, in whole days. */
export function minRetentionDays(
  backoffHours: readonly number[],
  processorBackoffMinutes: readonly number[] = [],
): number {
  const spanHours = Math.max(
    backoffHours.reduce((a, b) => a + b, 0),
    processorBackoffMinutes.reduce((a, b) => a + b, 0) / 60,
  );
  return Math.max(2, Math.ceil((spanHours + 24) / 24));
}

// The group checks above guarantee these are set; this only narrows the type.
function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('unreachable: required variable missing after validation');
  return value;
}
