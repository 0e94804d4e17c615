import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import {
  evaluateWorkflowFailures,
  type WorkflowFailuresRow,
  workflowFailuresCheck,
} from '../../src/jobs/workflow_failures.js';
import { type OpsWarehouse, opsWarehouse, workflowRow } from './ops-fixture.js';

const ctx: CheckContext = {
  date: '2026-01-01',
  now: new Date('2026-01-01T22:45:00Z'),
  thresholds: DEFAULT_THRESHOLDS,
};
const wf = (name: string, failures: number, successes: number, over: Partial<WorkflowFailuresRow> = {}) => ({
  workflow_name: name,
  executions: failures + successes,
  failures,
  failures_without_message: 0,
  last_failed_at: failures > 0 ? new Date('2026-01-01T20:00:00Z') : null,
  last_error: failures > 0 ? 'nbac_injury_report: HTTP 429' : null,
  ...over,
});

describe('workflow_failures evaluate', () => {
  it('2025-12-31: every workflow above 50 % is an error; failures without messages add one warning', () => {
    const rows = [
      wf('injury_discovery', 11, 5, { failures_without_message: 11 }),
      wf('referee_discovery', 12, 6, { failures_without_message: 12 }),
      wf('betting_lines', 7, 3, { failures_without_message: 7 }),
      wf('schedule_dependency', 6, 3, { failures_without_message: 6 }),
    ];
    const found = evaluateWorkflowFailures(rows, ctx);
    expect(found.map((f) => [f.key, f.severity, f.facts.failure_rate_pct])).toEqual([
      ['workflow_failures:betting_lines', 'error', 70],
      ['workflow_failures:injury_discovery', 'error', 68.8],
      ['workflow_failures:referee_discovery', 'error', 66.7],
      ['workflow_failures:schedule_dependency', 'error', 66.7],
      ['workflow_failures:missing_error_message', 'warning', undefined],
    ]);
    expect(found[0]).toMatchObject({
      subject: { workflow: 'betting_lines' },
      title: 'Workflow betting_lines failed 7 of 10 runs in the last 24 h (70%)',
      facts: { executions: 10, failures: 7, warn_above_pct: 10, error_above_pct: 50, window_hours: 24 },
      actions: [],
    });
    expect(found[4]?.facts).toMatchObject({
      failures_without_message: 36,
      failures: 36,
      message_coverage_pct: 0,
      workflows: ['betting_lines', 'injury_discovery', 'referee_discovery', 'schedule_dependency'],
    });
  });

  it('2026-01-01: 20 % is a warning, 0 % is quiet, and messages present raise nothing', () => {
    const rows = [
      wf('injury_discovery', 0, 3),
      wf('referee_discovery', 0, 6),
      wf('betting_lines', 0, 4),
      wf('schedule_dependency', 1, 4),
    ];
    expect(evaluateWorkflowFailures(rows, ctx).map((f) => [f.key, f.severity])).toEqual([
      ['workflow_failures:schedule_dependency', 'warning'],
    ]);
  });

  it('the bounds are exclusive: exactly 10 % is quiet, exactly 50 % a warning', () => {
    expect(evaluateWorkflowFailures([wf('a', 1, 9)], ctx)).toEqual([]);
    expect(evaluateWorkflowFailures([wf('a', 5, 5)], ctx).map((f) => f.severity)).toEqual(['warning']);
    expect(evaluateWorkflowFailures([wf('a', 6, 5)], ctx).map((f) => f.severity)).toEqual(['error']);
  });

  it('a failure without a message warns even when the rate is low', () => {
    const found = evaluateWorkflowFailures(
      [wf('a', 1, 19, { failures_without_message: 1 }), wf('b', 0, 5)],
      ctx,
    );
    expect(found.map((f) => f.key)).toEqual(['workflow_failures:missing_error_message']);
    expect(found[0]?.facts).toMatchObject({ failures: 1, message_coverage_pct: 0, workflows: ['a'] });
  });

  it('keys do not depend on the counts; thresholds are configurable', () => {
    expect(evaluateWorkflowFailures([wf('a', 2, 8)], ctx)[0]?.key).toBe(
      evaluateWorkflowFailures([wf('a', 9, 1)], ctx)[0]?.key,
    );
    const lax = { ...ctx, thresholds: { ...DEFAULT_THRESHOLDS, workflowFailureWarn: 0.3 } };
    expect(evaluateWorkflowFailures([wf('a', 2, 8)], lax)).toEqual([]);
  });

  it('no runs, no findings', () => {
    expect(evaluateWorkflowFailures([], ctx)).toEqual([]);
  });

  it('queries the 24 h before now', () => {
    expect(workflowFailuresCheck.params(ctx)).toEqual({
      window_start: new Date('2025-12-31T22:45:00Z'),
      now: ctx.now,
    });
  });
});

describe('workflow_failures on DuckDB', () => {
  let db: OpsWarehouse;
  const hour = (h: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + h * 3_600_000).toISOString();

  beforeAll(async () => {
    db = await opsWarehouse({
      'nba_orchestration.workflow_executions': [
        // betting_lines: 7 of 10 failed in the 24 h, without messages (before the fix).
        ...Array.from({ length: 7 }, (_, i) =>
          workflowRow('betting_lines', hour(i), 'failed', { error_message: null }),
        ),
        ...Array.from({ length: 3 }, (_, i) => workflowRow('betting_lines', hour(10 + i), 'completed')),
        workflowRow('betting_lines', hour(-2), 'failed'), // 24.75 h before now
        workflowRow('betting_lines', hour(23), 'failed'), // after now
        // injury_discovery: 2 of 8 failed, one with an empty message; the latest failure's message is reported.
        ...Array.from({ length: 6 }, (_, i) => workflowRow('injury_discovery', hour(2 + i), 'completed')),
        workflowRow('injury_discovery', hour(9), 'failed', { error_message: '' }),
        workflowRow('injury_discovery', hour(21), 'failed', { error_message: 'nbac_injury_report: timeout' }),
        // referee_discovery: 1 of 10 (10 %) is quiet.
        ...Array.from({ length: 9 }, (_, i) => workflowRow('referee_discovery', hour(1 + i), 'completed')),
        workflowRow('referee_discovery', hour(12), 'failed'),
      ],
    });
  });
  afterAll(() => db?.close());

  it('counts the 24 h before now per workflow and finds the failing ones', async () => {
    const { rows, findings } = await db.run(workflowFailuresCheck, ctx);
    expect(rows.map((r) => [r.workflow_name, r.executions, r.failures, r.failures_without_message])).toEqual([
      ['betting_lines', 10, 7, 7],
      ['injury_discovery', 8, 2, 1],
      ['referee_discovery', 10, 1, 0],
    ]);
    expect(rows[1]?.last_error).toBe('nbac_injury_report: timeout');
    expect(rows[1]?.last_failed_at).toEqual(new Date(hour(21)));
    expect(findings.map((f) => [f.key, f.severity])).toEqual([
      ['workflow_failures:betting_lines', 'error'],
      ['workflow_failures:injury_discovery', 'warning'],
      ['workflow_failures:missing_error_message', 'warning'],
    ]);
    expect(findings[2]?.facts).toMatchObject({ failures_without_message: 8, failures: 10 });
  });
});
