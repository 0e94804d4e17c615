import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Warehouse, WarehouseError } from '../../src/warehouse/port.js';
import type { BigQueryDouble } from '../support/bigquery-double.js';
import { bigQueryOnDouble } from '../support/bigquery-warehouse.js';
import { fixtureQuery, type Untyped } from '../support/untyped-warehouse.js';

const QUERY_TEXT = `-- @param since DATE
-- @param now TIMESTAMP
-- @param scrapers ARRAY<STRING>
-- @param limit INT64
-- @param day_list ARRAY<DATE>
-- @param times ARRAY<TIMESTAMP>
SELECT event_id, target_date, started_at
FROM nba_monitoring.scrape_events
WHERE target_date >= @since AND started_at <= @now AND scraper_name IN UNNEST(@scrapers)
  AND target_date IN UNNEST(@day_list) AND started_at IN UNNEST(@times)
LIMIT @limit`;

let double: BigQueryDouble;
let warehouse: Untyped<Warehouse>;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ double, warehouse, close } = await bigQueryOnDouble({
    'test/events.sql': QUERY_TEXT,
    'test/mark.sql': '-- @param id STRING\nUPDATE t.x SET a = 1 WHERE id = @id',
  }));
});
afterAll(() => close());
beforeEach(() => {
  double.requests.length = 0;
  double.jobs.length = 0;
});

const Row = z.object({ event_id: z.string(), target_date: z.string(), started_at: z.date() });
const events = fixtureQuery('test/events.sql', Row);
const params = {
  since: '2026-01-01',
  now: new Date('2026-01-11T06:30:00.123Z'),
  scrapers: ['bdl_box_scores', 'nbac_gamebook'],
  limit: 10,
  day_list: ['2026-01-02'],
  times: [new Date('2026-01-03T00:00:00Z')],
};

describe('createBigQueryWarehouse (against a local double of the jobs API)', () => {
  it('inserts one query job with the SQL text unchanged, NAMED mode and typed parameters', async () => {
    double.respond({ fields: [], rows: [] });
    await warehouse.query(events, params);
    expect(double.jobs).toHaveLength(1);
    const [job] = double.jobs;
    expect(job?.jobReference).toMatchObject({ projectId: 'p1', location: 'US' });
    const request = { body: job?.configuration.query ?? {} };
    expect(request.body).toMatchObject({ query: QUERY_TEXT, useLegacySql: false });
    // The client sends 'named'; the API reads the mode case-insensitively.
    expect(String(request?.body.parameterMode).toUpperCase()).toBe('NAMED');
    const byName = Object.fromEntries(
      (
        (request?.body.queryParameters ?? []) as {
          name: string;
          parameterType: unknown;
          parameterValue: unknown;
        }[]
      ).map((p) => [p.name, { type: p.parameterType, value: p.parameterValue }]),
    );
    expect(byName).toEqual({
      since: { type: { type: 'DATE' }, value: { value: '2026-01-01' } },
      now: {
        type: { type: 'TIMESTAMP' },
        value: { value: expect.stringMatching(/^2026-01-11[T ]06:30:00\.123/) },
      },
      scrapers: {
        type: { type: 'ARRAY', arrayType: { type: 'STRING' } },
        value: { arrayValues: [{ value: 'bdl_box_scores' }, { value: 'nbac_gamebook' }] },
      },
      limit: { type: { type: 'INT64' }, value: { value: '10' } },
      day_list: {
        type: { type: 'ARRAY', arrayType: { type: 'DATE' } },
        value: { arrayValues: [{ value: '2026-01-02' }] },
      },
      times: {
        type: { type: 'ARRAY', arrayType: { type: 'TIMESTAMP' } },
        value: { arrayValues: [{ value: expect.stringMatching(/^2026-01-03[T ]00:00:00/) }] },
      },
    });
  });

  it('converts TIMESTAMP (integer micros), DATE, INT64, NUMERIC, JSON and arrays to the port types', async () => {
    double.respond({
      fields: [
        { name: 'event_id', type: 'STRING' },
        { name: 'target_date', type: 'DATE' },
        { name: 'started_at', type: 'TIMESTAMP' },
        { name: 'n', type: 'INTEGER' },
        { name: 'amount', type: 'NUMERIC' },
        { name: 'details', type: 'JSON' },
        { name: 'days', type: 'DATE', mode: 'REPEATED' },
        { name: 'ok', type: 'BOOLEAN' },
        { name: 'missing', type: 'TIMESTAMP' },
      ],
      rows: [
        [
          'e1',
          '2026-01-10',
          '1768113000123456',
          '42',
          '1.25',
          '{"code":429}',
          ['2026-01-01', '2026-01-02'],
          'true',
          null,
        ],
      ],
    });
    const Wide = Row.extend({
      n: z.number(),
      amount: z.number(),
      details: z.object({ code: z.number() }),
      days: z.array(z.string()),
      ok: z.boolean(),
      missing: z.date().nullable(),
    });
    const rows = await warehouse.query(fixtureQuery('test/events.sql', Wide), params);
    expect(rows).toEqual([
      {
        event_id: 'e1',
        target_date: '2026-01-10',
        started_at: new Date(1768113000123),
        n: 42,
        amount: 1.25,
        details: { code: 429 },
        days: ['2026-01-01', '2026-01-02'],
        ok: true,
        missing: null,
      },
    ]);
  });

  it('checks parameters before calling BigQuery', async () => {
    await expect(warehouse.query(events, { ...params, limit: 1.5 })).rejects.toThrow(/@limit \(INT64\)/);
    await expect(warehouse.query(events, { ...params, other: 'x' })).rejects.toThrow(
      /unexpected parameter @other/,
    );
    expect(double.requests).toHaveLength(0);
  });

  it("reports BigQuery's error and a row that does not match the schema as WarehouseErrors naming the file", async () => {
    double.respond({
      fields: [],
      rows: [],
      error: { status: 400, message: 'Unrecognized name: finished_at' },
    });
    await expect(warehouse.query(events, params)).rejects.toThrow(
      /test\/events\.sql: .*Unrecognized name: finished_at/,
    );
    double.respond({ fields: [{ name: 'event_id', type: 'INTEGER' }], rows: [['7']] });
    const error = await warehouse.query(events, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarehouseError);
    expect((error as Error).message).toMatch(/test\/events\.sql: row 1, column event_id/);
  });

  it('returns the DML affected row count', async () => {
    double.respond({ fields: [], rows: [], numDmlAffectedRows: '3' });
    expect(await warehouse.execute('test/mark.sql', { id: 'a' })).toBe(3);
  });
});
