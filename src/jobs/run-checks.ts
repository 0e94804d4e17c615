import type { Services } from '../services.js';
import type { Check, CheckContext } from './check.js';
import { type Finding, findingKey } from './finding.js';
import { type Presentation, strFact, text } from './presentation.js';

export interface CheckOutcome {
  readonly check: string;
  readonly ms: number;
  readonly findings: number;
  /** Set when the check itself failed (query error, timeout, bad rows, evaluator bug). */
  readonly error?: string;
}

export interface CheckRunSummary {
  readonly findings: Finding[];
  readonly outcomes: CheckOutcome[];
}

export interface RunOptions {
  /** Per-check query timeout; a check that exceeds it becomes a check_failed finding. */
  readonly timeoutMs?: number;
  /** Monotonic milliseconds for durations only; decisions never read the wall clock. */
  readonly elapsed?: () => number;
}

/** A check that could not run is itself a finding: silence would look like health. */
export function checkFailedFinding(check: string, error: unknown): Finding {
  const message = error instanceof Error ? error.message : String(error);
  return {
    check: 'check_failed',
    key: findingKey('check_failed', check),
    severity: 'error',
    title: `Check ${check} could not run`,
    subject: { check },
    facts: { check, error: message.slice(0, 500) },
    actions: [],
  };
}

/** How a check that could not run reads in an alert. */
export const CHECK_FAILED_PRESENTATION: Presentation = {
  summary: (f) =>
    `The ${strFact(f, 'check')} check could not run, so nothing is known about what it watches until it does.`,
  fields: (f) => [text('Check', strFact(f, 'check')), text('Error', strFact(f, 'error'))],
};

/**
 * Run a job's checks concurrently and collect their findings in the job's check order; a failing check
 * yields `check_failed` and the others go on. Concurrently because the job's time is the sum of its
 * queries' latencies otherwise (a BigQuery job takes seconds whatever it scans; DuckDB reads on separate
 * connections in parallel), and a job holds a handful of checks, far under BigQuery's concurrent query limit.
 */
export async function runChecks(
  deps: Pick<Services, 'warehouse'>,
  checks: readonly Check<unknown>[],
  ctx: CheckContext,
  options: RunOptions = {},
): Promise<CheckRunSummary> {
  const elapsed = options.elapsed ?? (() => performance.now());
  const runOne = async (check: Check<unknown>): Promise<{ found: Finding[]; outcome: CheckOutcome }> => {
    const started = elapsed();
    try {
      const rows = await deps.warehouse.query(check.query, check.params(ctx), {
        timeoutMs: options.timeoutMs,
      });
      const found = check.evaluate(rows, ctx);
      return { found, outcome: { check: check.name, ms: elapsed() - started, findings: found.length } };
    } catch (error) {
      return {
        found: [checkFailedFinding(check.name, error)],
        outcome: {
          check: check.name,
          ms: elapsed() - started,
          findings: 1,
          error: error instanceof Error ? error.message : String(error),
        },
      };
    }
  };
  const results = await Promise.all(checks.map(runOne));
  return { findings: results.flatMap((r) => r.found), outcomes: results.map((r) => r.outcome) };
}
