// Loading exports into the embedded warehouse so that a second load cannot double the data without a word:
// each file's content hash is recorded per table (shotclock.warehouse_loads), and the same file is refused
// the second time; with `replace`, the dates (partitions) a file covers are replaced by its rows instead, as
// a BigQuery partition overwrite would. Either way, all files in one transaction: all or nothing.
import { createHash } from 'node:crypto';
import {
  DATE,
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBTimestampTZValue,
  LIST,
  listValue,
} from '@duckdb/node-api';
import { dateOfEpochDay } from '../jobs/time.js';
import { columnValue, dateValue } from './duckdb-values.js';
import { appendTable } from './duckdb-write.js';
import { WarehouseError } from './port.js';
import type { TableSchema } from './schema.js';

type Row = Readonly<Record<string, unknown>>;

/** One export file's checked rows for one table. */
export interface LoadFile {
  readonly table: string;
  readonly file: string;
  /** sha256 of the file's bytes, hex. */
  readonly sha256: string;
  readonly rows: readonly Row[];
}

export interface LoadOutcome {
  readonly table: string;
  readonly file: string;
  readonly rows: number;
  /** The UTC days (partitions) the file's rows fall on; empty for an unpartitioned table. */
  readonly dates: readonly string[];
  /** Rows that were in those dates (the whole table, unpartitioned) before the load. */
  readonly existingRows: number;
  /** True when those rows were deleted (`replace`), false when they were kept beside the new ones. */
  readonly replaced: boolean;
}

/** The same content was loaded into the table before. */
export class AlreadyLoadedError extends WarehouseError {
  constructor(
    readonly load: LoadFile,
    readonly previous: { readonly file: string; readonly loadedAt: Date },
  ) {
    super(
      `${load.file} was already loaded into ${load.table} (same content, from ${previous.file} at ${previous.loadedAt.toISOString()})`,
      load.file,
    );
    this.name = 'AlreadyLoadedError';
  }
}

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const LEDGER_DDL = [
  'CREATE SCHEMA IF NOT EXISTS shotclock',
  `CREATE TABLE IF NOT EXISTS shotclock.warehouse_loads (
    table_name VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL
  )`,
];

/** The UTC day a partition column's value falls on (BigQuery's DATE(ts) for a TIMESTAMP partition). */
function partitionDay(table: TableSchema, row: Row): string | undefined {
  const column = table.columns.find((c) => c.name === table.partitionColumn);
  if (!column) return undefined;
  const value = columnValue(column.type, row[column.name]);
  if (value instanceof DuckDBDateValue) return dateOfEpochDay(value.days);
  if (value instanceof DuckDBTimestampTZValue) {
    return new Date(Number(value.micros / 1000n)).toISOString().slice(0, 10);
  }
  return undefined;
}

async function scalar(connection: DuckDBConnection, sql: string, dates: readonly string[]): Promise<number> {
  const statement = await connection.prepare(sql);
  if (statement.parameterCount > 0) statement.bindValue(1, listValue(dates.map(dateValue)), LIST(DATE));
  const reader = await statement.runAndReadAll();
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

async function previousLoad(
  connection: DuckDBConnection,
  load: LoadFile,
): Promise<{ file: string; loadedAt: Date } | undefined> {
  const reader = await connection.runAndReadAll(
    `SELECT file, epoch_ms(loaded_at) FROM shotclock.warehouse_loads
     WHERE table_name = $table AND content_sha256 = $sha ORDER BY loaded_at LIMIT 1`,
    { table: load.table, sha: load.sha256 },
  );
  const row = reader.getRows()[0];
  return row ? { file: String(row[0]), loadedAt: new Date(Number(row[1])) } : undefined;
}

/**
 * Loads the files in one transaction. A file whose content was loaded into its table before is refused
 * (AlreadyLoadedError, nothing written) unless `replace`; with `replace`, the rows already in the dates the
 * file covers (all rows of an unpartitioned table) are deleted first.
 */
export async function loadFiles(
  connection: DuckDBConnection,
  tables: readonly TableSchema[],
  files: readonly LoadFile[],
  options: { readonly replace: boolean; readonly now: Date },
): Promise<LoadOutcome[]> {
  for (const ddl of LEDGER_DDL) await connection.run(ddl);
  await connection.run('BEGIN TRANSACTION');
  try {
    const outcomes: LoadOutcome[] = [];
    for (const load of files) {
      const table = tables.find((t) => t.fullName === load.table);
      if (!table) throw new WarehouseError(`unknown table ${load.table}`, load.table);
      const previous = await previousLoad(connection, load);
      if (previous && !options.replace) throw new AlreadyLoadedError(load, previous);
      const dates = [...new Set(load.rows.map((r) => partitionDay(table, r)))]
        .filter((d): d is string => d !== undefined)
        .sort();
      const where = table.partitionColumn
        ? ` WHERE CAST(${table.partitionColumn} AS DATE) IN (SELECT UNNEST($1))`
        : '';
      const existingRows = await scalar(connection, `SELECT COUNT(*) FROM ${table.fullName}${where}`, dates);
      if (options.replace) await scalar(connection, `DELETE FROM ${table.fullName}${where}`, dates);
      await appendTable(connection, table, load.rows);
      await connection.run(
        `INSERT INTO shotclock.warehouse_loads VALUES ($table, $sha, $file, $rows, make_timestamptz(CAST($micros AS BIGINT)))`,
        {
          table: load.table,
          sha: load.sha256,
          file: load.file,
          rows: load.rows.length,
          micros: BigInt(options.now.getTime()) * 1000n,
        },
      );
      outcomes.push({
        table: load.table,
        file: load.file,
        rows: load.rows.length,
        dates,
        existingRows,
        replaced: options.replace,
      });
    }
    await connection.run('COMMIT');
    return outcomes;
  } catch (cause) {
    await connection.run('ROLLBACK').catch(() => undefined);
    if (cause instanceof WarehouseError) throw cause;
    throw new WarehouseError(`load failed: ${cause instanceof Error ? cause.message : String(cause)}`, '', {
      cause,
    });
  }
}
