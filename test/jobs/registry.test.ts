import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ALL_CHECKS,
  findCheck,
  isJobName,
  JOB_NAMES,
  JOBS,
  jobChecks,
  jobCron,
} from '../../src/jobs/registry.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { loadSqlFile } from '../../src/warehouse/sql-files.js';

// Every query in sql/checks is a check: a file without a registered evaluator (or the reverse) is a
// half-added check, whatever its name.
const SQL_CHECKS = readdirSync(new URL('../../sql/checks/', import.meta.url))
  .filter((f) => f.endsWith('.sql'))
  .map((f) => f.replace(/\.sql$/, ''));

describe('check registry', () => {
  it('registers one evaluator for every query in sql/checks, each name once', () => {
    const registered = ALL_CHECKS.map((c) => c.name);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...registered].sort()).toEqual([...SQL_CHECKS].sort());
    expect(registered.length).toBeGreaterThanOrEqual(12);
  });

  it('each registered check reads its own sql/checks file whose declared parameters it fills', () => {
    const ctx = { date: '2026-01-18', now: new Date('2026-01-18T17:00:00Z'), thresholds: DEFAULT_THRESHOLDS };
    for (const check of ALL_CHECKS) {
      expect(check.query.file).toBe(`checks/${check.name}.sql`);
      const declared = Object.keys(loadSqlFile(check.query.file).params).sort();
      const params = check.params(ctx);
      expect(Object.keys(params).sort(), check.name).toEqual(declared);
    }
  });

  it('finds checks by exact name only', () => {
    expect(findCheck('grading_accuracy')?.name).toBe('grading_accuracy');
    expect(findCheck('Grading_Accuracy')).toBeUndefined();
    expect(findCheck('all')).toBeUndefined();
  });
});

describe('jobs', () => {
  it('assigns every registered check to exactly one job', () => {
    const assigned = JOB_NAMES.flatMap((j) => JOBS[j].checks);
    expect([...assigned].sort()).toEqual(ALL_CHECKS.map((c) => c.name).sort());
    for (const name of JOB_NAMES) expect(JOBS[name].name).toBe(name);
  });

  it('has the documented schedule by default and takes config overrides', () => {
    expect(Object.fromEntries(JOB_NAMES.map((j) => [j, jobCron(j)]))).toEqual({
      gaps: ['30 2 * * *', '0 0,4,7,9,12,16,20 * * *'],
      completeness: ['0 6 * * *'],
      health: ['0 9 * * *', '15 14 * * *'],
      grading: ['0 7 * * *', '0 11 * * *'],
      digest: ['0 7 * * *'],
    });
    expect(jobCron('health', { health: ['30 8 * * *'] })).toEqual(['30 8 * * *']);
    expect(jobCron('health', { health: [] })).toEqual(['0 9 * * *', '15 14 * * *']);
  });

  it('resolves a job to its registered checks in order; the digest runs none', () => {
    expect(jobChecks('grading').map((c) => c.name)).toEqual(['grading_accuracy', 'grading_coverage']);
    const health = jobChecks('health').map((c) => c.name);
    expect(health).toEqual(JOBS.health.checks);
    expect(jobChecks('digest')).toEqual([]);
    expect(isJobName('health')).toBe(true);
    expect(isJobName('toString')).toBe(false);
  });
});
