// One run of a checking job, top to bottom: run its checks as of `at` → record that the run completed →
// reconcile the findings with open incidents and deliver them to Slack → let auto-heal act on them.
// Cron, the demo and the CLI only wrap it.
import { type DeliverySummary, deliverRun } from '../alerts/deliver.js';
import type { JobName } from '../jobs/registry.js';
import { runJob } from '../jobs/run-job.js';
import type { AutoHealServices } from '../recovery/auto-heal.js';
import { runAutoHeal } from '../recovery/auto-heal.js';
import type { Services } from '../services.js';
import { recordCompletion } from '../store/job-runs.js';
import { shareGradingCharts } from './charts.js';

/** A check query's limit: one that runs longer becomes a check_failed finding. */
const CHECK_TIMEOUT_MS = 60_000;

export interface CheckJobResult {
  readonly job: JobName;
  readonly date: string;
  readonly findings: number;
  readonly failures: number;
  readonly delivery: DeliverySummary;
  /**
   * The process began stopping before the run's work was done (alerts or automatic actions left): its
   * slot is handed back, so another instance (or this one after a restart) runs it again at once.
   */
  readonly interrupted: boolean;
}

/** What a check run uses: the checks' warehouse, delivery's Store and Slack, auto-heal's recovery paths. */
export type CheckJobServices = AutoHealServices & Pick<Services, 'config' | 'incidentMessages' | 'routing'>;

export async function runCheckJob(deps: CheckJobServices, job: JobName, at: Date): Promise<CheckJobResult> {
  const summary = await runJob(deps, job, at, { timeoutMs: CHECK_TIMEOUT_MS });
  // The check run finished (check_failed findings included): the self-health watchdog times jobs by this.
  await recordCompletion(deps.store, {
    job,
    completed_at: deps.clock.now(),
    ran_for: at,
    findings: summary.findings.length,
    failures: summary.failures.length,
  }).catch((error: unknown) => deps.log.warn('recording the job run failed', { job, error }));
  const delivery = await deliverRun(deps, { findings: summary.findings, checksRan: summary.checksRun });
  // After delivery, so each automatic action is reported in its incident's thread.
  const healed = await runAutoHeal(deps, summary.findings);
  if (healed.done.length > 0)
    deps.log.info(
      `auto-heal: ${healed.done.map((d) => `${d.action} ${d.subject} (policy ${d.policy}): ${d.outcome}`).join('; ')}`,
    );
  // Last, and not while stopping: a chart is an extra under an alert already posted.
  if (!deps.stopSignal.aborted) await shareGradingCharts(deps, summary.findings, at);
  return {
    job,
    date: summary.date,
    findings: summary.findings.length,
    failures: summary.failures.length,
    delivery,
    interrupted: delivery.deferred > 0 || healed.left > 0,
  };
}
