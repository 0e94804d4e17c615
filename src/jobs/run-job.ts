import type { Warehouse } from '../warehouse/port.js';
import type { Finding } from './finding.js';
import { JOBS, type JobName, jobChecks } from './registry.js';
import { runChecks } from './run-checks.js';
import type { Thresholds } from './thresholds.js';
import { etDate } from './time.js';

export interface RunJobDeps {
  readonly warehouse: Warehouse;
  readonly thresholds: Thresholds;
  /** Per-check query timeout; a check that exceeds it becomes a check_failed finding. */
  readonly timeoutMs?: number;
  /** Monotonic milliseconds for durations only. */
  readonly elapsed?: () => number;
}

export interface JobFailure {
  readonly check: string;
  readonly error: string;
}

/** What one run of a job found; cron only wraps it; src/pipeline/jobs.ts reconciles and delivers it. */
export interface JobRunSummary {
  readonly job: JobName;
  /** The pipeline date checked: the ET date of `now`. */
  readonly date: string;
  readonly findings: Finding[];
  readonly checksRun: string[];
  /** Checks that could not run (each is also a check_failed finding). */
  readonly failures: JobFailure[];
  readonly durationMs: number;
}

/** Run a job's checks as of `now` for the ET date of `now`. No Slack, no Store: findings only. */
export async function runJob(deps: RunJobDeps, job: JobName, now: Date): Promise<JobRunSummary> {
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  const date = etDate(now);
  const checks = jobChecks(JOBS[job].name);
  const { findings, outcomes } = await runChecks(
    { warehouse: deps.warehouse, elapsed },
    checks,
    { date, now, thresholds: deps.thresholds },
    { timeoutMs: deps.timeoutMs },
  );
  return {
    job,
    date,
    findings,
    checksRun: outcomes.map((o) => o.check),
    failures: outcomes.flatMap((o) => (o.error === undefined ? [] : [{ check: o.check, error: o.error }])),
    durationMs: elapsed() - started,
  };
}
