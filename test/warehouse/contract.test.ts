// One contract, both adapters. DuckDB runs the real (rewritten) SQL over inserted rows. BigQuery runs against
// a local double of the jobs API that answers with the same rows in BigQuery's wire encoding (strings, TIMESTAMP as
// integer microseconds): on that side the contract covers the request, parameter checks and the conversion of
// results to the port's JS types, not BigQuery's SQL semantics (ZetaSQL checks the SQL itself).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { type Warehouse, WarehouseError } from '../../src/warehouse/port.js';
import { type ColumnType, loadSchema } from '../../src/warehouse/schema.js';
import { SQL_DIR } from '../../src/warehouse/sql-files.js';
import type { BigQueryDouble } from '../support/bigquery-double.js';
import { bigQueryOnDouble } from '../support/bigquery-warehouse.js';
import { fixtureQuery, type Untyped, untyped } from '../support/untyped-warehouse.js';

const root = mkdtempSync(join(tmpdir(), 'shotclock-contract-'));
const sqlDir = join(root, 'sql');
cpSync(join(SQL_DIR, 'schema'), join(sqlDir, 'schema'), { recursive: true });
mkdirSync(join(sqlDir, 'contract'));
writeFileSync(
  join(sqlDir, 'contract', 'events.sql'),
  `-- @param since DATE
-- @param until TIMESTAMP
SELECT event_id, target_date, started_at, records_expected, duration_seconds, is_recovered, error_details
FROM nba_monitoring.scrape_events
WHERE target_date >= @since AND started_at < @until
ORDER BY event_id`,
);
writeFileSync(
  join(sqlDir, 'contract', 'recover.sql'),
  `-- @param ids ARRAY<STRING>
UPDATE nba_monitoring.scrape_events SET is_recovered = TRUE WHERE event_id IN UNNEST(@ids)`,
);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const COLUMNS = [
  'event_id',
  'target_date',
  'started_at',
  'records_expected',
  'duration_seconds',
  'is_recovered',
  'error_details',
] as const;
const EventRow = z.object({
  event_id: z.string(),
  target_date: z.string(),
  started_at: z.date(),
  records_expected: z.number().nullable(),
  duration_seconds: z.number().nullable(),
  is_recovered: z.boolean().nullable(),
  error_details: z.unknown(),
});
const events = fixtureQuery('contract/events.sql', EventRow);
const params = { since: '2026-01-01', until: new Date('2026-02-01T00:00:00Z') };

// What both engines must return, in the port's JS types.
const EXPECTED = [
  {
    event_id: 'e1',
    target_date: '2026-01-10',
    started_at: new Date('2026-01-11T05:00:00.250Z'),
    records_expected: 12,
    duration_seconds: 1.5,
    is_recovered: false,
    error_details: { code: 429, pages: [1, 2] },
  },
  {
    event_id: 'e2',
    target_date: '2026-01-31',
    started_at: new Date('2026-01-31T23:59:59Z'),
    records_expected: null,
    duration_seconds: null,
    is_recovered: null,
    error_details: null,
  },
];

interface Harness {
  readonly warehouse: Untyped<Warehouse>;
  /** Make `rows` of nba_monitoring.scrape_events what the next query sees. */
  given(rows: readonly Record<string, unknown>[]): Promise<void>;
  /** Make the next DML report `n` affected rows (DuckDB: a no-op, its count is real). */
  givenAffected(n: number): void;
  close(): Promise<void>;
}

const scrapeEvents = loadSchema(sqlDir).find((t) => t.fullName === 'nba_monitoring.scrape_events');
const typeOf = (name: string) => scrapeEvents?.columns.find((c) => c.name === name)?.type as ColumnType;

/** A JS value as BigQuery's REST API sends it. */
function wire(type: ColumnType, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (type === 'TIMESTAMP') return String((v as Date).getTime() * 1000);
  if (type === 'JSON') return JSON.stringify(v);
  return String(v);
}

async function duckDbHarness(): Promise<Harness> {
  const warehouse = await openDuckDbWarehouse({ path: join(root, 'duck', 'w.duckdb'), sqlDir });
  return {
    warehouse: untyped(warehouse),
    async given(rows) {
      const c = await warehouse.connect();
      await c.run('DELETE FROM nba_monitoring.scrape_events');
      c.closeSync();
      await warehouse.insertRows({
        'nba_monitoring.scrape_events': rows.map((r) => ({ scraper_name: 's', status: 'failed', ...r })),
      });
    },
    givenAffected() {},
    close: () => warehouse.close(),
  };
}

async function bigQueryHarness(): Promise<Harness & { double: BigQueryDouble }> {
  const { double, warehouse, close } = await bigQueryOnDouble({}, { sqlDir });
  return {
    double,
    warehouse,
    async given(rows) {
      double.respond({
        fields: COLUMNS.map((name) => ({ name, type: typeOf(name) === 'BOOL' ? 'BOOLEAN' : typeOf(name) })),
        rows: rows
          .filter((r) => r.target_date !== undefined && String(r.target_date) >= params.since)
          .map((r) => COLUMNS.map((c) => wire(typeOf(c), r[c]))),
      });
    },
    givenAffected(n) {
      double.respond({ fields: [], rows: [], numDmlAffectedRows: String(n) });
    },
    close,
  };
}

describe.each([
  ['duckdb', duckDbHarness],
  ['bigquery', bigQueryHarness],
] as const)('Warehouse contract: %s', (engine, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(() => h.close());

  it('names its engine', () => expect(h.warehouse.engine).toBe(engine));

  it('returns DATE as YYYY-MM-DD, TIMESTAMP as Date, INT64/FLOAT64 as number, BOOL, JSON values and NULLs', async () => {
    await h.given(EXPECTED);
    expect(await h.warehouse.query(events, params)).toEqual(EXPECTED);
  });

  it('returns no rows as an empty array', async () => {
    await h.given([]);
    expect(await h.warehouse.query(events, params)).toEqual([]);
  });

  it('refuses a missing, an undeclared and a mistyped parameter with the same message', async () => {
    await expect(h.warehouse.query(events, { since: params.since })).rejects.toThrow(
      'contract/events.sql: missing parameter @until (TIMESTAMP)',
    );
    await expect(h.warehouse.query(events, { ...params, x: 1 })).rejects.toThrow(
      'contract/events.sql: unexpected parameter @x',
    );
    await expect(h.warehouse.query(events, { ...params, since: new Date() })).rejects.toThrow(
      "contract/events.sql: parameter @since (DATE) must be a 'YYYY-MM-DD' string",
    );
  });

  it('rejects a row that does not match the zod schema, naming file, row and column', async () => {
    await h.given(EXPECTED);
    const strict = fixtureQuery('contract/events.sql', EventRow.extend({ records_expected: z.number() }));
    const error = await h.warehouse.query(strict, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as Error).message).toMatch(/^contract\/events\.sql: row 2, column records_expected: /);
  });

  it('runs DML and returns the affected row count', async () => {
    await h.given(EXPECTED);
    h.givenAffected(1);
    expect(await h.warehouse.execute('contract/recover.sql', { ids: ['e2', 'nope'] })).toBe(1);
  });

  it('answers ping', async () => {
    h.givenAffected(0);
    await expect(h.warehouse.ping()).resolves.toBeUndefined();
  });
});
