// Every scheduled job as the scheduler takes it: the checking jobs and the digest on their configured ET
// crons, the retry sweeper every 15 minutes (which also prunes expired records), the self-health watchdog;
// and the line each run logs.
import { JOB_NAMES, jobCron } from '../jobs/registry.js';
import type { Job } from '../jobs/scheduler.js';
import { sweepRetries } from '../recovery/sweeper.js';
import type { Services } from '../services.js';
import { type CheckJobResult, runCheckJob } from './check-job.js';
import { runDigest } from './digest-job.js';
import { type PruneSummary, prunedCount, pruneRetained } from './prune.js';
import { isQuietSelfHealth, type SelfHealthWatch, selfHealthJob } from './self-health-job.js';

export interface ScheduleOptions {
  /** After every check run (the runtime refreshes App Home for its viewers). */
  readonly afterCheckRun?: () => Promise<void>;
  /** This process's Slack health and start, for the watchdog. */
  readonly watch: SelfHealthWatch;
}

export function scheduledJobs(services: Services, options: ScheduleOptions): Job[] {
  const jobs: Job[] = JOB_NAMES.map((name) => ({
    name,
    cron: jobCron(name, services.config.schedules),
    run: (slot: Date) =>
      name === 'digest' ? runDigest(services, slot) : runCheck(services, name, slot, options),
  }));
  jobs.push({ name: 'retry-sweeper', cron: ['*/15 * * * *'], run: () => sweepAndPrune(services) });
  jobs.push(selfHealthJob(services, options.watch));
  return jobs;
}

/** The sweeper's run: re-enqueue lost retries, then prune expired records (a failed prune is only logged). */
async function sweepAndPrune(services: Services) {
  const swept = await sweepRetries(services);
  const pruned = await pruneRetained(services).catch((error: unknown) => {
    services.log.warn('pruning expired records failed', { error });
    return undefined;
  });
  return { ...swept, pruned };
}

/** Run one job now, outside its schedule (the demo's first pass, tests). */
export function runJobNow(
  services: Services,
  job: (typeof JOB_NAMES)[number],
  at: Date,
  options: Pick<ScheduleOptions, 'afterCheckRun'>,
): Promise<unknown> {
  return job === 'digest' ? runDigest(services, at) : runCheck(services, job, at, options);
}

async function runCheck(
  services: Services,
  job: Exclude<(typeof JOB_NAMES)[number], 'digest'>,
  at: Date,
  options: Pick<ScheduleOptions, 'afterCheckRun'>,
): Promise<CheckJobResult> {
  const result = await runCheckJob(services, job, at);
  // Stopping: App Home's refresh (a Slack call per viewer) is not worth the shutdown's time.
  if (!services.stopSignal.aborted) await options.afterCheckRun?.();
  return result;
}

/** A run the stop cut short (see CheckJobResult.interrupted): its slot is handed back, not finished. */
export function isInterrupted(result: unknown): boolean {
  return (result as { interrupted?: unknown } | undefined)?.interrupted === true;
}

/** A short line per job run for the terminal and the log. */
export function describeResult(job: string, result: unknown): string {
  if (result && typeof result === 'object' && 'delivery' in result) {
    const r = result as CheckJobResult;
    const d = r.delivery;
    const left = r.interrupted ? `; stopped with work left, slot handed back` : '';
    return `job ${job} for ${r.date}: ${r.findings} findings, ${d.opened} opened, ${d.updated} updated, ${d.resolved} resolved, ${d.posted} posted${d.errors.length ? `, ${d.errors.length} errors` : ''}${left}`;
  }
  if (result && typeof result === 'object' && 'posted' in result) {
    const r = result as { date: string; posted: boolean };
    return `job ${job}: digest for ${r.date} ${r.posted ? 'posted' : 'already posted'}`;
  }
  if (result && typeof result === 'object' && 'overdue' in result) {
    const r = result as { overdue: unknown[]; interrupted: unknown[]; pruned?: PruneSummary };
    const pruned = prunedCount(r.pruned);
    return `job ${job}: re-enqueued ${r.overdue.length} overdue and ${r.interrupted.length} interrupted retries${pruned > 0 ? `; pruned ${pruned} expired records` : ''}`;
  }
  return `job ${job} done`;
}

/** Runs that found nothing and changed nothing: a debug line, not a terminal line every few minutes. */
export function isQuietRun(result: unknown): boolean {
  return isIdleSweep(result) || isQuietSelfHealth(result);
}

/** A sweep that found nothing to re-enqueue or prune. */
function isIdleSweep(result: unknown): boolean {
  const r = result as { overdue?: unknown[]; interrupted?: unknown[]; pruned?: PruneSummary } | undefined;
  return (
    Array.isArray(r?.overdue) &&
    r.overdue.length === 0 &&
    Array.isArray(r.interrupted) &&
    r.interrupted.length === 0 &&
    prunedCount(r.pruned) === 0
  );
}
