import { type DeliverySummary, deliverRun, type IncidentRenderer, type Routing } from '../alerts/deliver.js';
import { refreshAlert } from '../alerts/incident-messages.js';
import { postOnce } from '../alerts/messenger.js';
import type { DashboardData } from '../bot/deps.js';
import type { ChatPort } from '../chat/port.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import { JOB_NAMES, type JobName, jobCron } from '../jobs/registry.js';
import { runJob } from '../jobs/run-job.js';
import type { Job } from '../jobs/scheduler.js';
import { etDate } from '../jobs/time.js';
import type { Logger } from '../log.js';
import { runAutoHeal } from '../recovery/auto-heal.js';
import { sweepRetries } from '../recovery/sweeper.js';
import { recordCompletion } from '../store/job-runs.js';
import type { DocumentStore } from '../store/port.js';
import type { TaskQueue } from '../tasks/port.js';
import { buildDigest } from '../views/digest.js';
import type { TimeFormatter } from '../views/types.js';
import type { Warehouse } from '../warehouse/port.js';

export interface JobDeps {
  readonly config: Config;
  readonly warehouse: Warehouse;
  readonly store: DocumentStore;
  readonly chat: ChatPort;
  readonly tasks: TaskQueue;
  readonly clock: Clock;
  readonly fmt: TimeFormatter;
  readonly render: IncidentRenderer;
  readonly routing: Routing;
  readonly data: DashboardData;
  readonly log: Logger;
  /** In-flight window of a retry attempt, in the clock's time (scaled in the accelerated demo). */
  readonly inFlightMs: number;
  /** Aborted when the process stops: a run's remaining automatic actions wait for the next run. */
  readonly stopSignal?: AbortSignal;
  /** After every check run (e.g. refresh App Home). */
  readonly afterRun?: () => Promise<void>;
}

export interface CheckJobResult {
  readonly job: JobName;
  readonly date: string;
  readonly findings: number;
  readonly failures: number;
  readonly delivery: DeliverySummary;
}

/** One run of a checking job: checks as of `at`, then reconcile and deliver. Cron and the CLI only wrap it. */
export async function runCheckJob(deps: JobDeps, job: JobName, at: Date): Promise<CheckJobResult> {
  const summary = await runJob(
    { warehouse: deps.warehouse, thresholds: deps.config.thresholds, timeoutMs: 60_000 },
    job,
    at,
  );
  // The check run finished (check_failed findings included): the self-health watchdog times jobs by this.
  await recordCompletion(deps.store, {
    job,
    completed_at: deps.clock.now(),
    ran_for: at,
    findings: summary.findings.length,
    failures: summary.failures.length,
  }).catch((error: unknown) => deps.log.warn('recording the job run failed', { job, error }));
  const delivery = await deliverRun(
    {
      store: deps.store,
      chat: deps.chat,
      clock: deps.clock,
      render: deps.render,
      routing: deps.routing,
      log: (line, fields) => deps.log.warn(line, fields),
    },
    { findings: summary.findings, checksRan: summary.checksRun },
  );
  // After delivery, so each automatic action is reported in its incident's thread.
  const healed = await runAutoHeal(
    {
      ...deps,
      backoffHours: deps.config.recovery.backoffHours,
      backfillMaxDays: deps.config.recovery.backfillMaxDays,
      ...deps.config.autoHeal,
      refreshAlert: (id) => refreshAlert({ ...deps, policies: deps.config.autoHeal.policies }, id),
      ...(deps.stopSignal ? { signal: deps.stopSignal } : {}),
      log: (l, f) => deps.log.info(l, f),
    },
    summary.findings,
  );
  if (healed.done.length > 0)
    deps.log.info(
      `auto-heal: ${healed.done.map((d) => `${d.action} ${d.subject} (policy ${d.policy}): ${d.outcome}`).join('; ')}`,
    );
  await deps.afterRun?.();
  return {
    job,
    date: summary.date,
    findings: summary.findings.length,
    failures: summary.failures.length,
    delivery,
  };
}

/** The daily digest for the day before `at` (ET), posted once per date however often the slot fires. */
export async function runDigest(deps: JobDeps, at: Date): Promise<{ date: string; posted: boolean }> {
  const input = await deps.data.digest(at);
  const view = buildDigest({ ...input, now: at, fmt: deps.fmt });
  const { postedNow } = await postOnce(deps, `digest:${input.date}`, {
    channel: deps.routing.defaultChannel,
    ...view,
  });
  return { date: input.date, posted: postedNow };
}

/** Every scheduled job: the checking jobs and the digest on their configured ET crons, plus the retry sweeper. */
export function scheduledJobs(deps: JobDeps): Job[] {
  const jobs: Job[] = JOB_NAMES.map((name) => ({
    name,
    cron: jobCron(name, deps.config.schedules),
    run: (slot: Date) => (name === 'digest' ? runDigest(deps, slot) : runCheckJob(deps, name, slot)),
  }));
  jobs.push({
    name: 'retry-sweeper',
    cron: ['*/15 * * * *'],
    run: () =>
      sweepRetries({ store: deps.store, clock: deps.clock, tasks: deps.tasks, inFlightMs: deps.inFlightMs }),
  });
  return jobs;
}

/** A short line per job run for the terminal and the log. */
export function describeResult(job: string, result: unknown): string {
  if (result && typeof result === 'object' && 'delivery' in result) {
    const r = result as CheckJobResult;
    const d = r.delivery;
    return `job ${job} for ${r.date}: ${r.findings} findings, ${d.opened} opened, ${d.updated} updated, ${d.resolved} resolved, ${d.posted} posted${d.errors.length ? `, ${d.errors.length} errors` : ''}`;
  }
  if (result && typeof result === 'object' && 'posted' in result) {
    const r = result as { date: string; posted: boolean };
    return `job ${job}: digest for ${r.date} ${r.posted ? 'posted' : 'already posted'}`;
  }
  if (result && typeof result === 'object' && 'overdue' in result) {
    const r = result as { overdue: unknown[]; interrupted: unknown[] };
    return `job ${job}: re-enqueued ${r.overdue.length} overdue and ${r.interrupted.length} interrupted retries`;
  }
  return `job ${job} done`;
}

export const todayEt = (clock: Clock) => etDate(clock.now());
