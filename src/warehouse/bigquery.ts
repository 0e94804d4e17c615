import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { BigQuery, BigQueryDate, BigQueryDatetime, BigQueryTimestamp } from '@google-cloud/bigquery';
import {
  bytesRequired,
  DEFAULT_RETRY,
  jobErrorKind,
  jobLabels,
  type RetryPolicy,
  retryDelayMs,
} from './bigquery-guardrails.js';
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
  WarehouseBudgetError,
  WarehouseError,
} from './port.js';
import { validateRow } from './rows.js';
import { loadSqlFile, SQL_DIR } from './sql-files.js';

/** The slice of the BigQuery client this adapter uses (tests may pass their own). */
export type BigQueryClient = Pick<BigQuery, 'createQueryJob' | 'job'>;

export interface BigQueryWarehouseOptions {
  readonly projectId: string;
  /** Dataset location, e.g. 'US'. */
  readonly location: string;
  /** Another endpoint (a local double in tests): `http://127.0.0.1:PORT`. */
  readonly apiEndpoint?: string;
  readonly client?: BigQueryClient;
  readonly sqlDir?: string;
  /** maximumBytesBilled of a query whose file declares no `-- @max_bytes_billed` (BIGQUERY_MAX_BYTES_BILLED). */
  readonly maxBytesBilled: number;
  /** Transient failures: how many jobs in all and how long between them (tests shorten the waits). */
  readonly retry?: RetryPolicy;
  /** The jitter's source (tests make it fixed). */
  readonly random?: () => number;
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

/** A query's limit when its caller sets none (App Home, the slash commands): the scheduled checks' own. */
const DEFAULT_TIMEOUT_MS = 60_000;

/** `work`, or the signal's reason as soon as it aborts (the work is then left to settle unobserved). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** What one job runs: a file's SQL and its typed parameters, or the readiness probe's `SELECT 1`. */
interface JobSpec {
  readonly name: string;
  readonly text: string;
  readonly params?: { readonly values: Record<string, unknown>; readonly types: Record<string, unknown> };
  readonly maxBytesBilled: number;
}

interface JobResult {
  readonly rows: unknown[];
  readonly response: { numDmlAffectedRows?: string | null } | undefined;
}

export function createBigQueryWarehouse(options: BigQueryWarehouseOptions): Warehouse {
  const sqlDir = options.sqlDir ?? SQL_DIR;
  const retry = options.retry ?? DEFAULT_RETRY;
  const random = options.random ?? Math.random;
  const client: BigQueryClient =
    options.client ??
    new BigQuery({
      projectId: options.projectId,
      location: options.location,
      // The adapter retries transient failures itself, each with a new job (below); the client's own
      // retries would multiply with those.
      autoRetry: false,
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
    });

  const load = (name: string): ParsedSqlFile => {
    try {
      return loadSqlFile(name, sqlDir);
    } catch (cause) {
      throw new WarehouseError(`cannot read sql/${name}: ${String(cause)}`, name, { cause });
    }
  };

  /** A file's job: its SQL text as written, NAMED parameters with explicit types, its byte budget. */
  const specOf = (name: string, params: Params): JobSpec => {
    const file = load(name);
    checkParams(file, params);
    const types = Object.fromEntries(Object.entries(file.params).map(([k, t]) => [k, bigQueryParamType(t)]));
    const values = Object.fromEntries(
      Object.entries(file.params).map(([k, t]) => [k, bigQueryParamValue(t, params[k] as ParamValue)]),
    );
    return {
      name,
      text: file.text,
      params: { values, types },
      maxBytesBilled: file.maxBytesBilled ?? options.maxBytesBilled,
    };
  };

  /** One job to its results: inserted under an ID chosen here, so it can be cancelled before the insert answers. */
  const attempt = async (
    spec: JobSpec,
    jobId: string,
    labels: Record<string, string>,
    jobTimeoutMs: number,
  ) => {
    const [job] = await client.createQueryJob({
      jobId,
      query: spec.text,
      ...(spec.params ? { params: spec.params.values, types: spec.params.types as never } : {}),
      location: options.location,
      labels,
      jobTimeoutMs,
      maximumBytesBilled: String(spec.maxBytesBilled),
    });
    const [rows, , response] = await job.getQueryResults({ parseJSON: true });
    return { rows, response } as JobResult;
  };

  const cancel = (jobId: string) => {
    // Best effort: the job may have finished, failed or never been created; BigQuery bills no more after.
    client
      .job(jobId, { location: options.location })
      .cancel()
      .catch(() => undefined);
  };

  /**
   * Run a job under the guardrails (README, "BigQuery guardrails"): labels, the byte budget, a server-side
   * timeout matching the local one, cancellation when the caller gives up, transient failures retried.
   */
  const run = async (spec: JobSpec, queryOptions?: QueryOptions): Promise<JobResult> => {
    const { name } = spec;
    const timeoutMs = queryOptions?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    const labels = jobLabels(name, queryOptions?.surface ?? 'job');
    const stop = new AbortController();
    const timer = setTimeout(
      () => stop.abort(new WarehouseError(`${name}: timed out after ${timeoutMs} ms`, name)),
      timeoutMs,
    );
    const callerGaveUp = () => stop.abort(new WarehouseError(`${name}: cancelled by the caller`, name));
    const signal = queryOptions?.signal;
    if (signal?.aborted) callerGaveUp();
    signal?.addEventListener('abort', callerGaveUp, { once: true });
    try {
      for (let n = 1; ; n++) {
        if (stop.signal.aborted) throw stop.signal.reason;
        const jobId = `shotclock_${labels.query}_${randomUUID()}`;
        try {
          const left = Math.max(1, deadline - Date.now());
          return await untilAborted(attempt(spec, jobId, labels, left), stop.signal);
        } catch (error) {
          if (stop.signal.aborted) {
            cancel(jobId);
            throw stop.signal.reason;
          }
          const kind = jobErrorKind(error);
          if (kind === 'budget')
            throw new WarehouseBudgetError(name, spec.maxBytesBilled, bytesRequired(error), { cause: error });
          const wait = retryDelayMs(retry, n, random);
          if (kind === 'permanent' || n >= retry.attempts || Date.now() + wait >= deadline) {
            const tries = n > 1 ? ` (${n} attempts)` : '';
            throw new WarehouseError(`${name}: ${(error as Error).message}${tries}`, name, { cause: error });
          }
          // The failed job may still be queued (an insert whose answer was lost): stop it before the next.
          cancel(jobId);
          await sleep(wait, undefined, { signal: stop.signal }).catch(() => {
            throw stop.signal.reason;
          });
        }
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', callerGaveUp);
    }
  };

  return {
    engine: 'bigquery',
    async query<Row, F extends SqlFile>(
      def: QueryDef<Row, F>,
      params: SqlParams[F],
      queryOptions?: QueryOptions,
    ): Promise<Row[]> {
      const { rows } = await run(specOf(def.file, params), queryOptions);
      return rows.map((raw, r) => validateRow(def, fromBigQuery(raw) as Record<string, unknown>, r));
    },
    async execute<F extends SqlFile>(
      file: F,
      params: SqlParams[F],
      queryOptions?: QueryOptions,
    ): Promise<number | null> {
      const { response } = await run(specOf(file, params), queryOptions);
      const affected = response?.numDmlAffectedRows;
      return affected === undefined ? null : Number(affected);
    },
    async ping() {
      // A constant query reads no table: BigQuery bills nothing for it, whatever the budget.
      await run(
        { name: 'ping', text: 'SELECT 1', maxBytesBilled: options.maxBytesBilled },
        { timeoutMs: 10_000 },
      ).catch((error: unknown) => {
        const cause = (error as Error).cause ?? error;
        throw new WarehouseError(`BigQuery unreachable: ${(cause as Error).message}`, '', { cause });
      });
    },
    async close() {
      // The client holds no connection to release.
    },
  };
}
