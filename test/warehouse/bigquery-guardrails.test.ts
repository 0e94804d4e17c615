// The BigQuery adapter's guardrails, on the local double of the jobs API: labels, the byte budget (default and
// a file's own), the server-side timeout and cancellation, retries of transient failures only, and a budget
// breach reported as such (down to the check_failed finding it becomes).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkFailedFinding } from '../../src/jobs/run-checks.js';
import {
  jobErrorKind,
  labelValue,
  type RetryPolicy,
  retryDelayMs,
} from '../../src/warehouse/bigquery-guardrails.js';
import { type Warehouse, WarehouseBudgetError } from '../../src/warehouse/port.js';
import { parseSqlFile } from '../../src/warehouse/sql-files.js';
import type { BigQueryDouble, CannedResult } from '../support/bigquery-double.js';
import { bigQueryOnDouble } from '../support/bigquery-warehouse.js';
import { fixtureQuery, type Untyped } from '../support/untyped-warehouse.js';

const GiB = 2 ** 30;
const RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 4 };

let double: BigQueryDouble;
let warehouse: Untyped<Warehouse>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ double, warehouse, close } = await bigQueryOnDouble(
    {
      'checks/Scraper Gaps.sql': '-- @param d DATE\nSELECT 1 AS n FROM t.x WHERE d = @d',
      'checks/wide.sql': '-- @param d DATE\n-- @max_bytes_billed 20GB\nSELECT 1 AS n FROM t.x WHERE d = @d',
      'checks/reset.sql': '-- @param d DATE\nUPDATE t.x SET a = 1 WHERE d = @d',
    },
    { maxBytesBilled: 5 * GiB, retry: RETRY, random: () => 0 },
  ));
});
afterAll(() => close());
beforeEach(() => {
  double.jobs.length = 0;
  double.cancelled.length = 0;
  double.respond({ fields: [{ name: 'n', type: 'INTEGER' }], rows: [['1']] });
});

const Row = z.object({ n: z.number() });
const gaps = fixtureQuery('checks/Scraper Gaps.sql', Row);
const wide = fixtureQuery('checks/wide.sql', Row);
const params = { d: '2026-01-10' };
const failure = (status: number, reason: string, message = `${reason} happened`): CannedResult => ({
  fields: [],
  rows: [],
  error: { status, reason, message },
});

/** Poll until `done()` holds (the double answers asynchronously). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(done()).toBe(true);
}

describe('BigQuery job options', () => {
  it('labels every job with the app, the query file (as a label value) and the surface, default job', async () => {
    await warehouse.query(gaps, params);
    await warehouse.query(gaps, params, { surface: 'home' });
    await warehouse.execute('checks/reset.sql', params, { surface: 'action' });
    expect(double.jobs.map((j) => j.configuration.labels)).toEqual([
      { app: 'shotclock', query: 'checks-scraper-gaps', surface: 'job' },
      { app: 'shotclock', query: 'checks-scraper-gaps', surface: 'home' },
      { app: 'shotclock', query: 'checks-reset', surface: 'action' },
    ]);
  });

  it('makes any file name a valid label value: lowercase, [a-z0-9_-], at most 63 characters', () => {
    const long = `status/${'Very_Long-Name.'.repeat(8)}.sql`;
    for (const name of [long, 'checks/scraper_gaps.sql', 'ÜBER/§$.sql', '']) {
      expect(labelValue(name)).toMatch(/^[a-z0-9_-]{1,63}$/);
    }
    expect(labelValue('checks/scraper_gaps.sql')).toBe('checks-scraper_gaps');
  });

  it('sets maximumBytesBilled: the configured default, or the budget the file declares', async () => {
    await warehouse.query(gaps, params);
    await warehouse.query(wide, params);
    expect(double.jobs.map((j) => j.configuration.query.maximumBytesBilled)).toEqual([
      String(5 * GiB),
      '20000000000',
    ]);
  });

  it("sets jobTimeoutMs from the caller's timeout, and a default for a caller with none", async () => {
    await warehouse.query(gaps, params, { timeoutMs: 30_000 });
    await warehouse.query(gaps, params);
    const [given, defaulted] = double.jobs.map((j) => Number(j.configuration.jobTimeoutMs));
    expect(given).toBeGreaterThan(29_000);
    expect(given).toBeLessThanOrEqual(30_000);
    expect(defaulted).toBeGreaterThan(59_000);
    expect(defaulted).toBeLessThanOrEqual(60_000);
  });

  it('cancels the job when the local timeout fires', async () => {
    double.respond({ fields: [], rows: [], hang: true });
    await expect(warehouse.query(gaps, params, { timeoutMs: 150 })).rejects.toThrow(
      'checks/Scraper Gaps.sql: timed out after 150 ms',
    );
    const jobId = double.jobs[0]?.jobReference.jobId;
    await until(() => double.cancelled.length > 0);
    expect(double.cancelled).toEqual([jobId]);
  });

  it('cancels the job when the caller gives up', async () => {
    double.respond({ fields: [], rows: [], hang: true });
    const caller = new AbortController();
    const answer = warehouse.query(gaps, params, { signal: caller.signal });
    await until(() => double.jobs.length === 1);
    caller.abort();
    await expect(answer).rejects.toThrow('checks/Scraper Gaps.sql: cancelled by the caller');
    await until(() => double.cancelled.length > 0);
    expect(double.cancelled).toEqual([double.jobs[0]?.jobReference.jobId]);
  });

  it('starts no job for a caller that has already given up', async () => {
    const caller = new AbortController();
    caller.abort();
    await expect(warehouse.query(gaps, params, { signal: caller.signal })).rejects.toThrow(
      'checks/Scraper Gaps.sql: cancelled by the caller',
    );
    // A query after it has had its job answered: a job sent for the first would have arrived by then.
    await warehouse.query(gaps, params, { surface: 'command' });
    expect(double.jobs.map((j) => j.configuration.labels?.surface)).toEqual(['command']);
  });
});

describe('BigQuery retries', () => {
  it('retries a transient failure with a new job, then answers', async () => {
    double.respond(failure(500, 'backendError'), failure(403, 'rateLimitExceeded'), {
      fields: [{ name: 'n', type: 'INTEGER' }],
      rows: [['7']],
    });
    expect(await warehouse.query(gaps, params)).toEqual([{ n: 7 }]);
    const ids = double.jobs.map((j) => j.jobReference.jobId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
  });

  it('does not retry a failure that would fail the same way again', async () => {
    double.respond(failure(400, 'invalidQuery', 'Unrecognized name: d2'), { fields: [], rows: [] });
    await expect(warehouse.query(gaps, params)).rejects.toThrow(/Unrecognized name: d2$/);
    expect(double.jobs).toHaveLength(1);
  });

  it('gives up after the policy’s number of jobs', async () => {
    double.respond(failure(503, 'backendError', 'Backend unavailable'));
    await expect(warehouse.query(gaps, params)).rejects.toThrow('Backend unavailable (3 attempts)');
    expect(double.jobs).toHaveLength(RETRY.attempts);
  });

  it('classifies errors by reason first, then by HTTP status', () => {
    const err = (code: number, reason?: string) => ({ code, errors: reason ? [{ reason }] : [] });
    expect(jobErrorKind(err(500, 'internalError'))).toBe('transient');
    expect(jobErrorKind(err(502))).toBe('transient');
    expect(jobErrorKind(err(403, 'rateLimitExceeded'))).toBe('transient');
    expect(jobErrorKind(err(403, 'quotaExceeded'))).toBe('permanent');
    expect(jobErrorKind(err(500, 'bytesBilledLimitExceeded'))).toBe('budget');
    expect(jobErrorKind(new Error('socket hang up'))).toBe('permanent');
  });

  it('waits exponentially longer with up to one base step of jitter, capped', () => {
    const policy = { attempts: 9, baseDelayMs: 1000, maxDelayMs: 32_000 };
    expect([1, 2, 3, 6, 7].map((n) => retryDelayMs(policy, n, () => 0))).toEqual([
      1000, 2000, 4000, 32_000, 32_000,
    ]);
    expect(retryDelayMs(policy, 2, () => 0.999)).toBe(2999);
  });
});

describe('BigQuery byte budget', () => {
  const breach = failure(
    500,
    'bytesBilledLimitExceeded',
    'Query exceeded limit for bytes billed: 5368709120. 7516192768 or higher required.',
  );

  it('reports a breach as a WarehouseBudgetError naming the file, its budget and the bytes needed, unretried', async () => {
    double.respond(breach);
    const error = await warehouse.query(gaps, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseBudgetError);
    expect(error).toMatchObject({
      file: 'checks/Scraper Gaps.sql',
      maxBytesBilled: 5 * GiB,
      bytesRequired: 7 * GiB,
    });
    expect((error as Error).message).toMatch(
      /^checks\/Scraper Gaps\.sql: over its byte budget of 5 GiB \(BigQuery needs 7 GiB\)/,
    );
    expect(double.jobs).toHaveLength(1);
  });

  it('becomes a check_failed finding whose text names the query, its budget and the bytes', async () => {
    double.respond(breach);
    const error = await warehouse.query(gaps, params).catch((e: unknown) => e);
    const finding = checkFailedFinding('scraper_gaps', error);
    expect(finding).toMatchObject({ check: 'check_failed', subject: { check: 'scraper_gaps' } });
    expect(finding.facts.error).toContain('checks/Scraper Gaps.sql');
    expect(finding.facts.error).toContain('5 GiB');
    expect(finding.facts.error).toContain('7 GiB');
  });

  it('reads a file’s budget from its header, in decimal or binary units', () => {
    const budget = (line: string) =>
      parseSqlFile('q.sql', `-- @param d DATE\n${line}\nSELECT 1`).maxBytesBilled;
    expect(budget('-- @max_bytes_billed 5GB')).toBe(5e9);
    expect(budget('-- @max_bytes_billed 2 GiB')).toBe(2 * GiB);
    expect(budget('-- @max_bytes_billed 500mb')).toBe(5e8);
    expect(budget('-- @max_bytes_billed 104857600')).toBe(100 * 2 ** 20);
    expect(budget('-- no budget here')).toBeUndefined();
  });

  it('rejects a malformed header budget with the line and what to write', () => {
    const parse = (line: string) => () => parseSqlFile('checks/q.sql', `-- @param d DATE\n${line}\nSELECT 1`);
    expect(parse('-- @max_bytes_billed 5 gigs')).toThrow(
      'checks/q.sql:2: @max_bytes_billed "5 gigs" is not a byte size (write e.g. 500MB, 5GB, 1TiB or a number of bytes)',
    );
    expect(parse('-- @max_bytes_billed')).toThrow(
      /checks\/q\.sql:2: @max_bytes_billed "" is not a byte size/,
    );
    expect(parse('-- @max_bytes_billed 1MB')).toThrow(/checks\/q\.sql:2: .*below 10 MiB/);
    expect(parse('-- @max_bytes_billed 5GB\n-- @max_bytes_billed 6GB')).toThrow(
      'checks/q.sql:3: @max_bytes_billed is declared twice (keep one)',
    );
  });
});
