// Every .sql of the project is analyzed by ZetaSQL (BigQuery's own analyzer) against a catalog built from
// sql/schema, with the parameter types its header declares: wrong columns, types and parameters fail here,
// offline, instead of in BigQuery at 3 a.m. The fixtures prove the check can fail. Each query's output
// columns are then compared with the zod row schemas src/ reads them with.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ParsedSqlFile, QueryDef } from '../../src/warehouse/port.js';
import { loadSchema } from '../../src/warehouse/schema.js';
import { listSqlFiles, loadSqlFile } from '../../src/warehouse/sql-files.js';
import { describeFailure, type OutputColumn, startZetaSql, type ZetaSql } from '../support/zetasql.js';

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/sql-bad/', import.meta.url));

// Listed when the file is collected, so whatever sql/ holds at run time is checked, one test per file.
const SCHEMA_FILES = listSqlFiles('schema');
const QUERY_FILES = listSqlFiles('').filter((name) => !name.startsWith('schema/'));

/** What each fixture must produce: null = analyzes cleanly; otherwise ZetaSQL's message and the mistake's line. */
const FIXTURES: Record<string, { readonly error: RegExp; readonly line: number } | null> = {
  'unknown-column.sql': { error: /^Unrecognized name: finished_at/, line: 3 },
  'unknown-table.sql': { error: /^Table not found: nba_raw\.bdl_boxscores/, line: 4 },
  'date-vs-int64.sql': {
    error: /^No matching signature for operator = for argument types: DATE, INT64/,
    line: 4,
  },
  'undeclared-param.sql': { error: /^Query parameter 'report_date' not found/, line: 4 },
  'wrong-param-type.sql': {
    error: /^No matching signature for operator >= for argument types: TIMESTAMP, DATE/,
    line: 6,
  },
  'good-query.sql': null,
  'good-dml.sql': null,
};

let zeta: ZetaSql | undefined;

beforeAll(async () => {
  zeta = await startZetaSql(loadSchema());
});

afterAll(async () => {
  await zeta?.stop();
});

async function expectAnalyzes(path: string, file: ParsedSqlFile): Promise<void> {
  if (!zeta) throw new Error('ZetaSQL server did not start (see the beforeAll error)');
  const analysis = await zeta.analyze(file);
  if (!analysis.ok) expect.fail(describeFailure(path, analysis));
}

// One suite for both, so it is never empty while sql/ holds only the schema. The schema files analyze as
// CREATE TABLE statements (PARTITION BY / CLUSTER BY columns must exist); the catalog is built from them too.
describe('sql/ analyzes as BigQuery SQL against sql/schema', () => {
  for (const name of [...SCHEMA_FILES, ...QUERY_FILES]) {
    it(name, () => expectAnalyzes(`sql/${name}`, loadSqlFile(name)));
  }
});

// Each row schema of src/ is tied to its SQL: the zod object's keys are exactly the query's output columns, and
// each field's type can hold what the column returns (DATE as a 'YYYY-MM-DD' string, TIMESTAMP as a Date,
// INT64/FLOAT64 as a number). The queries are every check's and every QueryDef a module of src/ exports; a
// module that calls defineQuery must export each query it defines, or it is not checked (a test below says so).
const SRC_DIR = fileURLToPath(new URL('../../src/', import.meta.url));

/**
 * Queries whose row schema legitimately reads only some of the output columns (zod drops the others), by
 * `<module>: <file>`: exactly the columns it leaves out, and why. Any other difference still fails.
 */
const UNREAD_COLUMNS: Record<string, { readonly columns: readonly string[]; readonly reason: string }> = {
  'src/jobs/circuit_breakers.ts: checks/circuit_breakers.sql': {
    columns: ['notes'],
    reason:
      "the query also serves the dashboard's breaker list, which shows the notes; the check's findings do not",
  },
  'src/dashboard/data.ts: checks/circuit_breakers.sql': {
    columns: ['completeness_pct', 'last_attempt_at'],
    reason: "the breaker list reuses the check's query (the same rules for what is active) and shows neither",
  },
};

interface DefinedQuery {
  /** e.g. `src/jobs/scraper_gaps.ts: checks/scraper_gaps.sql` */
  readonly where: string;
  readonly def: QueryDef<unknown>;
}

const isQueryDef = (v: unknown): v is QueryDef<unknown> =>
  typeof v === 'object' &&
  v !== null &&
  'file' in v &&
  typeof v.file === 'string' &&
  'row' in v &&
  v.row instanceof z.ZodType;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Each module of src/ that calls defineQuery, with how many times it does and the queries it exports. */
async function queryModules() {
  const modules = sourceFiles(SRC_DIR).flatMap((path) => {
    const calls = readFileSync(path, 'utf8').match(/\bdefineQuery\(/g)?.length ?? 0;
    return calls > 0 ? [{ path, module: relative(join(SRC_DIR, '..'), path), calls }] : [];
  });
  return Promise.all(
    modules.map(async (m) => {
      const exports: Record<string, unknown> = await import(m.path);
      const defs = new Set<QueryDef<unknown>>();
      for (const value of Object.values(exports)) {
        if (isQueryDef(value)) defs.add(value);
        else if (typeof value === 'object' && value !== null && 'query' in value && isQueryDef(value.query))
          defs.add(value.query); // a check
      }
      return { ...m, defs: [...defs] };
    }),
  );
}

const QUERY_MODULES = await queryModules();
const DEFINED: DefinedQuery[] = QUERY_MODULES.flatMap((m) =>
  m.defs.map((def) => ({ where: `${m.module}: ${def.file}`, def })),
);

/** The zod type under nullable/optional/default, by its kind ('string', 'number', 'date', ...). */
function zodKind(schema: z.ZodType): { kind: string; int: boolean; element?: z.ZodType } {
  let t = schema as z.ZodType & {
    _zod: { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } };
  };
  while (['nullable', 'optional', 'default'].includes(t._zod.def.type)) t = t._zod.def.innerType as typeof t;
  const int = t instanceof z.ZodNumber && Boolean(t.isInt);
  return { kind: t._zod.def.type, int, ...(t._zod.def.element ? { element: t._zod.def.element } : {}) };
}

/** Why a field of this zod type cannot hold a value of SQL type `type`, or undefined when it can. */
function typeMismatch(schema: z.ZodType, type: string): string | undefined {
  const { kind, int, element } = zodKind(schema);
  const fits: Record<string, (t: string) => boolean> = {
    string: (t) => t === 'STRING' || t === 'DATE',
    enum: (t) => t === 'STRING',
    literal: (t) => t === 'STRING',
    number: (t) => (int ? t === 'INT64' : ['INT64', 'FLOAT64', 'NUMERIC', 'BIGNUMERIC'].includes(t)),
    boolean: (t) => t === 'BOOL',
    date: (t) => t === 'TIMESTAMP',
    unknown: () => true,
    any: () => true,
  };
  if (kind === 'array') {
    const inner = /^ARRAY<(.+)>$/.exec(type)?.[1];
    if (!inner || !element) return `z.array(...) for a ${type} column`;
    return typeMismatch(element, inner);
  }
  const holds = fits[kind];
  if (!holds) return `a z.${kind}() field, which this test does not know how to compare`;
  return holds(type) ? undefined : `z.${kind}()${int ? '.int()' : ''} for a ${type} column`;
}

/** Missing and extra keys, and mistyped fields, of a row schema against the query's output columns. */
function rowSchemaProblems(row: z.ZodType, columns: readonly OutputColumn[]): string[] {
  if (!(row instanceof z.ZodObject)) return ['the row schema is not a z.object'];
  const shape = row.shape as Record<string, z.ZodType>;
  const names = columns.map((c) => c.name);
  const problems = [
    ...names.filter((n) => !(n in shape)).map((n) => `column ${n} is not in the row schema`),
    ...Object.keys(shape)
      .filter((k) => !names.includes(k))
      .map((k) => `row schema key ${k} is not an output column`),
  ];
  for (const c of columns) {
    const field = shape[c.name];
    const why = field && typeMismatch(field, c.type);
    if (why) problems.push(`${c.name}: ${why}`);
  }
  return problems;
}

describe('row schemas match their query output (ZetaSQL output columns)', () => {
  it('finds the queries: every module calling defineQuery exports each query it defines', () => {
    const unexported = QUERY_MODULES.filter((m) => m.defs.length !== m.calls).map(
      (m) =>
        `${m.module} calls defineQuery ${m.calls} times but exports ${m.defs.length} queries (or checks)`,
    );
    expect(unexported, 'export each query so its row schema is checked here').toEqual([]);
    // And every query file but DML (sql/actions, a recovery's UPDATE) has a row schema checked here.
    const read = new Set<string>(DEFINED.map((q) => q.def.file));
    const dml = (f: string) => /^(UPDATE|MERGE|INSERT|DELETE)\b/m.test(loadSqlFile(f).text);
    expect(QUERY_FILES.filter((f) => !f.startsWith('actions/') && !dml(f) && !read.has(f))).toEqual([]);
  });

  it('every listed exception still names a query', () => {
    const known = new Set(DEFINED.map((q) => q.where));
    expect(Object.keys(UNREAD_COLUMNS).filter((w) => !known.has(w))).toEqual([]);
  });

  it('reports missing, extra and mistyped fields (the comparison can fail)', () => {
    const columns = [
      { name: 'id', type: 'STRING' },
      { name: 'day', type: 'DATE' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'n', type: 'FLOAT64' },
      { name: 'tags', type: 'ARRAY<INT64>' },
    ];
    const row = z.object({
      id: z.string(),
      day: z.date(),
      at: z.date().nullable(),
      n: z.number().int(),
      tags: z.array(z.string()),
      extra: z.boolean(),
    });
    expect(rowSchemaProblems(row, columns)).toEqual([
      'row schema key extra is not an output column',
      'day: z.date() for a DATE column',
      'n: z.number().int() for a FLOAT64 column',
      'tags: z.string() for a INT64 column',
    ]);
    expect(
      rowSchemaProblems(row.omit({ extra: true }).extend({ day: z.string() }), columns.slice(0, 3)),
    ).toEqual(['row schema key n is not an output column', 'row schema key tags is not an output column']);
  });

  for (const { where, def } of DEFINED) {
    it(where, async () => {
      if (!zeta) throw new Error('ZetaSQL server did not start (see the beforeAll error)');
      const analysis = await zeta.analyze(loadSqlFile(def.file));
      if (!analysis.ok) return expect.fail(describeFailure(`sql/${def.file}`, analysis));
      if (!analysis.columns) return expect.fail(`sql/${def.file} is not a query (${analysis.statement})`);
      const unread = UNREAD_COLUMNS[where]?.columns ?? [];
      expect(
        rowSchemaProblems(def.row, analysis.columns),
        `${where}: the row schema and the query's output differ (UNREAD_COLUMNS lists the columns a schema may leave out)`,
      ).toEqual(unread.map((c) => `column ${c} is not in the row schema`));
    });
  }
});

describe('ZetaSQL catches mistakes (test/fixtures/sql-bad)', () => {
  it('has an expectation for every fixture file and a file for every expectation', () => {
    const files = readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.sql'));
    expect(files.sort()).toEqual(Object.keys(FIXTURES).sort());
  });

  for (const [name, expected] of Object.entries(FIXTURES)) {
    const path = `test/fixtures/sql-bad/${name}`;
    it(expected ? `rejects ${name}` : `accepts ${name}`, async () => {
      if (!expected) return expectAnalyzes(path, loadSqlFile(name, FIXTURE_DIR));
      const analysis = await zeta?.analyze(loadSqlFile(name, FIXTURE_DIR));
      if (!analysis || analysis.ok)
        return expect.fail(`${path}: expected ZetaSQL to reject it, but it analyzed`);
      expect(analysis.message, describeFailure(path, analysis)).toMatch(expected.error);
      expect(analysis.line, describeFailure(path, analysis)).toBe(expected.line);
    });
  }
});
