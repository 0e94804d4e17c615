import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { WarehouseError } from '../../src/warehouse/port.js';
import { loadSchema } from '../../src/warehouse/schema.js';
import { SQL_DIR } from '../../src/warehouse/sql-files.js';
import { fixtureQuery, untyped } from '../support/untyped-warehouse.js';

const root = mkdtempSync(join(tmpdir(), 'shotclock-duckdb-'));
const sqlDir = join(root, 'sql');
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A sql/ directory with the real schema and test queries of our own.
beforeAll(() => {
  cpSync(join(SQL_DIR, 'schema'), join(sqlDir, 'schema'), { recursive: true });
  mkdirSync(join(sqlDir, 'test'), { recursive: true });
  const write = (name: string, text: string) => writeFileSync(join(sqlDir, 'test', name), text);
  write(
    'events.sql',
    `-- @param since DATE
-- @param now TIMESTAMP
-- @param scrapers ARRAY<STRING>
SELECT event_id, target_date, started_at, records_expected, duration_seconds, is_recovered, error_details,
  TIMESTAMP_DIFF(@now, started_at, MINUTE) AS age_minutes, SUM(records_expected) OVER () AS total
FROM nba_monitoring.scrape_events
WHERE target_date >= @since AND scraper_name IN UNNEST(@scrapers)
ORDER BY event_id`,
  );
  write(
    'slow.sql',
    '-- @param n INT64\nSELECT COUNT(*) AS c FROM range(@n) AS a CROSS JOIN range(@n) AS b WHERE a.range * b.range % 7 = 3',
  );
  write(
    'mark.sql',
    `-- @param ids ARRAY<STRING>
UPDATE nba_monitoring.scrape_events SET is_recovered = TRUE WHERE event_id IN UNNEST(@ids)`,
  );
});

const event = (id: string, over: Record<string, unknown> = {}) => ({
  event_id: id,
  scraper_name: 'bdl_box_scores',
  target_date: '2026-01-10',
  started_at: new Date('2026-01-11T05:00:00Z'),
  status: 'failed',
  records_expected: 10,
  duration_seconds: 1.5,
  is_recovered: false,
  error_details: { code: 429, retry: [1, 2] },
  ...over,
});

const Event = z.object({
  event_id: z.string(),
  target_date: z.string(),
  started_at: z.date(),
  records_expected: z.number().nullable(),
  duration_seconds: z.number().nullable(),
  is_recovered: z.boolean().nullable(),
  error_details: z.unknown(),
  age_minutes: z.number(),
  total: z.number(),
});
const events = fixtureQuery('test/events.sql', Event);
const params = { since: '2026-01-01', now: new Date('2026-01-11T06:30:00Z'), scrapers: ['bdl_box_scores'] };

let warehouse: DuckDbWarehouse | undefined;
afterEach(async () => {
  await warehouse?.close();
  warehouse = undefined;
});
const open = async (name: string) => {
  warehouse = await openDuckDbWarehouse({ path: join(root, name, 'w.duckdb'), sqlDir });
  return untyped(warehouse);
};

describe('openDuckDbWarehouse', () => {
  it('creates every table of sql/schema, idempotently, and keeps rows across reopen', async () => {
    const w = await open('schema');
    await w.insertRows({ 'nba_monitoring.scrape_events': [event('e1')] });
    await w.close();
    warehouse = await openDuckDbWarehouse({ path: join(root, 'schema', 'w.duckdb'), sqlDir });
    const c = await warehouse.connect();
    const tables = (
      await c.runAndReadAll(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_schema LIKE 'nba_%' ORDER BY 1",
      )
    ).getRows();
    expect(tables.map((r) => r[0])).toEqual(loadSchema(sqlDir).map((t) => t.fullName));
    const zone = (await c.runAndReadAll("SELECT current_setting('TimeZone')")).getRows();
    expect(zone[0]?.[0]).toBe('UTC');
    // BigQuery's NULL order (first ascending, last descending), on every connection.
    const order = await c.runAndReadAll('SELECT x FROM (VALUES (1), (NULL)) AS t(x) ORDER BY x');
    expect(order.getRows().map((r) => r[0])).toEqual([null, 1]);
    c.closeSync();
    expect(await untyped(warehouse).query(events, params)).toHaveLength(1);
  });

  it('refuses to open a file this process already has open', async () => {
    const w = await open('twice');
    await expect(openDuckDbWarehouse({ path: w.path, sqlDir })).rejects.toThrow(
      /already open in this process/,
    );
    await w.close();
    warehouse = await openDuckDbWarehouse({ path: w.path, sqlDir }); // free again once closed
  });

  it('round-trips rows with the port types (DATE string, TIMESTAMP Date, INT64 number, JSON value)', async () => {
    const w = await open('roundtrip');
    await w.insertRows({
      'nba_monitoring.scrape_events': [
        event('e1'),
        event('e2', {
          records_expected: '12',
          started_at: '2026-01-11 04:00:00.123456 UTC',
          error_details: null,
        }),
        event('e3', { scraper_name: 'other' }),
      ],
    });
    const rows = await w.query(events, params);
    expect(rows).toEqual([
      {
        event_id: 'e1',
        target_date: '2026-01-10',
        started_at: new Date('2026-01-11T05:00:00Z'),
        records_expected: 10,
        duration_seconds: 1.5,
        is_recovered: false,
        error_details: { code: 429, retry: [1, 2] },
        age_minutes: 90,
        total: 22,
      },
      expect.objectContaining({
        event_id: 'e2',
        started_at: new Date('2026-01-11T04:00:00.123Z'),
        records_expected: 12,
        error_details: null,
        age_minutes: 149, // whole minutes elapsed: 149.99 truncates, as in BigQuery
      }),
    ]);
  });

  it('refuses missing, undeclared and mistyped parameters, naming them', async () => {
    const w = await open('params');
    const { scrapers: _, ...missing } = params;
    await expect(w.query(events, missing)).rejects.toThrow(/test\/events\.sql: missing parameter @scrapers/);
    await expect(w.query(events, { ...params, extra: 1 })).rejects.toThrow(/unexpected parameter @extra/);
    await expect(w.query(events, { ...params, since: '2026-13-01' })).rejects.toThrow(/@since \(DATE\)/);
    await expect(w.query(events, { ...params, now: '2026-01-01' })).rejects.toThrow(/@now \(TIMESTAMP\)/);
    await expect(w.query(events, { ...params, scrapers: [1] })).rejects.toThrow(
      /@scrapers \(ARRAY<STRING>\) \[0\]/,
    );
  });

  it('names the file and the column when a row does not match the schema', async () => {
    const w = await open('zod');
    await w.insertRows({ 'nba_monitoring.scrape_events': [event('e1')] });
    const wrong = fixtureQuery('test/events.sql', Event.extend({ target_date: z.date() }));
    const error = await w.query(wrong, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as Error).message).toMatch(/test\/events\.sql: row 1, column target_date/);
  });

  it('answers a file run again with other parameters by those parameters (its prepared statement is reused)', async () => {
    const w = await open('rebind');
    await w.insertRows({
      'nba_monitoring.scrape_events': [event('e1'), event('e2', { scraper_name: 'nbac_injury_report' })],
    });
    const ids = async (scrapers: string[]) =>
      (await w.query(events, { ...params, scrapers })).map((r) => r.event_id);
    expect(await ids(['bdl_box_scores'])).toEqual(['e1']);
    expect(await ids(['nbac_injury_report'])).toEqual(['e2']);
    expect(await Promise.all([ids(['bdl_box_scores']), ids([])])).toEqual([['e1'], []]);
  });

  it('interrupts a query that exceeds timeoutMs', async () => {
    const w = await open('timeout');
    const slow = fixtureQuery('test/slow.sql', z.object({ c: z.number() }));
    const started = Date.now();
    await expect(w.query(slow, { n: 1_000_000 }, { timeoutMs: 100 })).rejects.toThrow(
      /timed out after 100 ms/,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await w.query(slow, { n: 10 })).toHaveLength(1); // still usable
  });

  it('inserts all tables in one transaction: a bad row anywhere leaves nothing behind', async () => {
    const w = await open('atomic');
    const ok = { 'nba_monitoring.scrape_events': [event('e1')] };
    await expect(
      w.insertRows({ ...ok, 'nba_raw.nbac_schedule': [{ game_id: 'g1', game_date: 'yesterday' }] }),
    ).rejects.toThrow(/nba_raw\.nbac_schedule row 1: column game_date: expected DATE/);
    await expect(w.insertRows({ ...ok, 'nba_raw.nope': [] })).rejects.toThrow(/unknown table nba_raw\.nope/);
    await expect(
      w.insertRows({ 'nba_monitoring.scrape_events': [event('e2'), event('e3', { colour: 'red' })] }),
    ).rejects.toThrow(/scrape_events row 2: unknown column colour/);
    await expect(
      w.insertRows({ 'nba_monitoring.scrape_events': [event('e4', { status: null })] }),
    ).rejects.toThrow(/column status is NOT NULL/);
    expect(await w.query(events, params)).toEqual([]);
  });

  it('replaces a table whole in one transaction: a bad row keeps the old content', async () => {
    const w = await open('replace');
    await w.insertRows({ 'nba_monitoring.scrape_events': [event('e1'), event('e2')] });
    await w.replaceRows({ 'nba_monitoring.scrape_events': [event('e3')] });
    expect((await w.query(events, params)).map((r) => r.event_id)).toEqual(['e3']);
    await expect(
      w.replaceRows({ 'nba_monitoring.scrape_events': [event('e4'), event('e5', { status: null })] }),
    ).rejects.toThrow(/column status is NOT NULL/);
    expect((await w.query(events, params)).map((r) => r.event_id)).toEqual(['e3']);
    await w.replaceRows({ 'nba_monitoring.scrape_events': [] });
    expect(await w.query(events, params)).toEqual([]);
  });

  it('runs DML and reports the affected row count', async () => {
    const w = await open('dml');
    await w.insertRows({ 'nba_monitoring.scrape_events': [event('e1'), event('e2'), event('e3')] });
    expect(await w.execute('test/mark.sql', { ids: ['e1', 'e3', 'zz'] })).toBe(2);
    const rows = await w.query(events, params);
    expect(rows.map((r) => r.is_recovered)).toEqual([true, false, true]);
  });

  it('adds a column sql/schema gained to an older file, at its end, and inserts by the physical order', async () => {
    const first = await open('older');
    await first.insertRows({ 'nba_monitoring.scrape_events': [event('e1')] });
    // An older file: records_expected did not exist yet.
    const sql = await (warehouse as DuckDbWarehouse).connect();
    await sql.run('ALTER TABLE nba_monitoring.scrape_events DROP COLUMN records_expected');
    sql.closeSync();
    await warehouse?.close();
    const reopened = await open('older');
    await reopened.insertRows({ 'nba_monitoring.scrape_events': [event('e2', { records_expected: 7 })] });
    const read = await reopened.query(events, params);
    expect(read.map((r) => [r.event_id, r.records_expected, r.duration_seconds])).toEqual([
      ['e1', null, 1.5],
      ['e2', 7, 1.5],
    ]);
  });

  it('runs its queries on the number of threads asked for', async () => {
    for (const threads of [1, 3]) {
      warehouse = await openDuckDbWarehouse({ path: ':memory:', sqlDir, threads });
      const sql = await warehouse.connect();
      const reader = await sql.runAndReadAll("SELECT current_setting('threads')");
      sql.closeSync();
      await warehouse.close();
      warehouse = undefined;
      expect(Number(reader.getRows()[0]?.[0])).toBe(threads);
    }
  });

  it('bulk-inserts 100,000 rows in one call, every row readable', async () => {
    // How fast is the bench's business (the season replay reports the time to simulate its warehouse).
    const w = await open('bulk');
    const n = 100_000;
    const rows = Array.from({ length: n }, (_, i) => event(`e${i}`, { records_expected: i }));
    await w.insertRows({ 'nba_monitoring.scrape_events': rows });
    const read = await w.query(fixtureQuery('test/events.sql', Event), params);
    expect(read).toHaveLength(n);
    expect(read[0]?.total).toBe((n * (n - 1)) / 2);
  });
});

describe('a second process on the same file', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    child?.kill();
    child = undefined;
  });

  it('gets a WarehouseError saying another shotclock process holds the file', async () => {
    const path = join(root, 'locked', 'w.duckdb');
    mkdirSync(join(root, 'locked'));
    const script = `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
      await DuckDBInstance.create(${JSON.stringify(path)}); console.log('ready'); setInterval(() => {}, 1000); })`;
    child = spawn(process.execPath, ['-e', script], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((ready) =>
      child?.stdout?.on('data', (d) => String(d).includes('ready') && ready()),
    );
    const error = await openDuckDbWarehouse({ path, sqlDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as Error).message).toMatch(
      // DuckDB names the holder's PID when it can read it; under load it sometimes cannot.
      new RegExp(`another shotclock process( \\(PID ${child.pid}\\))? holds ${path.replaceAll('.', '\\.')}`),
    );
  });
});
