import { isSlackFailing, type SlackFailureThresholds, type SlackHealth } from '../chat/health.js';
import { longestInterval, previousSlot } from '../jobs/cron-slots.js';
import { type Finding, findingKey, type Severity } from '../jobs/finding.js';
import { count, numFact, type Presentation, strFact, text, time } from '../jobs/presentation.js';
import { formatDuration } from '../views/format.js';

export const SELF_HEALTH_CHECK = 'self_health';

/** A checking job as the watchdog sees it: its ET schedule and its newest completed run (any instance). */
export interface WatchedJob {
  readonly name: string;
  readonly cron: readonly string[];
  readonly lastCompletedAt: Date | undefined;
}

/** The Slack calls of this process, counted by the watching chat port. */
export type { SlackHealth };

export interface SelfHealthSettings extends SlackFailureThresholds {
  /** A job is stale once it has not completed for this many times its interval (2). */
  readonly staleFactor: number;
  /** No stale-job finding this soon after the process started: its first slots have not come yet. */
  readonly startupGraceMs: number;
}

export interface SelfHealthInput {
  readonly now: Date;
  readonly jobs: readonly WatchedJob[];
  readonly slack: SlackHealth;
  /** When this process started watching: the reference for a job with no completion on record. */
  readonly watchingSince: Date;
  readonly settings: SelfHealthSettings;
}

/** Time a run may take after its slot before the slot counts as missed. */
const SLOT_GRACE_MS = 15 * 60_000;

export const staleKey = (job: string) => findingKey(SELF_HEALTH_CHECK, 'stale', job);
export const slackKey = findingKey(SELF_HEALTH_CHECK, 'slack');

interface Stale {
  readonly job: WatchedJob;
  readonly intervalMs: number;
  readonly missedSlot: Date;
  readonly silentForMs: number;
  readonly overdueMs: number;
}

/**
 * A job is stale when the newest slot that should have finished by now (its cron time plus a grace) has no
 * completion since, AND nothing has completed for more than `staleFactor` × its interval (the longest gap
 * between its slots). So a daily job is quiet between its slots, a missed slot alone is not an outage, and a
 * job never seen completing is timed from when this process began watching.
 */
function staleness(job: WatchedJob, input: SelfHealthInput): Stale | undefined {
  const { now, watchingSince, settings } = input;
  const intervalMs = longestInterval(job.cron, now);
  if (intervalMs === undefined) return undefined;
  const grace = Math.min(SLOT_GRACE_MS, intervalMs / 2);
  const missedSlot = previousSlot(job.cron, new Date(now.getTime() - grace));
  if (!missedSlot) return undefined;
  const last = job.lastCompletedAt;
  if (last && last.getTime() >= missedSlot.getTime()) return undefined;
  const reference = last ?? watchingSince;
  const silentForMs = now.getTime() - reference.getTime();
  const overdueMs = silentForMs - settings.staleFactor * intervalMs;
  if (overdueMs <= 0) return undefined;
  return { job, intervalMs, missedSlot, silentForMs, overdueMs };
}

function staleFinding(s: Stale, severity: Severity, input: SelfHealthInput): Finding {
  const { job } = s;
  const last = job.lastCompletedAt;
  return {
    check: SELF_HEALTH_CHECK,
    key: staleKey(job.name),
    severity,
    title: `shotclock's ${job.name} job has not completed a check run for ${formatDuration(s.silentForMs)} (expected at least every ${formatDuration(s.intervalMs)})`,
    subject: { system: 'shotclock', target: job.name },
    facts: {
      job: job.name,
      schedule_et: job.cron.join('; '),
      last_completed: last
        ? last.toISOString()
        : `none on record (watching since ${input.watchingSince.toISOString()})`,
      expected_interval: formatDuration(s.intervalMs),
      stale_after: formatDuration(input.settings.staleFactor * s.intervalMs),
      overdue_by: formatDuration(s.overdueMs),
      missed_slot: s.missedSlot.toISOString(),
    },
    // Nothing to retry from a button: the bot's own scheduler or its host is what needs a person.
    actions: [],
  };
}

function slackFinding(slack: SlackHealth, now: Date): Finding {
  const since = slack.failingSince ?? now;
  return {
    check: SELF_HEALTH_CHECK,
    key: slackKey,
    severity: 'critical',
    title: `shotclock's Slack calls are failing: ${slack.consecutiveFailures} in a row for ${formatDuration(now.getTime() - since.getTime())}`,
    subject: { system: 'slack' },
    facts: {
      failed_calls_in_a_row: slack.consecutiveFailures,
      failing_since: since.toISOString(),
      last_failed_call: slack.lastFailedCall ?? null,
      last_error: slack.lastError ?? null,
    },
    actions: [],
  };
}

/** A stale job (its facts are durations already in words) or failing Slack calls. */
export const SELF_HEALTH_PRESENTATION: Presentation = {
  summary: (f) =>
    strFact(f, 'job') === undefined
      ? `shotclock's calls to Slack keep failing (${numFact(f, 'failed_calls_in_a_row')} in a row): alerts may not be getting out.`
      : `shotclock's ${strFact(f, 'job')} job has not completed a check run for longer than ${strFact(f, 'stale_after')}, so its checks are not watching the pipeline.`,
  fields: (f) =>
    strFact(f, 'job') === undefined
      ? [
          count('Failed in a row', numFact(f, 'failed_calls_in_a_row'), undefined, 'calls'),
          time('Failing since', strFact(f, 'failing_since')),
          text('Last failed call', strFact(f, 'last_failed_call')),
          text('Last error', strFact(f, 'last_error')),
        ]
      : [
          text('Job', strFact(f, 'job')),
          text('Schedule (ET)', strFact(f, 'schedule_et')),
          /^\d{4}-/.test(strFact(f, 'last_completed') ?? '')
            ? time('Last completed', strFact(f, 'last_completed'))
            : text('Last completed', strFact(f, 'last_completed')),
          time('Missed slot', strFact(f, 'missed_slot')),
          text('Overdue by', strFact(f, 'overdue_by')),
        ],
};

/**
 * The bot's own health as findings of check `self_health`, for the same incident lifecycle as any check:
 * a stale checking job (error; critical when every checking job is stale, i.e. no check completes at
 * all), and Slack calls failing past the thresholds (critical: alerts may not be getting out).
 */
export function evaluateSelfHealth(input: SelfHealthInput): Finding[] {
  const findings: Finding[] = [];
  const sinceStart = input.now.getTime() - input.watchingSince.getTime();
  if (sinceStart >= input.settings.startupGraceMs) {
    const stale = input.jobs.flatMap((job) => staleness(job, input) ?? []);
    const severity: Severity = stale.length > 0 && stale.length === input.jobs.length ? 'critical' : 'error';
    findings.push(...stale.map((s) => staleFinding(s, severity, input)));
  }
  if (isSlackFailing(input.slack, input.now, input.settings))
    findings.push(slackFinding(input.slack, input.now));
  return findings;
}
