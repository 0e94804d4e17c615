import { BigQuery, BigQueryDate, BigQueryDatetime, BigQueryTimestamp } from '@google-cloud/bigquery';
import { arrayElement, checkParams } from './params.js';
import {
  type Params,
  type ParamType,
  type ParamValue,
  type ParsedSqlFile,
  type QueryDef,
  type QueryOptions,
  type ScalarParamType,
  type SqlFile,
  type SqlParams,
  type Warehouse,
  WarehouseError,
} from './port.js';
import { validateRow } from './rows.js';
import { loadSqlFile, SQL_DIR } from './sql-files.js';

/** The slice of the BigQuery client this adapter uses (tests may pass their own). */
export type BigQueryClient = Pick<BigQuery, 'query'>;

export interface BigQueryWarehouseOptions {
  readonly projectId: string;
  /** Dataset location, e.g. 'US'. */
  readonly location: string;
  /** Another endpoint (a local double in tests): `http://127.0.0.1:PORT`. */
  readonly apiEndpoint?: string;
  readonly client?: BigQueryClient;
  readonly sqlDir?: string;
}

/** The client's `types` entry for a declared parameter type: 'DATE', or ['STRING'] for ARRAY<STRING>. */
export function bigQueryParamType(type: ParamType): string | string[] {
  const element = arrayElement(type);
  return element ? [element] : type;
}

function scalarParam(type: ScalarParamType, v: string | number | boolean | Date): unknown {
  // The client reads DATE/TIMESTAMP parameter values from its wrapper classes' `.value`: a plain string
  // would be sent as an empty value, and a Date inside an array too.
  if (type === 'DATE') return BigQuery.date(v as string);
  if (type === 'TIMESTAMP') return BigQuery.timestamp(v as Date);
  if (type === 'INT64') return String(v); // exact, as the API's string form
  return v;
}

/** A checked parameter value in the form the client encodes correctly for its declared type. */
export function bigQueryParamValue(type: ParamType, v: ParamValue): unknown {
  if (v === null) return null;
  const element = arrayElement(type);
  if (element && Array.isArray(v)) return v.map((x) => scalarParam(element, x));
  return scalarParam(type as ScalarParamType, v as string | number | boolean | Date);
}

/**
 * A BigQuery result value as the port's JS type, the same as the DuckDB adapter gives: DATE 'YYYY-MM-DD',
 * TIMESTAMP Date, INT64/NUMERIC number. The client wraps dates and timestamps in its own classes and
 * NUMERIC in Big; rows may also come unparsed with timestamps as integer microseconds (strings).
 */
export function fromBigQuery(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof BigQueryTimestamp) return new Date(value.value);
  if (value instanceof BigQueryDate || value instanceof BigQueryDatetime) return String(value.value);
  if (Array.isArray(value)) return value.map(fromBigQuery);
  if (value instanceof Date || Buffer.isBuffer(value)) return value;
  if (typeof value === 'object') {
    // Big (NUMERIC) has no exported class here: recognise it by shape.
    const big = value as { constructor?: { name?: string }; toNumber?: () => number };
    if (big.constructor?.name === 'Big' && typeof big.toNumber === 'function') return big.toNumber();
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromBigQuery(v)]));
  }
  return value;
}

type QueryCallback = (
  err: Error | null,
  rows?: unknown[] | null,
  nextQuery?: unknown,
  response?: unknown,
) => void;

export function createBigQueryWarehouse(options: BigQueryWarehouseOptions): Warehouse {
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const client: BigQueryClient =
    options.client ??
    new BigQuery({
      projectId: options.projectId,
      location: options.location,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    });

  const load = (name: string): ParsedSqlFile => {
    try {
      return loadSqlFile(name, sqlDir);
    } catch (cause) {
      throw new WarehouseError(`cannot read sql/${name}: ${String(cause)}`, name, { cause });
    }
  };

  /** One jobs.query call: the SQL text as written, NAMED parameters with explicit types. */
  const run = (name: string, params: Params, queryOptions?: QueryOptions) =>
    new Promise<{ rows: unknown[]; response: { numDmlAffectedRows?: string } | undefined }>(
      (resolve, reject) => {
        const file = load(name);
        checkParams(file, params);
        const types = Object.fromEntries(
          Object.entries(file.params).map(([k, t]) => [k, bigQueryParamType(t)]),
        );
        const values = Object.fromEntries(
          Object.entries(file.params).map(([k, t]) => [k, bigQueryParamValue(t, params[k] as ParamValue)]),
        );
        let settled = false;
        const timer =
          queryOptions?.timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                settled = true;
                reject(new WarehouseError(`${name}: timed out after ${queryOptions.timeoutMs} ms`, name));
              }, queryOptions.timeoutMs);
        const callback: QueryCallback = (err, rows, _next, response) => {
          if (timer) clearTimeout(timer);
          if (settled) return;
          settled = true;
          if (err) reject(new WarehouseError(`${name}: ${err.message}`, name, { cause: err }));
          else
            resolve({ rows: rows ?? [], response: response as { numDmlAffectedRows?: string } | undefined });
        };
        (client.query as (q: unknown, o: unknown, cb: QueryCallback) => void)(
          { query: file.text, params: values, types, location: options.location, parseJSON: true },
          {
            location: options.location,
            parseJSON: true,
            ...(queryOptions?.timeoutMs === undefined ? {} : { timeoutMs: queryOptions.timeoutMs }),
          },
          callback,
        );
      },
    );

  return {
    engine: 'bigquery',
    async query<Row, F extends SqlFile>(
      def: QueryDef<Row, F>,
      params: SqlParams[F],
      queryOptions?: QueryOptions,
    ): Promise<Row[]> {
      const { rows } = await run(def.file, params, queryOptions);
      return rows.map((raw, r) => validateRow(def, fromBigQuery(raw) as Record<string, unknown>, r));
    },
    async execute<F extends SqlFile>(
      file: F,
      params: SqlParams[F],
      queryOptions?: QueryOptions,
    ): Promise<number | null> {
      const { response } = await run(file, params, queryOptions);
      const affected = response?.numDmlAffectedRows;
      return affected === undefined ? null : Number(affected);
    },
    async ping() {
      await new Promise<void>((resolve, reject) =>
        (client.query as (q: unknown, o: unknown, cb: QueryCallback) => void)(
          { query: 'SELECT 1', location: options.location },
          { location: options.location },
          (err) =>
            err
              ? reject(new WarehouseError(`BigQuery unreachable: ${err.message}`, '', { cause: err }))
              : resolve(),
        ),
      );
    },
    async close() {
      // The client holds no connection to release.
    },
  };
}
