// Every query under sql/ keeps to the documented subset (sql/README.md), rewrites for DuckDB and PREPARES there
// against the tables built from sql/schema, with parameters of the declared types. Together with the ZetaSQL
// test this means each file is valid on both engines before any data is involved.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import { paramDuckType } from '../../src/warehouse/duckdb-values.js';
import { rewriteForDuckDb } from '../../src/warehouse/rewrite.js';
import { listSqlFiles, loadSqlFile } from '../../src/warehouse/sql-files.js';
import { subsetViolations } from '../../src/warehouse/subset.js';

const QUERY_FILES = listSqlFiles('').filter((name) => !name.startsWith('schema/'));

const dir = mkdtempSync(join(tmpdir(), 'shotclock-subset-'));
let warehouse: DuckDbWarehouse | undefined;
let connection: DuckDBConnection | undefined;
beforeAll(async () => {
  warehouse = await openDuckDbWarehouse({ path: join(dir, 'w.duckdb') });
  connection = await warehouse.connect();
});
afterAll(async () => {
  connection?.closeSync();
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('every sql/ query keeps to the subset and prepares on DuckDB', () => {
  it('has query files to check', () => expect(QUERY_FILES.length).toBeGreaterThan(0));

  for (const name of QUERY_FILES) {
    it(name, async () => {
      const file = loadSqlFile(name);
      expect(subsetViolations(name, file.text), `sql/${name}`).toEqual([]);
      const sql = rewriteForDuckDb(file.text);
      if (!connection) throw new Error('DuckDB did not open');
      const prepared = await connection.prepare(sql);
      for (let i = 1; i <= prepared.parameterCount; i++) {
        const param = prepared.parameterName(i);
        expect(Object.keys(file.params), `sql/${name}: $${param}`).toContain(param);
        // Binding a typed NULL proves the declared type is accepted where the parameter is used.
        const type = file.params[param];
        if (type) prepared.bindValue(i, null, paramDuckType(type));
      }
    });
  }
});

describe('subsetViolations catches what the subset forbids', () => {
  const cases: [string, RegExp][] = [
    ['SELECT CURRENT_DATE()', /CURRENT_DATE: pass the date as a DATE parameter/],
    ['SELECT 1 FROM t WHERE x < CURRENT_TIMESTAMP', /CURRENT_TIMESTAMP/],
    ['SELECT 1 FROM `nba_raw.nbac_schedule`', /backticked name/],
    ['SELECT 1 FROM my_project.nba_raw.nbac_schedule', /three parts/],
    [`SELECT 1 FROM t WHERE x = '$${'{'}id}' AND y = $${'{'}id}`, /"\$" outside a string/],
    ['SELECT 1 FROM t WHERE x = {{id}}', /"\{" outside a string/],
    ['SELECT 1 FROM t WHERE x = %s', /"%" outside a string/],
    ['SELECT 1 FROM t WHERE x = ?', /"\?" outside a string/],
    ["EXECUTE IMMEDIATE 'SELECT 1'", /EXECUTE: no dynamic SQL/],
    ['SELECT 1; SELECT 2', /one statement per file/],
    ['SELECT APPROX_QUANTILES(x, 4) FROM t', /function APPROX_QUANTILES is outside the supported subset/],
    ['-- @param a DATE\nSELECT 1', /@a is declared but never used/],
    ['SELECT @b', /@b is used but not declared/],
  ];
  it.each(cases)('%s', (sql, expected) => {
    const problems = subsetViolations('x.sql', sql);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('ignores forbidden words inside strings and comments, and allows CTE column lists', () => {
    const sql = `-- CURRENT_DATE() is not used here; \`backticks\` neither
-- @param d DATE
WITH days (d) AS (SELECT @d), x AS (SELECT 'CURRENT_TIMESTAMP ?' AS s)
SELECT COUNTIF(d IS NOT NULL) FROM days CROSS JOIN x;`;
    expect(subsetViolations('x.sql', sql)).toEqual([]);
  });

  it('reports the line of a violation', () => {
    expect(subsetViolations('x.sql', 'SELECT 1\nFROM t\nWHERE x < CURRENT_DATE()')).toEqual([
      'line 3: CURRENT_DATE: pass the date as a DATE parameter',
    ]);
  });
});
