import { describe, expect, it } from 'vitest';
import { jobChecks } from '../../src/jobs/registry.js';
import { runJob } from '../../src/jobs/run-job.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import type { Params, QueryDef, Warehouse } from '../../src/warehouse/port.js';

/** Answers every query with no rows, except the files told to fail; records what was asked. */
function fakeWarehouse(failing: Record<string, Error> = {}) {
  const calls: { file: string; params: Params; timeoutMs?: number }[] = [];
  const warehouse: Warehouse = {
    engine: 'duckdb',
    async query<Row>(def: QueryDef<Row>, params: Params, options?: { timeoutMs?: number }) {
      calls.push({ file: def.file, params, timeoutMs: options?.timeoutMs });
      const error = failing[def.file];
      if (error) throw error;
      return [] as Row[];
    },
    execute: async () => null,
    ping: async () => {},
    close: async () => {},
  };
  return { warehouse, calls };
}

describe('runJob', () => {
  it('runs the job’s checks for the ET date of now, as of now', async () => {
    const { warehouse, calls } = fakeWarehouse();
    const now = new Date('2026-01-19T03:30:00Z'); // 22:30 ET on the 18th
    // Monotonic time: the first reading starts the job, every later one is 250 ms on.
    let readings = 0;
    const elapsed = () => (readings++ === 0 ? 1000 : 1250);
    const summary = await runJob({ warehouse, config: { thresholds: DEFAULT_THRESHOLDS } }, 'grading', now, {
      timeoutMs: 5000,
      elapsed,
    });
    expect(summary).toMatchObject({
      job: 'grading',
      date: '2026-01-18',
      findings: [],
      checksRun: ['grading_accuracy', 'grading_coverage'],
      failures: [],
      durationMs: 250,
    });
    expect(calls.map((c) => [c.file, c.params.report_date, c.params.now, c.timeoutMs])).toEqual([
      ['checks/grading_accuracy.sql', '2026-01-18', now, 5000],
      ['checks/grading_coverage.sql', '2026-01-18', now, 5000],
    ]);
  });

  it('a check that fails is reported as a failure and a check_failed finding; the rest still run', async () => {
    const { warehouse, calls } = fakeWarehouse({ 'checks/prediction_volume.sql': new Error('boom') });
    const summary = await runJob(
      { warehouse, config: { thresholds: DEFAULT_THRESHOLDS } },
      'health',
      new Date('2026-01-18T14:00:00Z'),
    );
    const expected = jobChecks('health').map((c) => c.name);
    expect(summary.checksRun).toEqual(expected);
    expect(calls).toHaveLength(expected.length);
    expect(summary.failures).toEqual([{ check: 'prediction_volume', error: 'boom' }]);
    expect(summary.findings.map((f) => [f.check, f.key, f.severity])).toEqual([
      ['check_failed', 'check_failed:prediction_volume', 'error'],
    ]);
  });

  it('the digest runs no checks', async () => {
    const { warehouse, calls } = fakeWarehouse();
    const summary = await runJob(
      { warehouse, config: { thresholds: DEFAULT_THRESHOLDS } },
      'digest',
      new Date(),
    );
    expect(summary.checksRun).toEqual([]);
    expect(summary.findings).toEqual([]);
    expect(calls).toEqual([]);
  });
});
