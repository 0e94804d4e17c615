import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../../src/config.js';
import { VAR_LIST } from '../../src/config-vars.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

const slack = {
  SLACK_BOT_TOKEN: 'xoxb-test-token',
  SLACK_SIGNING_SECRET: 'signing-secret-value',
  SLACK_ALERT_CHANNEL: 'C0ALERTS',
};
const gcp = {
  GCP_PROJECT_ID: 'nba-props-platform',
  CLOUD_TASKS_LOCATION: 'us-west2',
  CLOUD_TASKS_QUEUE: 'shotclock-recovery',
  TASKS_TARGET_URL: 'https://shotclock.example.run.app',
  TASKS_SERVICE_ACCOUNT_EMAIL: 'tasks@nba-props-platform.iam.gserviceaccount.com',
  SCRAPER_SERVICE_URL: 'https://scrapers.example.run.app',
  SCRAPER_SERVICE_TOKEN: 'scraper-token-value',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('readConfig', () => {
  it('runs the embedded demo when nothing is configured, with its defaults', () => {
    const config = readConfig({});
    expect(config.mode).toBe('demo');
    expect(config.slack).toBeUndefined();
    expect(config.gcp).toBeUndefined();
    expect(config.embedded.dbPath).toBe('.data/pipeline.duckdb');
    expect(config.embedded.demoDate).toBe('2026-01-19');
    expect(config.recovery.backoffHours).toEqual([4, 12, 24]);
    expect(config.thresholds).toEqual(DEFAULT_THRESHOLDS);
    expect(config.schedules.health).toEqual(['0 9 * * *', '15 14 * * *']);
    expect(config.server.logFormat).toBe('pretty');
    expect(config.secrets).toEqual([]);
  });

  it('runs against the cloud with Slack and Google Cloud configured', () => {
    const config = readConfig({ ...slack, ...gcp });
    expect(config.mode).toBe('cloud');
    expect(config.gcp?.processorServiceUrl).toBe(gcp.SCRAPER_SERVICE_URL);
    expect(config.server.logFormat).toBe('json');
    expect(config.secrets).toEqual(
      expect.arrayContaining(['xoxb-test-token', 'signing-secret-value', 'scraper-token-value']),
    );
  });

  it('reads the BigQuery byte budget: 5 GiB by default, a size as written, a clear error otherwise', () => {
    const budget = (value?: string) =>
      readConfig({ ...slack, ...gcp, ...(value ? { BIGQUERY_MAX_BYTES_BILLED: value } : {}) }).gcp
        ?.bigqueryMaxBytesBilled;
    expect(budget()).toBe(5 * 2 ** 30);
    expect(budget('20GB')).toBe(20e9);
    expect(problemsOf({ ...slack, ...gcp, BIGQUERY_MAX_BYTES_BILLED: 'lots' }).join('\n')).toMatch(
      /BIGQUERY_MAX_BYTES_BILLED.*"lots" is not a byte size \(write e\.g\. 500MB/,
    );
  });

  it('runs self-hosted with Slack only', () => {
    expect(readConfig(slack).mode).toBe('self-hosted');
  });

  it('names each missing variable of a half-configured Slack app', () => {
    const problems = problemsOf({ SLACK_BOT_TOKEN: 'xoxb-x' });
    expect(problems.join('\n')).toMatch(/SLACK_ALERT_CHANNEL/);
    expect(problems.join('\n')).toMatch(/SLACK_SIGNING_SECRET/);
  });

  it('asks for the app token, not the signing secret, in Socket Mode', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: 'xoxb-x',
      SLACK_ALERT_CHANNEL: 'C1',
      SLACK_SOCKET_MODE: 'true',
    });
    expect(problems.join('\n')).toMatch(/SLACK_APP_TOKEN/);
    expect(problems.join('\n')).not.toMatch(/SLACK_SIGNING_SECRET/);
  });

  it('names each missing Google Cloud variable and refuses Google Cloud without Slack', () => {
    const problems = problemsOf({ GCP_PROJECT_ID: 'p' }).join('\n');
    for (const name of [
      'CLOUD_TASKS_QUEUE',
      'TASKS_TARGET_URL',
      'SCRAPER_SERVICE_TOKEN',
      'SLACK_BOT_TOKEN',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('rejects malformed values naming the variable, without echoing secrets', () => {
    const problems = problemsOf({
      ...slack,
      SLACK_BOT_TOKEN: 'not-a-bot-token-SECRET',
      GAP_ALERT_THRESHOLD: 'three',
      SCHEDULE_DIGEST: '7am',
      DEMO_DATE: '2026-1-9',
    }).join('\n');
    expect(problems).toMatch(/SLACK_BOT_TOKEN/);
    expect(problems).toMatch(/GAP_ALERT_THRESHOLD/);
    expect(problems).toMatch(/SCHEDULE_DIGEST/);
    expect(problems).toMatch(/DEMO_DATE/);
    expect(problems).not.toContain('not-a-bot-token-SECRET');
  });

  it('overrides thresholds and schedules from the environment', () => {
    const config = readConfig({
      GAP_ALERT_THRESHOLD: '5',
      BOXSCORE_COVERAGE_MIN: '0.8',
      SCHEDULE_GAPS: '0 */2 * * *',
    });
    expect(config.thresholds.gapAlertThreshold).toBe(5);
    expect(config.thresholds.boxscoreCoverageMin).toBe(0.8);
    expect(config.schedules.gaps).toEqual(['0 */2 * * *']);
  });

  it('every check threshold has its variable, whose example is the default, and setting it overrides the threshold', () => {
    const scalar = Object.entries(DEFAULT_THRESHOLDS).filter(
      (e): e is [string, number] => typeof e[1] === 'number',
    );
    const byField = new Map(VAR_LIST.flatMap((v) => (v.threshold ? [[v.threshold, v] as const] : [])));
    for (const [field, value] of scalar) {
      const spec = byField.get(field as keyof typeof DEFAULT_THRESHOLDS);
      expect(spec, `threshold ${field} has no variable in src/config-vars.ts`).toBeDefined();
      expect(spec?.group).toBe('thresholds');
      expect(Number(spec?.example), `${spec?.name}'s example is its default`).toBe(value);
      const other = Number.isInteger(value) ? value + 1 : value < 1 ? value / 2 : value * 2;
      const set = readConfig({ [spec?.name ?? '']: String(other) });
      expect(set.thresholds[field as keyof typeof DEFAULT_THRESHOLDS]).toBe(other);
    }
    expect(readConfig({ FRESHNESS_SOURCES: 'bdl_games, nbac_schedule' }).thresholds.freshnessSources).toEqual(
      ['bdl_games', 'nbac_schedule'],
    );
    expect(() => readConfig({ GRADING_FLOOR_PCT: '101' })).toThrow(/GRADING_FLOOR_PCT/);
    expect(() => readConfig({ PHASE3_STALE_HOURS: '0' })).toThrow(/PHASE3_STALE_HOURS/);
  });

  it('keeps audit entries 90 days and the other bookkeeping 14 by default; both configurable', () => {
    const DAY = 24 * 3_600_000;
    expect(readConfig({}).retention).toEqual({ auditMs: 90 * DAY, recordsMs: 14 * DAY });
    expect(readConfig({ AUDIT_RETENTION_DAYS: '365', RETENTION_DAYS: '7' }).retention).toEqual({
      auditMs: 365 * DAY,
      recordsMs: 7 * DAY,
    });
  });

  it('refuses a RETENTION_DAYS shorter than the retry schedule plus a day (the ledger must outlive retries)', () => {
    expect(readConfig({ RETENTION_DAYS: '3' }).retention.recordsMs).toBe(3 * 24 * 3_600_000); // 40 h + 1 day
    expect(problemsOf({ RETENTION_DAYS: '2' })).toEqual([
      expect.stringMatching(/^RETENTION_DAYS: .*at least 3/),
    ]);
    expect(problemsOf({ RETENTION_DAYS: '7', RETRY_BACKOFF_HOURS: '24,72,168' })).toEqual([
      expect.stringMatching(/^RETENTION_DAYS: must be at least 12 /),
    ]);
    expect(problemsOf({ AUDIT_RETENTION_DAYS: '1' }).join()).toMatch(/AUDIT_RETENTION_DAYS/);
  });

  it('.env.example lists every variable, and only those', () => {
    const listed = [...readFileSync('.env.example', 'utf8').matchAll(/^# ([A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(VAR_LIST.map((v) => v.name).sort());
  });

  it('no module other than src/config.ts reads process.env', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    // main.ts hands process.env to readConfig; nothing else may look at it.
    const readers = files.filter(
      (f) => f !== 'main.ts' && readFileSync(`src/${f}`, 'utf8').includes('process.env'),
    );
    expect(readers).toEqual([]);
  });
});
