import type { z } from 'zod';
import { formatBytes } from './byte-size.js';
import type { SqlFile, SqlParams } from './sql-types.generated.js';

export type { SqlFile, SqlParams } from './sql-types.generated.js';

/**
 * BigQuery parameter types a query may declare. Both adapters convert values the same way:
 * DATE ⇄ 'YYYY-MM-DD' string, TIMESTAMP ⇄ JS Date, INT64/FLOAT64/NUMERIC ⇄ number,
 * BOOL ⇄ boolean, STRING ⇄ string, JSON ⇄ parsed value, ARRAY<T> ⇄ array of T.
 */
export const SCALAR_PARAM_TYPES = ['STRING', 'INT64', 'FLOAT64', 'BOOL', 'DATE', 'TIMESTAMP'] as const;
export type ScalarParamType = (typeof SCALAR_PARAM_TYPES)[number];
export type ParamType = ScalarParamType | `ARRAY<${ScalarParamType}>`;

export type ParamValue =
  | string
  | number
  | boolean
  | Date
  | null
  | readonly (string | number | boolean | Date)[];
/** Parameters of any file, as the adapters check them at run time; callers use `SqlParams[F]` instead. */
export type Params = Record<string, ParamValue>;

/** A parsed `.sql` file: its path relative to `sql/`, its text and the parameters its header declares. */
export interface ParsedSqlFile {
  /** e.g. `checks/scraper_gaps.sql` */
  readonly name: string;
  readonly text: string;
  readonly params: Readonly<Record<string, ParamType>>;
  /** `-- @max_bytes_billed 5GB`: this file's own BigQuery byte budget, instead of the configured default. */
  readonly maxBytesBilled?: number;
}

/**
 * A query definition: a `.sql` file paired with the zod schema of one result row (pgtyped style). The file
 * is one of the generated `SqlFile` names, so its parameters (`SqlParams[F]`) are checked at compile time.
 */
export interface QueryDef<Row, F extends SqlFile = SqlFile> {
  readonly file: F;
  readonly row: z.ZodType<Row>;
}

/** Who runs a query: scheduled checks, App Home and the dashboards, slash commands, operator and recovery actions. */
export type QuerySurface = 'job' | 'home' | 'command' | 'action';

export interface QueryOptions {
  /** Abort the query after this many milliseconds (a check that times out becomes a check_failed finding). */
  readonly timeoutMs?: number;
  /** BigQuery labels the job with it, so its bytes can be told apart by surface; default 'job'. */
  readonly surface?: QuerySurface;
  /** The caller gave up: BigQuery cancels the job. */
  readonly signal?: AbortSignal;
}

/** The Warehouse port: BigQuery in the cloud, DuckDB embedded. Rows are validated by the query's schema. */
export interface Warehouse {
  readonly engine: 'bigquery' | 'duckdb';
  query<Row, F extends SqlFile>(
    def: QueryDef<Row, F>,
    params: SqlParams[F],
    options?: QueryOptions,
  ): Promise<Row[]>;
  /** Run a DML statement (UPDATE/MERGE/INSERT) from a `.sql` file; returns affected rows when known. */
  execute<F extends SqlFile>(file: F, params: SqlParams[F], options?: QueryOptions): Promise<number | null>;
  /** Cheap reachability probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class WarehouseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WarehouseError';
  }
}

/** The query would bill more bytes than its budget allows (BigQuery refused it, at no charge). */
export class WarehouseBudgetError extends WarehouseError {
  constructor(
    file: string,
    /** The file's budget: its `-- @max_bytes_billed` or the configured default. */
    readonly maxBytesBilled: number,
    /** What BigQuery said the query needs, when it said. */
    readonly bytesRequired: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `${file}: over its byte budget of ${formatBytes(maxBytesBilled)}${
        bytesRequired === undefined ? '' : ` (BigQuery needs ${formatBytes(bytesRequired)})`
      }; narrow the query's date range, or raise its -- @max_bytes_billed or BIGQUERY_MAX_BYTES_BILLED`,
      file,
      options,
    );
    this.name = 'WarehouseBudgetError';
  }
}

/** The warehouse named does not exist (and the caller asked not to create one). */
export class WarehouseNotFoundError extends WarehouseError {
  constructor(path: string) {
    super(`no warehouse at ${path}`, path);
    this.name = 'WarehouseNotFoundError';
  }
}

export function defineQuery<Row, F extends SqlFile>(file: F, row: z.ZodType<Row>): QueryDef<Row, F> {
  return { file, row };
}

/**
 * Rows to write, by `dataset.table`. Values use the same JS types as query results:
 * DATE 'YYYY-MM-DD', TIMESTAMP Date (or ISO string), JSON any value, INT64/FLOAT64 number, BOOL boolean, null.
 */
export type TableRows = Readonly<Record<string, readonly Readonly<Record<string, unknown>>[]>>;

/** Bulk writes into the embedded warehouse (simulator, `shotclock load`): all tables in one transaction, all-or-nothing. */
export interface RowSink {
  insertRows(tables: TableRows): Promise<void>;
}
