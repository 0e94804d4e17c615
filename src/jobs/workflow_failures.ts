import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey } from './finding.js';
import {
  amount,
  count,
  list,
  listFact,
  numFact,
  type Presentation,
  percent,
  strFact,
  text,
  time,
} from './presentation.js';
import { hoursBefore } from './time.js';

const NAME = 'workflow_failures';
/** The window a finding stored before the window was a threshold (workflowWindowHours) was judged over. */
const DEFAULT_WINDOW_HOURS = 24;

const row = z.object({
  workflow_name: z.string(),
  executions: z.number().int(),
  failures: z.number().int(),
  failures_without_message: z.number().int(),
  last_failed_at: z.date().nullable(),
  last_error: z.string().nullable(),
});
export type WorkflowFailuresRow = z.infer<typeof row>;

const pct = (x: number) => Math.round(x * 1000) / 10;

function rateFinding(r: WorkflowFailuresRow, ctx: CheckContext): Finding[] {
  const {
    workflowFailureWarn: warn,
    workflowFailureError: error,
    workflowWindowHours: windowH,
  } = ctx.thresholds;
  if (r.executions === 0) return [];
  const rate = r.failures / r.executions;
  if (rate <= warn) return [];
  return [
    {
      check: NAME,
      key: findingKey(NAME, r.workflow_name),
      severity: rate > error ? 'error' : 'warning',
      title: `Workflow ${r.workflow_name} failed ${r.failures} of ${r.executions} runs in the last ${windowH} h (${pct(rate)}%)`,
      subject: { workflow: r.workflow_name },
      facts: {
        workflow: r.workflow_name,
        executions: r.executions,
        failures: r.failures,
        failure_rate_pct: pct(rate),
        warn_above_pct: pct(warn),
        error_above_pct: pct(error),
        window_hours: windowH,
        last_failed_at: r.last_failed_at?.toISOString() ?? null,
        last_error: r.last_error?.slice(0, 500) ?? null,
      },
      actions: [],
    },
  ];
}

/**
 * Failures nobody can debug (every failure had error_message NULL until the executor aggregated its scrapers'
 * errors, docs/pipeline.md#new-years-eve-rate-limit-storm): one warning for the whole executor, since it is
 * one logging bug, not one per workflow.
 */
function missingMessageFinding(rows: readonly WorkflowFailuresRow[], windowH: number): Finding[] {
  const affected = rows.filter((r) => r.failures_without_message > 0);
  if (affected.length === 0) return [];
  const without = affected.reduce((sum, r) => sum + r.failures_without_message, 0);
  const failures = rows.reduce((sum, r) => sum + r.failures, 0);
  return [
    {
      check: NAME,
      key: findingKey(NAME, 'missing_error_message'),
      severity: 'warning',
      title: `${without} of ${failures} workflow failures in the last ${windowH} h have no error message`,
      subject: {},
      facts: {
        failures_without_message: without,
        failures,
        message_coverage_pct: pct((failures - without) / failures),
        workflows: affected.map((r) => r.workflow_name).sort(),
        window_hours: windowH,
      },
      actions: [],
    },
  ];
}

/** Per workflow, the 24 h failure rate: above 10 % a warning, above 50 % an error (the defaults). */
export function evaluateWorkflowFailures(rows: readonly WorkflowFailuresRow[], ctx: CheckContext): Finding[] {
  const sorted = [...rows].sort((a, b) => a.workflow_name.localeCompare(b.workflow_name));
  return [
    ...sorted.flatMap((r) => rateFinding(r, ctx)),
    ...missingMessageFinding(sorted, ctx.thresholds.workflowWindowHours),
  ];
}

/** A workflow's failure rate, or the executor's failures that carry no error message. */
const presentation: Presentation = {
  summary: (f) => {
    const hours = numFact(f, 'window_hours') ?? DEFAULT_WINDOW_HOURS;
    if (strFact(f, 'workflow') === undefined) {
      return `${numFact(f, 'failures_without_message')} of ${numFact(f, 'failures')} workflow failures in the last ${hours} h carry no error message, so nobody can tell why they failed.`;
    }
    return `Workflow ${strFact(f, 'workflow')} failed ${numFact(f, 'failures')} of its ${numFact(f, 'executions')} runs in the last ${hours} h (${numFact(f, 'failure_rate_pct')} %; a warning above ${numFact(f, 'warn_above_pct')} %, an error above ${numFact(f, 'error_above_pct')} %).`;
  },
  fields: (f) =>
    strFact(f, 'workflow') === undefined
      ? [
          count(
            'Without a message',
            numFact(f, 'failures_without_message'),
            numFact(f, 'failures'),
            'failures',
          ),
          percent('With a message', numFact(f, 'message_coverage_pct')),
          list('Workflows', listFact(f, 'workflows')),
          amount('Window', numFact(f, 'window_hours'), 'h'),
        ]
      : [
          percent('Failed', numFact(f, 'failure_rate_pct'), numFact(f, 'failures'), numFact(f, 'executions')),
          text(
            'Warning / error above',
            `${numFact(f, 'warn_above_pct')} % / ${numFact(f, 'error_above_pct')} %`,
          ),
          time('Last failure', strFact(f, 'last_failed_at')),
          text('Last error', strFact(f, 'last_error')),
          amount('Window', numFact(f, 'window_hours'), 'h'),
        ],
};

export const workflowFailuresCheck = defineCheck({
  name: NAME,
  description:
    'Workflows failing over the warning or error share of runs in 24 h; failures without an error message',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({ window_start: hoursBefore(ctx.now, ctx.thresholds.workflowWindowHours), now: ctx.now }),
  evaluate: evaluateWorkflowFailures,
  presentation,
});
