import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ZetaSQLClient } from '@fivetrandevelopers/zetasql';
import type { AnyResolvedStatementProto__Output } from '@fivetrandevelopers/zetasql/lib/types/zetasql/AnyResolvedStatementProto.js';
import type { LanguageFeature } from '@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageFeature.js';
import type { LanguageOptionsProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/LanguageOptionsProto.js';
import type { SimpleCatalogProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/SimpleCatalogProto.js';
import { TypeKind } from '@fivetrandevelopers/zetasql/lib/types/zetasql/TypeKind.js';
import type { TypeProto } from '@fivetrandevelopers/zetasql/lib/types/zetasql/TypeProto.js';
import type { ParamType, ParsedSqlFile, ScalarParamType } from '../../src/warehouse/port.js';
import type { ColumnType, TableSchema } from '../../src/warehouse/schema.js';

// The language features BigQuery enables (after GoogleCloudPlatform/zetasql-toolkit's BigQueryLanguageOptions,
// plus BigQuery's newer JSON functions), limited to what this ZetaSQL build knows: it lacks GROUP BY ALL and
// MAX_BY/MIN_BY, so queries must avoid those. Enabling ZetaSQL's maximum instead would accept non-BigQuery syntax
// (pipes, protos, ...) that then fails in production.
const BIGQUERY_FEATURES: LanguageFeature[] = [
  'FEATURE_ANALYTIC_FUNCTIONS',
  'FEATURE_BIGNUMERIC_TYPE',
  'FEATURE_CBRT_FUNCTIONS',
  'FEATURE_CREATE_TABLE_CLUSTER_BY',
  'FEATURE_CREATE_TABLE_NOT_NULL',
  'FEATURE_CREATE_TABLE_PARTITION_BY',
  'FEATURE_DML_UPDATE_WITH_JOIN',
  'FEATURE_GEOGRAPHY',
  'FEATURE_GROUP_BY_ROLLUP',
  'FEATURE_INTERVAL_TYPE',
  'FEATURE_INVERSE_TRIG_FUNCTIONS',
  'FEATURE_JSON_ARRAY_FUNCTIONS',
  'FEATURE_JSON_CONSTRUCTOR_FUNCTIONS',
  'FEATURE_JSON_LAX_VALUE_EXTRACTION_FUNCTIONS',
  'FEATURE_JSON_MUTATOR_FUNCTIONS',
  'FEATURE_JSON_TYPE',
  'FEATURE_JSON_VALUE_EXTRACTION_FUNCTIONS',
  'FEATURE_NAMED_ARGUMENTS',
  'FEATURE_NUMERIC_TYPE',
  'FEATURE_PARAMETERIZED_TYPES',
  'FEATURE_ROUND_WITH_ROUNDING_MODE',
  'FEATURE_TABLESAMPLE',
  'FEATURE_TABLE_VALUED_FUNCTIONS',
  'FEATURE_TIMESTAMP_NANOS',
  'FEATURE_V_1_1_HAVING_IN_AGGREGATE',
  'FEATURE_V_1_1_LIMIT_IN_AGGREGATE',
  'FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_AGGREGATE',
  'FEATURE_V_1_1_NULL_HANDLING_MODIFIER_IN_ANALYTIC',
  'FEATURE_V_1_1_ORDER_BY_IN_AGGREGATE',
  'FEATURE_V_1_1_SELECT_STAR_EXCEPT_REPLACE',
  'FEATURE_V_1_1_WITH_ON_SUBQUERY',
  'FEATURE_V_1_2_CIVIL_TIME',
  'FEATURE_V_1_2_SAFE_FUNCTION_CALL',
  'FEATURE_V_1_2_WEEK_WITH_WEEKDAY',
  'FEATURE_V_1_3_ADDITIONAL_STRING_FUNCTIONS',
  'FEATURE_V_1_3_ALLOW_DASHES_IN_TABLE_NAME',
  'FEATURE_V_1_3_ALLOW_REGEXP_EXTRACT_OPTIONALS',
  'FEATURE_V_1_3_CONCAT_MIXED_TYPES',
  'FEATURE_V_1_3_DATE_ARITHMETICS',
  'FEATURE_V_1_3_DATE_TIME_CONSTRUCTORS',
  'FEATURE_V_1_3_DECIMAL_ALIAS',
  'FEATURE_V_1_3_EXTENDED_DATE_TIME_SIGNATURES',
  'FEATURE_V_1_3_FORMAT_IN_CAST',
  'FEATURE_V_1_3_IS_DISTINCT',
  'FEATURE_V_1_3_LIKE_ANY_SOME_ALL',
  'FEATURE_V_1_3_NULLS_FIRST_LAST_IN_ORDER_BY',
  'FEATURE_V_1_3_OMIT_INSERT_COLUMN_LIST',
  'FEATURE_V_1_3_PIVOT',
  'FEATURE_V_1_3_QUALIFY',
  'FEATURE_V_1_3_UNNEST_AND_FLATTEN_ARRAYS',
  'FEATURE_V_1_3_UNPIVOT',
  'FEATURE_V_1_3_WITH_RECURSIVE',
  'FEATURE_V_1_4_ARRAY_AGGREGATION_FUNCTIONS',
  'FEATURE_V_1_4_GROUPING_BUILTIN',
  'FEATURE_V_1_4_GROUPING_SETS',
];

export const BIGQUERY_LANGUAGE: LanguageOptionsProto = {
  productMode: 'PRODUCT_EXTERNAL', // BigQuery's type names: INT64/FLOAT64, no INT32/DOUBLE
  nameResolutionMode: 'NAME_RESOLUTION_DEFAULT',
  enabledLanguageFeatures: BIGQUERY_FEATURES,
  supportedStatementKinds: [], // empty = every kind, so UPDATE/MERGE/INSERT and CREATE TABLE analyze too
  reservedKeywords: ['QUALIFY'], // BigQuery reserves it; without this QUALIFY is not a clause
};

const TYPE_KINDS: Record<ColumnType | ScalarParamType, TypeKind> = {
  STRING: 'TYPE_STRING',
  INT64: 'TYPE_INT64',
  FLOAT64: 'TYPE_DOUBLE',
  BOOL: 'TYPE_BOOL',
  DATE: 'TYPE_DATE',
  TIMESTAMP: 'TYPE_TIMESTAMP',
  JSON: 'TYPE_JSON',
};

export function toTypeProto(type: ColumnType | ParamType): TypeProto {
  const element = /^ARRAY<(.+)>$/.exec(type)?.[1] as ScalarParamType | undefined;
  if (element)
    return { typeKind: 'TYPE_ARRAY', arrayType: { elementType: { typeKind: TYPE_KINDS[element] } } };
  return { typeKind: TYPE_KINDS[type as ColumnType] };
}

/**
 * A resolved type as BigQuery spells it: ZetaSQL's TYPE_DOUBLE is FLOAT64, arrays show their element. Responses
 * carry the kind as its enum number.
 */
export function typeName(type: TypeProto | null): string {
  const raw = type?.typeKind;
  const kind =
    typeof raw === 'number'
      ? Object.keys(TypeKind).find((k) => TypeKind[k as keyof typeof TypeKind] === raw)
      : raw;
  if (!type || !kind) return 'UNKNOWN';
  if (kind === 'TYPE_ARRAY') return `ARRAY<${typeName(type.arrayType?.elementType ?? null)}>`;
  const name = kind.replace(/^TYPE_/, '');
  return name === 'DOUBLE' ? 'FLOAT64' : name;
}

/** One nested catalog per dataset, so `dataset.table` resolves exactly as in BigQuery's default project. */
export function buildCatalog(tables: readonly TableSchema[]): SimpleCatalogProto {
  const datasets = new Map<string, TableSchema[]>();
  for (const t of tables) datasets.set(t.dataset, [...(datasets.get(t.dataset) ?? []), t]);
  return {
    name: 'shotclock',
    builtinFunctionOptions: { languageOptions: BIGQUERY_LANGUAGE },
    catalog: [...datasets].map(([dataset, ts]) => ({
      name: dataset,
      table: ts.map((t) => ({
        name: t.table,
        fullName: t.fullName,
        column: t.columns.map((c) => ({ name: c.name, type: toTypeProto(c.type) })),
      })),
    })),
  };
}

/** A query's output column: its name and its type as BigQuery spells it (`INT64`, `ARRAY<STRING>`, ...). */
export interface OutputColumn {
  readonly name: string;
  readonly type: string;
}

export type Analysis =
  | {
      readonly ok: true;
      readonly statement: string;
      /** The output columns, in order, when the statement is a query (not DML or DDL). */
      readonly columns?: readonly OutputColumn[];
      /** The resolved AST as the server sends it (read by test/support/partition-bounds.ts). */
      readonly resolved: AnyResolvedStatementProto__Output;
    }
  | { readonly ok: false; readonly message: string; readonly line?: number; readonly column?: number };

/** `path:line:column: error` plus ZetaSQL's caret excerpt, so an editor can jump to the mistake. */
export function describeFailure(path: string, analysis: Analysis): string {
  if (analysis.ok) return `${path}: analyzes as ${analysis.statement}`;
  const where = analysis.line ? `${path}:${analysis.line}:${analysis.column}` : path;
  return `${where}: ${analysis.message}`;
}

export function parseAnalyzerError(details: string): Analysis {
  const at = /\[at (\d+):(\d+)\]/.exec(details.split('\n')[0] ?? '');
  if (!at?.[1] || !at[2]) return { ok: false, message: details };
  const message = details.replace(` ${at[0]}`, '').trim();
  return { ok: false, message, line: Number(at[1]), column: Number(at[2]) };
}

export interface ZetaSql {
  readonly port: number;
  analyze(file: ParsedSqlFile): Promise<Analysis>;
  stop(): Promise<void>;
}

// gRPC codes ZetaSQL uses for "the SQL is wrong"; anything else (UNAVAILABLE, ...) is a broken server, and must
// not count as a rejection or the bad-query tests would pass against a dead server.
const ANALYSIS_ERROR_CODES = new Set([3 /* INVALID_ARGUMENT */, 12 /* UNIMPLEMENTED */]);

/** Start the native ZetaSQL server on a free local port and register the catalog once. */
export async function startZetaSql(tables: readonly TableSchema[]): Promise<ZetaSql> {
  const { server, client } = await startServer();
  const stop = async () => {
    ZetaSQLClient.API.close();
    await server.stop();
  };
  try {
    const registered = await client.registerCatalog({ simpleCatalog: buildCatalog(tables) });
    if (!registered) throw new Error('ZetaSQL registerCatalog returned nothing');
    const analyze = async (file: ParsedSqlFile): Promise<Analysis> => {
      try {
        const response = await client.analyze({
          registeredCatalogId: registered.registeredId,
          sqlStatement: file.text,
          options: {
            languageOptions: BIGQUERY_LANGUAGE,
            errorMessageMode: 'ERROR_MESSAGE_MULTI_LINE_WITH_CARET',
            defaultTimezone: 'UTC', // BigQuery's default; ZetaSQL's is America/Los_Angeles
            queryParameters: Object.entries(file.params).map(([name, type]) => ({
              name,
              type: toTypeProto(type),
            })),
          },
        });
        const resolved = response?.resolvedStatement;
        const statement = resolved?.node;
        if (!resolved || !statement)
          throw new Error(`ZetaSQL returned no resolved statement for ${file.name}`);
        const output = resolved.resolvedQueryStmtNode?.outputColumnList;
        if (!output) return { ok: true, statement, resolved };
        const columns = output.map((c) => ({ name: c.name, type: typeName(c.column?.type ?? null) }));
        return { ok: true, statement, columns, resolved };
      } catch (error) {
        const { code, details } = error as { code?: number; details?: string };
        if (code !== undefined && ANALYSIS_ERROR_CODES.has(code) && details)
          return parseAnalyzerError(details);
        const died = server.problem();
        throw died ? new Error(`ZetaSQL server failed: ${died}`, { cause: error }) : error;
      }
    };
    return { port: server.port, analyze, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function serverBinary(): string {
  // The same choice as the package's own runServer(), which we cannot use: it reports neither readiness nor exit.
  const lib = dirname(createRequire(import.meta.url).resolve('@fivetrandevelopers/zetasql'));
  const suffix =
    (process.arch.startsWith('arm') ? '_arm' : '') + (process.platform === 'darwin' ? '' : '.so');
  const path = join(lib, 'zetasql', `remote_server${suffix}`);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `ZetaSQL server binary missing or not executable: ${path} (${process.platform}/${process.arch})`,
    );
  }
  return path;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(address)));
    });
  });
}

const BIND_ERROR = 'Address already in use';
const PROBE_TIMEOUT_MS = 10_000;

async function startServer(attempts = 3): Promise<{ server: Server; client: ZetaSQLClient }> {
  const binary = serverBinary();
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    let server: Server;
    try {
      server = await launch(binary, await freePort());
    } catch (error) {
      lastError = error;
      if (String(error).includes(BIND_ERROR)) continue; // the port was taken between probe and bind
      throw error;
    }
    ZetaSQLClient.init(server.port);
    const client = ZetaSQLClient.getInstance();
    // One round trip before trusting the server. A failed bind is reported on stderr right before the
    // "listening" line and a crash; the race also ends the wait if whoever holds the port never answers.
    const answer = client.formatSql({ sql: 'SELECT 1' }).then(
      () => undefined,
      (error: unknown) => `no answer: ${String(error)}`,
    );
    const timeout = delay(PROBE_TIMEOUT_MS, `no answer within ${PROBE_TIMEOUT_MS} ms`, { ref: false });
    const why = await Promise.race([answer, server.failed, timeout]);
    const problem = server.problem() ?? why;
    if (!problem) return { server, client };
    ZetaSQLClient.API.close();
    await server.stop();
    lastError = new Error(`ZetaSQL server (${binary}, port ${server.port}) is not usable: ${problem}`);
    if (!problem.includes(BIND_ERROR)) break; // only a lost port race is worth another try
  }
  throw lastError;
}

interface Server {
  readonly port: number;
  /** Why the server cannot be trusted (bind error, exit), or undefined. */
  problem(): string | undefined;
  /** Resolves with the reason once the server exits or reports a failed bind. */
  readonly failed: Promise<string>;
  stop(): Promise<void>;
}

// On Linux, setpriv makes the kernel kill the server when this worker dies, even by SIGKILL: no orphan.
const PDEATHSIG = process.platform === 'linux' ? ['setpriv', '--pdeathsig', 'KILL'] : [];

function launch(binary: string, port: number, readyTimeoutMs = 15_000): Promise<Server> {
  const [command = binary, ...args] = [...PDEATHSIG, binary, '127.0.0.1', String(port)];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let exit: string | undefined; // why it is gone, once it is
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit ??= `exited (code ${code}, signal ${signal})`;
      resolve();
    });
    // A failed spawn (ENOENT, EACCES) emits 'error' and may never emit 'exit'.
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      exit ??= `could not start: ${error.message}`;
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (exit) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  const problem = () => {
    if (output.includes(BIND_ERROR)) return `could not bind: ${BIND_ERROR}`;
    return exit ? `${exit}. Output:\n${output.trim() || '(none)'}` : undefined;
  };
  let reportFailure: (why: string) => void = () => {};
  const failed = new Promise<string>((resolve) => {
    reportFailure = resolve;
  });
  void exited.then(() => reportFailure(problem() ?? 'exited'));

  return new Promise<Server>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`ZetaSQL server (${binary}, port ${port}) ${why}`)));
    };
    const timer = setTimeout(
      () => fail(`not ready after ${readyTimeoutMs} ms. Output:\n${output}`),
      readyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(BIND_ERROR)) reportFailure(problem() ?? BIND_ERROR);
      if (output.includes('Server listening on')) {
        clearTimeout(timer);
        resolve({ port, problem, failed, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then(() => fail(problem() ?? 'exited'));
  });
}
