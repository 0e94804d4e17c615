// Every .sql of the project is analyzed by ZetaSQL (BigQuery's own analyzer) against a catalog built from
// sql/schema, with the parameter types its header declares: wrong columns, types and parameters fail here,
// offline, instead of in BigQuery at 3 a.m. The fixtures prove the check can fail.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedSqlFile } from '../../src/warehouse/port.js';
import { loadSchema } from '../../src/warehouse/schema.js';
import { listSqlFiles, loadSqlFile } from '../../src/warehouse/sql-files.js';
import { describeFailure, startZetaSql, type ZetaSql } from '../support/zetasql.js';

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
