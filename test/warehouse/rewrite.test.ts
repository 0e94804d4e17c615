import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUCKDB_SESSION_SETTINGS, RewriteError, rewriteForDuckDb } from '../../src/warehouse/rewrite.js';

describe('rewriteForDuckDb (text)', () => {
  it('turns @params into $params but leaves literals and comments alone', () => {
    const sql = 'SELECT @a, \'@b\', "@c" -- @d\n/* @e */ FROM t WHERE x = @f';
    expect(rewriteForDuckDb(sql)).toBe("SELECT $a, '@b', '@c' -- @d\n/* @e */ FROM t WHERE x = $f");
  });

  it('never rewrites function names inside strings or comments', () => {
    const sql = "SELECT 'SAFE_DIVIDE(1, 0)' AS s -- DATE_SUB(x, INTERVAL 1 DAY)";
    expect(rewriteForDuckDb(sql)).toBe(sql);
  });

  it('unquotes backticked names and re-encodes string escapes in DuckDB quoting', () => {
    expect(rewriteForDuckDb("SELECT * FROM `nba_raw.nbac_schedule` WHERE s = 'it\\'s'")).toBe(
      "SELECT * FROM nba_raw.nbac_schedule WHERE s = 'it''s'",
    );
    expect(rewriteForDuckDb('SELECT `odd name` FROM t')).toBe('SELECT "odd name" FROM t');
  });

  it('parenthesizes a parameter interval count', () => {
    expect(rewriteForDuckDb('SELECT ts - INTERVAL @n HOUR')).toBe('SELECT ts - INTERVAL ($n) HOUR');
  });

  it('refuses constructs whose meaning differs and that it cannot translate', () => {
    expect(() => rewriteForDuckDb('SELECT DATE_TRUNC(d, WEEK) FROM t')).toThrow(RewriteError);
    expect(() => rewriteForDuckDb('SELECT DATE_DIFF(a, b, WEEK) FROM t')).toThrow(/DATE_DIFF part/);
    expect(() => rewriteForDuckDb('SELECT x FROM UNNEST([1]) AS x WITH OFFSET')).toThrow(/WITH OFFSET/);
    expect(() => rewriteForDuckDb('SELECT @@project_id')).toThrow(/system variable/);
    expect(() => rewriteForDuckDb('SELECT CAST(x AS BIGNUMERIC)')).toThrow(/BIGNUMERIC/);
  });
});

// Each case: a BigQuery expression and the value BigQuery gives for it (from its documentation's semantics).
const SEMANTICS: [string, unknown][] = [
  ['COUNTIF(x > 1) FROM UNNEST([1, 2, 3]) AS x', 2],
  ["DATE_SUB(DATE '2026-03-01', INTERVAL 1 DAY)", '2026-02-28'],
  ["DATE_ADD(DATE '2026-01-31', INTERVAL 1 MONTH)", '2026-02-28'],
  ["DATE_ADD(DATE '2026-01-01', INTERVAL @n DAY)", '2026-01-04'],
  ["DATE_SUB(DATE '2026-01-10', INTERVAL (@n * 2) DAY)", '2026-01-04'],
  ["TIMESTAMP_SUB(TIMESTAMP '2026-01-01 00:00:00+00', INTERVAL 90 MINUTE)", '2025-12-31T22:30:00.000Z'],
  ["TIMESTAMP_ADD(TIMESTAMP '2026-01-01 00:00:00+00', INTERVAL @n HOUR)", '2026-01-01T03:00:00.000Z'],
  ["DATE_DIFF(DATE '2026-01-10', DATE '2026-01-01', DAY)", 9],
  ["DATE_DIFF(DATE '2026-02-01', DATE '2026-01-31', MONTH)", 1],
  ["TIMESTAMP_DIFF(TIMESTAMP '2026-01-02 00:30:00+00', TIMESTAMP '2026-01-01 01:00:00+00', HOUR)", 23],
  ["TIMESTAMP_DIFF(TIMESTAMP '2026-01-02 00:30:00+00', TIMESTAMP '2026-01-01 01:00:00+00', DAY)", 0],
  ['SAFE_DIVIDE(1, 0)', null],
  ['SAFE_DIVIDE(3, 4)', 0.75],
  ["EXTRACT(DATE FROM TIMESTAMP '2026-01-02 03:00:00+00')", '2026-01-02'],
  ["EXTRACT(DATE FROM TIMESTAMP '2026-01-02 03:00:00+00' AT TIME ZONE 'America/New_York')", '2026-01-01'],
  ["EXTRACT(DAYOFWEEK FROM DATE '2026-01-04')", 1], // a Sunday
  ["EXTRACT(HOUR FROM TIMESTAMP '2026-01-02 03:00:00+00')", 3],
  ["DATE(TIMESTAMP '2026-01-02 03:00:00+00', 'America/New_York')", '2026-01-01'],
  ["DATE(TIMESTAMP '2026-01-02 03:00:00+00')", '2026-01-02'],
  ['DATE(2026, 2, 3)', '2026-02-03'],
  ["TIMESTAMP(DATE '2026-01-02')", '2026-01-02T00:00:00.000Z'],
  ["TIMESTAMP('2026-01-02 19:00:00', 'America/New_York')", '2026-01-03T00:00:00.000Z'],
  ["FORMAT_DATE('%Y/%m/%d', DATE '2026-01-02')", '2026/01/02'],
  ["FORMAT_TIMESTAMP('%H:%M', TIMESTAMP '2026-01-02 03:04:00+00', 'America/New_York')", '22:04'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2026-01-02 03:04:05+00', HOUR)", '2026-01-02T03:00:00.000Z'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2026-01-02 03:04:05.678+00', MINUTE)", '2026-01-02T03:04:00.000Z'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2026-01-02 03:04:05.678+00', SECOND)", '2026-01-02T03:04:05.000Z'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '2026-01-02 03:04:05.678+00', DAY)", '2026-01-02T00:00:00.000Z'],
  ["TIMESTAMP_TRUNC(TIMESTAMP '1969-12-31 23:30:15+00', HOUR)", '1969-12-31T23:00:00.000Z'],
  ["DATE_TRUNC(DATE '2026-05-17', MONTH)", '2026-05-01'],
  ['ARRAY_AGG(x IGNORE NULLS ORDER BY x DESC LIMIT 2) FROM UNNEST([3, NULL, 1, 2]) AS x', [3, 2]],
  ["STRING_AGG(s, '|' ORDER BY s) FROM UNNEST(['b', 'a', NULL]) AS s", 'a|b'],
  ["STRING_AGG(s, '|' ORDER BY s LIMIT 1) FROM UNNEST(['b', 'a']) AS s", 'a'],
  ["COUNT(*) FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2026-01-30', DATE '2026-02-02')) AS d", 4],
  [
    "MAX(d) FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2026-01-01', DATE '2026-01-15', INTERVAL 7 DAY)) AS d",
    '2026-01-15',
  ],
  ["'b' IN UNNEST(['a', 'b'])", true],
  ["'c' IN UNNEST(['a', 'b'])", false],
  ['ARRAY_LENGTH([1, 2, 3])', 3],
  ["CONCAT('a', NULL)", null],
  ['GREATEST(1, NULL)', null],
  ['LEAST(4, 2)', 2],
  ['[10, 20, 30][OFFSET(1)]', 20],
  ['[10, 20, 30][ORDINAL(1)]', 10],
  ["SAFE_CAST('x' AS INT64)", null],
  ["CAST('2026-01-02 03:00:00+00' AS TIMESTAMP)", '2026-01-02T03:00:00.000Z'],
  ['LOGICAL_OR(b) FROM UNNEST([FALSE, TRUE]) AS b', true],
  ["REGEXP_CONTAINS('bdl_box_scores', r'^bdl_')", true],
  ['JSON_VALUE(JSON \'{"a": {"b": 7}}\', \'$.a.b\')', '7'],
  ["IF(1 > 2, 'x', 'y')", 'y'],
  // BigQuery sorts NULLs first ascending and last descending (a session setting on DuckDB).
  ['x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x LIMIT 1', null],
  ['x FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC LIMIT 1 OFFSET 2', null],
  ['ROW_NUMBER() OVER (ORDER BY x) FROM UNNEST([2, NULL, 1]) AS x ORDER BY x DESC LIMIT 1 OFFSET 2', 1],
  ["EXTRACT(DAYOFYEAR FROM DATE '2026-02-01')", 32],
  ["EXTRACT(QUARTER FROM DATE '2026-05-01')", 2],
];

describe('rewriteForDuckDb (same results as BigQuery, run on DuckDB)', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    for (const [name, value] of Object.entries(DUCKDB_SESSION_SETTINGS))
      await connection.run(`SET ${name} = '${value}'`);
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it.each(SEMANTICS)('%s', async (expr, expected) => {
    // A case's own FROM clause (over UNNEST) follows the column alias.
    const [select, from] = expr.split(/ (?=FROM UNNEST)/);
    const sql = rewriteForDuckDb(`SELECT ${select} AS v ${from ?? ''}`);
    const values = sql.includes('$n') ? { n: 3 } : undefined;
    const reader = await connection.runAndReadAll(sql, values);
    const raw = reader.getRowObjectsJS()[0]?.v;
    const value =
      raw instanceof Date
        ? reader.columnTypes()[0]?.toString() === 'DATE'
          ? raw.toISOString().slice(0, 10)
          : raw.toISOString()
        : typeof raw === 'bigint'
          ? Number(raw)
          : Array.isArray(raw)
            ? raw.map((x) => (typeof x === 'bigint' ? Number(x) : x))
            : raw;
    expect(value).toEqual(expected);
  });
});
