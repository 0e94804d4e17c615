import { type DuckDBConnection, DuckDBDataChunk, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { columnValue } from './duckdb-values.js';
import { type TableRows, WarehouseError } from './port.js';
import { duckDbType } from './rewrite.js';
import type { Column, TableSchema } from './schema.js';

/** DuckDB DDL for one table of sql/schema (BigQuery-only clauses — PARTITION BY, CLUSTER BY, OPTIONS — dropped). */
export function duckDbDdl(table: TableSchema): string {
  const columns = table.columns.map(
    (c) => `  ${c.name} ${duckDbType(c.type)}${c.nullable ? '' : ' NOT NULL'}`,
  );
  return `CREATE TABLE IF NOT EXISTS ${table.fullName} (\n${columns.join(',\n')}\n)`;
}

async function existingColumns(connection: DuckDBConnection, table: TableSchema): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT column_name FROM information_schema.columns
     WHERE table_catalog = current_database() AND table_schema = $schema AND table_name = $table
     ORDER BY ordinal_position`,
    { schema: table.dataset, table: table.table },
  );
  return reader.getRows().map((r) => String(r[0]));
}

/** Each table's physical column order (by full name), which the appender must follow. */
export type ColumnOrders = ReadonlyMap<string, readonly string[]>;

/**
 * Creates every dataset (as a schema) and table, idempotently. A column added to sql/schema since the file
 * was created is added (nullable: existing rows have no value for it), so an old demo database keeps working.
 * Returns the tables' column orders as they stand afterwards: nothing alters a table after this, so an
 * insert need not ask information_schema again (a few milliseconds a call, which the season replay's
 * ~1,500 breaker-table rewrites felt).
 */
export async function createSchema(
  connection: DuckDBConnection,
  tables: readonly TableSchema[],
): Promise<ColumnOrders> {
  for (const dataset of new Set(tables.map((t) => t.dataset))) {
    await connection.run(`CREATE SCHEMA IF NOT EXISTS ${dataset}`);
  }
  const orders = new Map<string, readonly string[]>();
  for (const table of tables) {
    await connection.run(duckDbDdl(table));
    const have = await existingColumns(connection, table);
    const missing = table.columns.filter((c) => !have.includes(c.name));
    for (const column of missing) {
      await connection.run(
        `ALTER TABLE ${table.fullName} ADD COLUMN ${column.name} ${duckDbType(column.type)}`,
      );
    }
    orders.set(table.fullName, [...have, ...missing.map((c) => c.name)]);
  }
  return orders;
}

const CHUNK = 2048; // DuckDB's vector size: one data chunk per 2048 rows

/**
 * Appends rows to one table through DuckDB's appender; the caller owns the transaction. `knownOrder` is the
 * table's column order when the caller has it (createSchema's); otherwise it is read from the database.
 */
export async function appendTable(
  connection: DuckDBConnection,
  table: TableSchema,
  rows: readonly Readonly<Record<string, unknown>>[],
  knownOrder?: readonly string[],
): Promise<void> {
  const order = knownOrder ?? (await existingColumns(connection, table));
  const byName = new Map(table.columns.map((c) => [c.name, c]));
  const columns = order.map((name) => byName.get(name)).filter((c): c is Column => c !== undefined);
  if (columns.length !== order.length) {
    throw new WarehouseError(
      `${table.fullName} has columns sql/schema does not know: recreate the database`,
      table.fullName,
    );
  }
  const appender = await connection.createAppender(table.table, table.dataset);
  try {
    const types: DuckDBType[] = columns.map((_, i) => appender.columnType(i));
    for (let start = 0; start < rows.length; start += CHUNK) {
      const n = Math.min(CHUNK, rows.length - start);
      const data: DuckDBValue[][] = columns.map(() => new Array<DuckDBValue>(n));
      for (let i = 0; i < n; i++) {
        const row = rows[start + i] as Readonly<Record<string, unknown>>;
        let seen = 0;
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c] as Column;
          const raw = row[column.name];
          if (raw !== undefined) seen++;
          let value: DuckDBValue;
          try {
            value = columnValue(column.type, raw);
          } catch (e) {
            throw rowError(table, start + i, `column ${column.name}: ${(e as Error).message}`);
          }
          if (value === null && !column.nullable) {
            throw rowError(table, start + i, `column ${column.name} is NOT NULL but has no value`);
          }
          (data[c] as DuckDBValue[])[i] = value;
        }
        let present = 0;
        for (const key in row) if (row[key] !== undefined) present++;
        if (seen !== present) {
          const unknown = Object.keys(row).filter((k) => !byName.has(k));
          throw rowError(
            table,
            start + i,
            `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
          );
        }
      }
      const chunk = DuckDBDataChunk.create(types, n);
      chunk.setColumns(data);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function rowError(table: TableSchema, index: number, why: string): WarehouseError {
  return new WarehouseError(`${table.fullName} row ${index + 1}: ${why}`, table.fullName);
}

/**
 * Appends every table's rows in one transaction: all or nothing. With `replace`, each named table is
 * emptied first in the same transaction (a table that holds only current state, rewritten whole).
 */
export async function insertTables(
  connection: DuckDBConnection,
  tables: readonly TableSchema[],
  rows: TableRows,
  orders?: ColumnOrders,
  replace = false,
): Promise<void> {
  const byName = new Map(tables.map((t) => [t.fullName, t]));
  const unknown = Object.keys(rows).filter((name) => !byName.has(name));
  if (unknown.length > 0) {
    throw new WarehouseError(
      `unknown table${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (tables are defined in sql/schema)`,
      unknown[0] as string,
    );
  }
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const [name, tableRows] of Object.entries(rows)) {
      if (replace) await connection.run(`DELETE FROM ${name}`);
      if (tableRows.length > 0)
        await appendTable(connection, byName.get(name) as TableSchema, tableRows, orders?.get(name));
    }
    await connection.run('COMMIT');
  } catch (cause) {
    await connection.run('ROLLBACK').catch(() => undefined);
    if (cause instanceof WarehouseError) throw cause;
    throw new WarehouseError(`insert failed: ${cause instanceof Error ? cause.message : String(cause)}`, '', {
      cause,
    });
  }
}
