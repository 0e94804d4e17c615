import type { ConfigOf, Services } from '../services.js';
import type { Finding } from './finding.js';
import { JOBS, type JobName, jobChecks } from './registry.js';
import { type RunOptions, runChecks } from './run-checks.js';
import { etDate } from './time.js';

export interface JobFailure {
  readonly check: string;
  readonly error: string;
}

/** What one run of a job found; src/pipeline/check-job.ts reconciles and delivers it. */
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
export async function runJob(
  deps: Pick<Services, 'warehouse'> & ConfigOf<'thresholds'>,
  job: JobName,
  now: Date,
  options: RunOptions = {},
): Promise<JobRunSummary> {
  const elapsed = options.elapsed ?? (() => performance.now());
  const started = elapsed();
  const date = etDate(now);
  const checks = jobChecks(JOBS[job].name);
  const { findings, outcomes } = await runChecks(
    deps,
    checks,
    { date, now, thresholds: deps.config.thresholds },
    { ...options, elapsed },
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
