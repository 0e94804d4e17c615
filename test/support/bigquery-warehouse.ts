// The BigQuery adapter over the local jobs API double, reading the test's own SQL files from a temporary
// sql/ directory: what the adapter's tests share.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BigQueryWarehouseOptions, createBigQueryWarehouse } from '../../src/warehouse/bigquery.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { type BigQueryDouble, startBigQueryDouble } from './bigquery-double.js';
import { type Untyped, untyped } from './untyped-warehouse.js';

export interface DoubledBigQuery {
  readonly double: BigQueryDouble;
  readonly warehouse: Untyped<Warehouse>;
  close(): Promise<void>;
}

/**
 * `files`: SQL text by name relative to a new sql/ directory (`checks/x.sql`), unless `options.sqlDir` names
 * one. Project p1, location US, a 1 GiB budget.
 */
export async function bigQueryOnDouble(
  files: Readonly<Record<string, string>>,
  options: Partial<BigQueryWarehouseOptions> = {},
): Promise<DoubledBigQuery> {
  const sqlDir = mkdtempSync(join(tmpdir(), 'shotclock-bq-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(sqlDir, name)), { recursive: true });
    writeFileSync(join(sqlDir, name), text);
  }
  const double = await startBigQueryDouble();
  const warehouse = createBigQueryWarehouse({
    projectId: 'p1',
    location: 'US',
    apiEndpoint: double.endpoint,
    sqlDir,
    maxBytesBilled: 2 ** 30,
    ...options,
  });
  return {
    double,
    warehouse: untyped(warehouse),
    async close() {
      await double.close();
      rmSync(sqlDir, { recursive: true, force: true });
    },
  };
}
