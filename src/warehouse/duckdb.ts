import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { type LoadFile, type LoadOutcome, loadFiles } from './duckdb-load.js';
import { jsValue, paramDuckType, paramValue } from './duckdb-values.js';
import { type ColumnOrders, createSchema, insertTables } from './duckdb-write.js';
import { checkParams } from './params.js';
import {
  type Params,
  type ParsedSqlFile,
  type QueryDef,
  type QueryOptions,
  type RowSink,
  type SqlFile,
  type SqlParams,
  type TableRows,
  type Warehouse,
  WarehouseError,
  WarehouseNotFoundError,
} from './port.js';
import { DUCKDB_SESSION_SETTINGS, RewriteError, rewriteForDuckDb } from './rewrite.js';
import { validateRow } from './rows.js';
import { loadSchema } from './schema.js';
import { loadSqlFile, SQL_DIR } from './sql-files.js';

export interface DuckDbWarehouseOptions {
  /** The database file (created with its directory when missing, unless `create` is false), or ':memory:'. */
  readonly path: string;
  /** False to refuse a file that does not exist (a reader such as `shotclock check`): default true. */
  readonly create?: boolean;
  /** Session time zone. Keep the default: 'UTC' is BigQuery's, and the rewrite layer relies on it. */
  readonly timeZone?: string;
  /**
   * Threads per query (DuckDB's default: one per core). One suits a caller running many small queries at
   * once, as the season replay's concurrent checks do: more only oversubscribes the cores.
   */
  readonly threads?: number;
  /** Root of the project's SQL files (tests point it at fixtures). */
  readonly sqlDir?: string;
  /** Sees each file's statement on its own connection (the bench reads DuckDB's profiling with it). */
  readonly probe?: QueryProbe;
}

/** Called around every query and DML statement, on the connection it runs on. */
export interface QueryProbe {
  /** Before the statement is prepared (e.g. `SET enable_profiling`). */
  before(connection: DuckDBConnection, file: string): Promise<void>;
  /** After it finished or failed, before the connection goes back to the pool (or closes). */
  after(connection: DuckDBConnection, file: string): Promise<void>;
}

/** The embedded warehouse. `connect()` gives the Store and the local task queue their own connections. */
export interface DuckDbWarehouse extends Warehouse, RowSink {
  readonly engine: 'duckdb';
  readonly path: string;
  connect(): Promise<DuckDBConnection>;
  /**
   * Replaces the whole content of each named table with the given rows, in one transaction on one
   * connection (the season replay rewrites the current-state breaker table before each run that reads it).
   */
  replaceRows(tables: TableRows): Promise<void>;
  /** Loads export files, refusing content loaded before unless `replace` (see duckdb-load.ts). */
  loadFiles(
    files: readonly LoadFile[],
    options: { readonly replace: boolean; readonly now: Date },
  ): Promise<LoadOutcome[]>;
}

// DuckDB locks a file per process, so a second DuckDBInstance on the same file in THIS process would not be
// refused by the OS: refuse it here instead.
const openPaths = new Set<string>();

async function openInstance(path: string): Promise<DuckDBInstance> {
  try {
    return await DuckDBInstance.create(path);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (/lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new WarehouseError(
        `another shotclock process${pid ? ` (PID ${pid})` : ''} holds ${path}: a DuckDB file has one owner at a time. ` +
          'Stop that process (e.g. the running bot), or pass --db with another file.',
        path,
        { cause },
      );
    }
    throw new WarehouseError(`cannot open DuckDB file ${path}: ${message}`, path, { cause });
  }
}

export async function openDuckDbWarehouse(options: DuckDbWarehouseOptions): Promise<DuckDbWarehouse> {
  const memory = options.path === ':memory:';
  const path = memory ? options.path : resolve(options.path);
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const probe = options.probe;
  if (!memory) {
    if (openPaths.has(path)) throw new WarehouseError(`${path} is already open in this process`, path);
    if (options.create === false && !existsSync(path)) throw new WarehouseNotFoundError(path);
    mkdirSync(dirname(path), { recursive: true });
  }
  const instance = await openInstance(path);
  if (!memory) openPaths.add(path);
  const tables = loadSchema(sqlDir);
  let columnOrders: ColumnOrders | undefined;
  try {
    const setup = await instance.connect();
    try {
      // Global, so that every connection (store, task queue, each query) runs with them.
      const settings = {
        ...DUCKDB_SESSION_SETTINGS,
        ...(options.timeZone ? { TimeZone: options.timeZone } : {}),
        ...(options.threads ? { threads: String(options.threads) } : {}),
      };
      for (const [name, value] of Object.entries(settings)) {
        await setup.run(`SET GLOBAL ${name} = '${value.replaceAll("'", "''")}'`);
      }
      columnOrders = await createSchema(setup, tables);
    } finally {
      setup.closeSync();
    }
  } catch (cause) {
    instance.closeSync();
    openPaths.delete(path);
    throw cause instanceof WarehouseError
      ? cause
      : new WarehouseError(`cannot set up ${path}: ${String(cause)}`, path, { cause });
  }

  const rewritten = new Map<string, string>();
  const load = (name: string): { file: ParsedSqlFile; sql: string } => {
    let file: ParsedSqlFile;
    try {
      file = loadSqlFile(name, sqlDir);
    } catch (cause) {
      throw new WarehouseError(`cannot read sql/${name}: ${String(cause)}`, name, { cause });
    }
    let sql = rewritten.get(name);
    if (sql === undefined) {
      try {
        sql = rewriteForDuckDb(file.text);
      } catch (cause) {
        const why = cause instanceof RewriteError ? cause.message : String(cause);
        throw new WarehouseError(`${name}: outside the DuckDB-compatible SQL subset: ${why}`, name, {
          cause,
        });
      }
      rewritten.set(name, sql);
    }
    return { file, sql };
  };

  /**
   * Connections kept between queries, each with the statements it has prepared: a check runs the same file
   * every few hours, and preparing (parse, bind, plan) is a good part of a small query's time. A query
   * borrows one connection for itself, so a timeout interrupts only its statement; a connection that was
   * interrupted or failed is closed rather than kept.
   */
  interface Pooled {
    readonly connection: DuckDBConnection;
    readonly statements: Map<string, DuckDBPreparedStatement>;
  }
  const idle: Pooled[] = [];
  let closed = false;
  const MAX_IDLE = 8;
  const borrow = async (): Promise<Pooled> =>
    idle.pop() ?? { connection: await instance.connect(), statements: new Map() };
  const giveBack = (pooled: Pooled, reusable: boolean) => {
    if (reusable && !closed && idle.length < MAX_IDLE) idle.push(pooled);
    else pooled.connection.closeSync();
  };

  const run = async <T>(
    name: string,
    params: Params,
    options: QueryOptions | undefined,
    use: (prepared: DuckDBPreparedStatement) => Promise<T>,
  ): Promise<T> => {
    const { file, sql } = load(name);
    checkParams(file, params);
    const pooled = await borrow();
    const { connection } = pooled;
    let timedOut = false;
    let reusable = false;
    const timer =
      options?.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            connection.interrupt();
          }, options.timeoutMs);
    try {
      await probe?.before(connection, name);
      let prepared = pooled.statements.get(name);
      if (!prepared) {
        prepared = await connection.prepare(sql);
        pooled.statements.set(name, prepared);
      }
      for (let i = 1; i <= prepared.parameterCount; i++) {
        const param = prepared.parameterName(i);
        const type = file.params[param];
        if (!type) throw new WarehouseError(`${name}: parameter @${param} is used but not declared`, name);
        prepared.bindValue(i, paramValue(type, params[param] ?? null), paramDuckType(type));
      }
      const result = await use(prepared);
      reusable = !timedOut;
      return result;
    } catch (cause) {
      if (cause instanceof WarehouseError) throw cause;
      if (timedOut)
        throw new WarehouseError(`${name}: timed out after ${options?.timeoutMs} ms`, name, { cause });
      throw new WarehouseError(`${name}: ${cause instanceof Error ? cause.message : String(cause)}`, name, {
        cause,
      });
    } finally {
      if (timer) clearTimeout(timer);
      try {
        await probe?.after(connection, name);
      } finally {
        giveBack(pooled, reusable);
      }
    }
  };

  return {
    engine: 'duckdb',
    path,
    async query<Row, F extends SqlFile>(
      def: QueryDef<Row, F>,
      params: SqlParams[F],
      options?: QueryOptions,
    ): Promise<Row[]> {
      const reader = await run(def.file, params, options, (p) => p.runAndReadAll());
      const names = reader.columnNames();
      const types = reader.columnTypes();
      return reader.getRows().map((values, r) => {
        const row: Record<string, unknown> = {};
        values.forEach((v, c) => {
          row[names[c] as string] = jsValue(v, types[c] as (typeof types)[number]);
        });
        return validateRow(def, row, r);
      });
    },
    async execute<F extends SqlFile>(
      file: F,
      params: SqlParams[F],
      options?: QueryOptions,
    ): Promise<number | null> {
      const result = await run(file, params, options, (p) => p.run());
      return result.rowsChanged;
    },
    async insertRows(rows) {
      const connection = await instance.connect();
      try {
        await insertTables(connection, tables, rows, columnOrders);
      } finally {
        connection.closeSync();
      }
    },
    async replaceRows(rows) {
      const pooled = await borrow();
      let reusable = false;
      try {
        await insertTables(pooled.connection, tables, rows, columnOrders, true);
        reusable = true;
      } finally {
        giveBack(pooled, reusable);
      }
    },
    async loadFiles(files, options) {
      const connection = await instance.connect();
      try {
        return await loadFiles(connection, tables, files, options);
      } finally {
        connection.closeSync();
      }
    },
    connect: () => instance.connect(),
    async ping() {
      const connection = await instance.connect();
      try {
        await connection.run('SELECT 1');
      } finally {
        connection.closeSync();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const pooled of idle.splice(0)) pooled.connection.closeSync();
      instance.closeSync();
      openPaths.delete(path);
    },
  };
}
