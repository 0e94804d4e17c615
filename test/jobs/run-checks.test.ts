import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Check, defineCheck } from '../../src/jobs/check.js';
import { runChecks } from '../../src/jobs/run-checks.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import {
  defineQuery,
  type QueryDef,
  type SqlFile,
  type SqlParams,
  type Warehouse,
  WarehouseError,
} from '../../src/warehouse/port.js';

const ctx = { date: '2026-01-19', now: new Date('2026-01-19T17:00:00Z'), thresholds: DEFAULT_THRESHOLDS };
const row = z.object({ n: z.number() });

// Checks over files that do not exist, answered by name by the scripted warehouse: no generated types.
function fakeCheck(name: string): Check<unknown> {
  return defineCheck({
    name,
    description: name,
    query: defineQuery(`checks/${name}.sql` as SqlFile, row),
    params: (c) => ({ report_date: c.date }) as SqlParams[SqlFile],
    evaluate: (rows) =>
      rows.map((r) => ({
        check: name,
        key: `${name}:x`,
        severity: 'warning' as const,
        title: `${name} found ${r.n}`,
        subject: {},
        facts: { n: r.n },
        actions: [],
      })),
  }) as Check<unknown>;
}

/** A warehouse whose answer per file is scripted: rows, or an error to throw. */
function scriptedWarehouse(script: Record<string, { n: number }[] | Error>): Warehouse & { calls: string[] } {
  const calls: string[] = [];
  return {
    engine: 'duckdb',
    calls,
    async query<Row>(def: QueryDef<Row>) {
      calls.push(def.file);
      const answer = script[def.file];
      if (answer instanceof Error) throw answer;
      return (answer ?? []) as Row[];
    },
    execute: async () => null,
    ping: async () => {},
    close: async () => {},
  };
}

describe('runChecks', () => {
  it('runs the checks concurrently and still reports them in the job order', async () => {
    // b answers first, a only once b has been asked: sequential runs would never finish.
    let releaseA: () => void = () => {};
    const aMayAnswer = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const asked: string[] = [];
    const wh: Warehouse = {
      engine: 'duckdb',
      async query<Row>(def: QueryDef<Row>) {
        const file: string = def.file;
        asked.push(file);
        if (file === 'checks/a.sql') await aMayAnswer;
        else releaseA();
        return [{ n: file === 'checks/a.sql' ? 1 : 2 }] as Row[];
      },
      execute: async () => null,
      ping: async () => {},
      close: async () => {},
    };
    const summary = await runChecks({ warehouse: wh }, [fakeCheck('a'), fakeCheck('b')], ctx);
    expect(asked).toEqual(['checks/a.sql', 'checks/b.sql']);
    expect(summary.findings.map((f) => f.title)).toEqual(['a found 1', 'b found 2']);
    expect(summary.outcomes.map((o) => o.check)).toEqual(['a', 'b']);
  });

  it('collects findings of every check with an outcome per check', async () => {
    const wh = scriptedWarehouse({ 'checks/a.sql': [{ n: 1 }, { n: 2 }], 'checks/b.sql': [] });
    const summary = await runChecks({ warehouse: wh }, [fakeCheck('a'), fakeCheck('b')], ctx);
    expect(summary.findings.map((f) => f.title)).toEqual(['a found 1', 'a found 2']);
    expect(summary.outcomes.map((o) => [o.check, o.findings, o.error])).toEqual([
      ['a', 2, undefined],
      ['b', 0, undefined],
    ]);
  });

  it('turns a failing check into a check_failed finding and runs the others', async () => {
    const wh = scriptedWarehouse({
      'checks/a.sql': new WarehouseError('timed out after 50 ms', 'checks/a.sql'),
      'checks/b.sql': [{ n: 7 }],
    });
    const summary = await runChecks({ warehouse: wh }, [fakeCheck('a'), fakeCheck('b')], ctx);
    expect(wh.calls).toEqual(['checks/a.sql', 'checks/b.sql']);
    const failed = summary.findings.find((f) => f.check === 'check_failed');
    expect(failed).toMatchObject({
      key: 'check_failed:a',
      severity: 'error',
      facts: { error: 'timed out after 50 ms' },
    });
    expect(summary.findings.some((f) => f.title === 'b found 7')).toBe(true);
    expect(summary.outcomes[0]?.error).toBe('timed out after 50 ms');
  });

  it('treats an evaluator that throws like a failed check', async () => {
    const broken = {
      ...fakeCheck('c'),
      evaluate: () => {
        throw new Error('bad row shape');
      },
    };
    const wh = scriptedWarehouse({ 'checks/c.sql': [{ n: 1 }] });
    const summary = await runChecks({ warehouse: wh }, [broken], ctx);
    expect(summary.findings).toHaveLength(1);
    expect(summary.findings[0]).toMatchObject({ check: 'check_failed', subject: { check: 'c' } });
  });
});
