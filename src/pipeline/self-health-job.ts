import { type DeliverySummary, deliverRun } from '../alerts/deliver.js';
import { JOB_NAMES, JOBS, jobCron } from '../jobs/registry.js';
import type { Job } from '../jobs/scheduler.js';
import { etDate } from '../jobs/time.js';
import type { ConfigOf, Services } from '../services.js';
import { latestCompletions } from '../store/job-runs.js';
import { evaluateSelfHealth, SELF_HEALTH_CHECK, type SlackHealth } from './self-health.js';

export const SELF_HEALTH_JOB = 'self-health';

/** What the watchdog uses: job completions in the Store and the usual delivery. */
type SelfHealthServices = Pick<
  Services,
  'store' | 'chat' | 'clock' | 'incidentMessages' | 'routing' | 'log' | 'stopSignal'
> &
  ConfigOf<'schedules' | 'selfHealth'>;

export interface SelfHealthWatch {
  /** This process's Slack calls (the watching chat port). */
  slack(): SlackHealth;
  /** When this process started: jobs with no completion on record are timed from here, after a grace. */
  readonly watchingSince: Date;
}

export interface SelfHealthResult {
  readonly job: typeof SELF_HEALTH_JOB;
  readonly date: string;
  readonly findings: number;
  readonly failures: number;
  readonly delivery: DeliverySummary;
  /** The process began stopping before delivery was done: the slot is handed back (see CheckJobResult). */
  readonly interrupted: boolean;
}

/**
 * One watchdog pass as of `at` (its slot: on the demo's accelerated clock a slot can run late, and judging
 * as of the slot keeps the scheduler's own lag from reading as a stale job): every checking job's newest
 * completion from the Store, this process's Slack health, then the usual delivery with checksRan
 * ['self_health'], so a condition that cleared resolves its incident.
 */
export async function runSelfHealth(
  deps: SelfHealthServices,
  watch: SelfHealthWatch,
  at: Date,
): Promise<SelfHealthResult> {
  const completions = await latestCompletions(deps.store);
  const jobs = JOB_NAMES.filter((name) => JOBS[name].checks.length > 0).map((name) => ({
    name,
    cron: jobCron(name, deps.config.schedules),
    lastCompletedAt: completions.get(name)?.completed_at,
  }));
  const findings = evaluateSelfHealth({
    now: at,
    jobs,
    slack: watch.slack(),
    watchingSince: watch.watchingSince,
    settings: deps.config.selfHealth,
  });
  const delivery = await deliverRun(deps, { findings, checksRan: [SELF_HEALTH_CHECK] });
  return {
    job: SELF_HEALTH_JOB,
    date: etDate(at),
    findings: findings.length,
    failures: 0,
    delivery,
    interrupted: delivery.deferred > 0,
  };
}

/** The watchdog as a scheduled job (lease-gated like the others, so one instance runs each slot). */
export function selfHealthJob(deps: SelfHealthServices, watch: SelfHealthWatch): Job {
  return {
    name: SELF_HEALTH_JOB,
    cron: deps.config.selfHealth.cron,
    run: (slot) => runSelfHealth(deps, watch, slot),
  };
}

/** A pass that found nothing and changed nothing: a debug line, not a terminal line every few minutes. */
export function isQuietSelfHealth(result: unknown): boolean {
  const r = result as Partial<SelfHealthResult> | undefined;
  if (r?.job !== SELF_HEALTH_JOB || !r.delivery) return false;
  const d = r.delivery;
  return r.findings === 0 && d.opened + d.updated + d.resolved + d.posted === 0 && d.errors.length === 0;
}
