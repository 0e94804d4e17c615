// The warehouse-work bench's accounting: DuckDB's profile of each statement, charged to the surface that
// ran it, and the partition-days its pushed-down filters leave (what BigQuery would read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionDays } from '../../bench/partition-days.js';
import { scanAccounting } from '../../bench/scan-accounting.js';
import { runsQuery } from '../../src/dashboard/data.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';

const HELD = { from: '2026-01-01', until: '2026-01-20' };

describe('partitionDays', () => {
  it('counts the days between the bounds on the partition column, within the days held', () => {
    const range = ["target_date>='2026-01-14'::DATE AND target_date<='2026-01-21'::DATE", "status='success'"];
    expect(partitionDays(range, 'target_date', HELD)).toEqual({ days: 7, unbounded: [] });
    expect(partitionDays(["data_date='2026-01-19'::DATE"], 'data_date', HELD).days).toBe(1);
    expect(
      partitionDays(["game_date>'2026-01-18'::DATE AND game_date<'2026-01-20'::DATE"], 'game_date', HELD)
        .days,
    ).toBe(1);
    expect(
      partitionDays(["game_date>='2025-06-01'::DATE AND game_date<='2025-06-09'::DATE"], 'game_date', HELD)
        .days,
    ).toBe(0);
  });

  it('reads a timestamp partitioned by its day, and says which side had no bound', () => {
    const hours = [
      "metric_hour>'2026-01-19 14:00:00+00'::TIMESTAMP WITH TIME ZONE AND metric_hour<='2026-01-20 14:00:00+00'::TIMESTAMP WITH TIME ZONE",
    ];
    expect(partitionDays(hours, 'metric_hour', HELD)).toEqual({ days: 2, unbounded: [] });
    const before = ["execution_time<'2026-01-10 00:00:00+00'::TIMESTAMP WITH TIME ZONE"];
    expect(partitionDays(before, 'execution_time', HELD)).toEqual({ days: 9, unbounded: ['lower'] });
    // A filter on another column prunes nothing.
    expect(partitionDays(["started_at<='2026-01-20 15:00:00+00'::TIMESTAMP"], 'target_date', HELD)).toEqual({
      days: 20,
      unbounded: ['lower', 'upper'],
    });
  });
});

describe('scanAccounting', () => {
  const accounting = scanAccounting();
  let duck: DuckDbWarehouse;
  beforeAll(async () => {
    duck = await openDuckDbWarehouse({ path: ':memory:', probe: accounting.probe });
    // An empty table is optimized away before any scan: one row per date keeps the scan in the plan.
    const run = (data_date: string) => ({
      run_id: `r-${data_date}`,
      processor_name: 'player_game_summary',
      phase: 3,
      data_date,
      started_at: new Date(`${data_date}T12:00:00Z`),
      status: 'success',
    });
    await duck.insertRows({ 'nba_reference.processor_run_history': ['2026-01-18', '2026-01-19'].map(run) });
  });
  afterAll(async () => {
    await duck.close();
    accounting.close();
  });

  it("records each statement's table scans from DuckDB's profile, under the surface that ran it", async () => {
    const now = new Date('2026-01-20T15:00:00Z');
    await accounting.as('command', () => duck.query(runsQuery, { report_date: '2026-01-19', now }));
    await duck.query(runsQuery, { report_date: '2026-01-18', now });
    expect(accounting.statements.map((s) => [s.surface, s.file])).toEqual([
      ['command', 'status/pipeline_runs.sql'],
      ['job', 'status/pipeline_runs.sql'],
    ]);
    const [scan] = accounting.statements[0]?.scans ?? [];
    expect(scan?.table).toBe('nba_reference.processor_run_history');
    expect(partitionDays(scan?.filters ?? [], 'data_date', HELD).days).toBe(1);
    expect(accounting.unprofiled).toEqual([]);
  });
});
