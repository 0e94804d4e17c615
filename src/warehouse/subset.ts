import { parseSqlFile } from './sql-files.js';
import { isPunct, isTrivia, type Token, tokenize } from './sql-tokens.js';

/**
 * The SQL subset every file under sql/ (except sql/schema) keeps to, documented in sql/README.md: what runs
 * unchanged on BigQuery and, through rewriteForDuckDb, with the same meaning on DuckDB. Checked by
 * test/sql/subset.test.ts; token-based, so words inside strings and comments never count.
 */

/** Functions a query may call. Anything else is refused until it is added here, to the rewrite and its tests. */
export const ALLOWED_FUNCTIONS = new Set([
  // aggregates and window functions
  'COUNT',
  'COUNTIF',
  'SUM',
  'MIN',
  'MAX',
  'AVG',
  'ANY_VALUE',
  'LOGICAL_OR',
  'LOGICAL_AND',
  'ARRAY_AGG',
  'STRING_AGG',
  'ROW_NUMBER',
  'RANK',
  'DENSE_RANK',
  'LAG',
  'LEAD',
  'FIRST_VALUE',
  'LAST_VALUE',
  // conditionals and casts
  'IF',
  'IFNULL',
  'COALESCE',
  'NULLIF',
  'CAST',
  'SAFE_CAST',
  'GREATEST',
  'LEAST',
  // numbers
  'ROUND',
  'ABS',
  'FLOOR',
  'CEIL',
  'MOD',
  'SAFE_DIVIDE',
  // strings, JSON, arrays
  'CONCAT',
  'LOWER',
  'UPPER',
  'LENGTH',
  'TRIM',
  'SUBSTR',
  'REPLACE',
  'STARTS_WITH',
  'ENDS_WITH',
  'REGEXP_CONTAINS',
  'SPLIT',
  'JSON_VALUE',
  'JSON_QUERY',
  'TO_JSON_STRING',
  'ARRAY_LENGTH',
  'GENERATE_DATE_ARRAY',
  'UNNEST',
  'OFFSET',
  'ORDINAL',
  // dates and times
  'DATE',
  'TIMESTAMP',
  'DATETIME',
  'EXTRACT',
  'DATE_ADD',
  'DATE_SUB',
  'DATE_DIFF',
  'DATE_TRUNC',
  'TIMESTAMP_ADD',
  'TIMESTAMP_SUB',
  'TIMESTAMP_DIFF',
  'TIMESTAMP_TRUNC',
  'FORMAT_DATE',
  'FORMAT_TIMESTAMP',
]);

/** Keywords that may stand before "(" without being a function call. */
const KEYWORDS_BEFORE_PAREN = new Set([
  'IN',
  'EXISTS',
  'AS',
  'OVER',
  'VALUES',
  'USING',
  'ON',
  'AND',
  'OR',
  'NOT',
  'WHERE',
  'SELECT',
  'FROM',
  'JOIN',
  'BY',
  'THEN',
  'ELSE',
  'WHEN',
  'CASE',
  'IS',
  'BETWEEN',
  'ALL',
  'DISTINCT',
  'ANY',
  'UNION',
  'INTERSECT',
  'EXCEPT',
  'WITH',
  'HAVING',
  'QUALIFY',
  'SET',
  'INTO',
  'INSERT',
  'RETURN',
  'INTERVAL',
  'ARRAY',
  'STRUCT',
  'LIMIT',
]);

/** Non-deterministic or clock-reading functions: time and ids come in as parameters, so checks are reproducible. */
const FORBIDDEN_WORDS: Record<string, string> = {
  CURRENT_DATE: 'pass the date as a DATE parameter',
  CURRENT_TIMESTAMP: 'pass the time as a TIMESTAMP parameter (@now)',
  CURRENT_DATETIME: 'pass the time as a TIMESTAMP parameter (@now)',
  CURRENT_TIME: 'pass the time as a TIMESTAMP parameter (@now)',
  RAND: 'queries are deterministic',
  GENERATE_UUID: 'queries are deterministic',
  SESSION_USER: 'queries do not depend on the caller',
  EXECUTE: 'no dynamic SQL',
  DECLARE: 'no scripting: one statement per file',
  BEGIN: 'no scripting: one statement per file',
  CALL: 'no procedures',
};

const lineOf = (toks: readonly Token[], index: number) =>
  1 + toks.slice(0, index).reduce((n, t) => n + (t.text.match(/\n/g)?.length ?? 0), 0);

/** Every way `text` (a file under sql/, named `name`) leaves the subset, as "line N: why" messages. */
export function subsetViolations(name: string, text: string): string[] {
  const problems: string[] = [];
  let toks: Token[];
  try {
    toks = tokenize(text);
  } catch (e) {
    return [`cannot tokenize: ${(e as Error).message}`];
  }
  const sig = toks.map((t, i) => ({ t, i })).filter(({ t }) => !isTrivia(t));
  const report = (index: number, why: string) => problems.push(`line ${lineOf(toks, index)}: ${why}`);
  const used = new Set<string>();
  sig.forEach(({ t, i }, k) => {
    const next = sig[k + 1]?.t;
    const up = t.text.toUpperCase();
    if (t.kind === 'backtick') report(i, `backticked name ${t.text}: write dataset.table plainly`);
    if (t.kind === 'sysvar') report(i, `system variable ${t.text}`);
    if (t.kind === 'param') used.add(t.value ?? '');
    if (t.kind === 'word' && FORBIDDEN_WORDS[up]) report(i, `${up}: ${FORBIDDEN_WORDS[up]}`);
    else if (
      t.kind === 'word' &&
      isPunct(next, '(') &&
      !ALLOWED_FUNCTIONS.has(up) &&
      !KEYWORDS_BEFORE_PAREN.has(up)
    ) {
      // A CTE or alias column list (`name AS (`, `name (a, b) AS`) is not a call: only flag names not followed by AS.
      const prev = sig[k - 1]?.t;
      const isCteName = prev && (isPunct(prev, ',') || prev.text.toUpperCase() === 'WITH');
      if (!isCteName) report(i, `function ${up} is outside the supported subset (see sql/README.md)`);
    }
    if (t.kind === 'punct' && ['$', '{', '}', '%', '?'].includes(t.text)) {
      report(i, `"${t.text}" outside a string: SQL is never built from strings; use @parameters`);
    }
    if (isPunct(t, ';') && k !== sig.length - 1) report(i, 'one statement per file');
    // dataset.table only: a third part would be a project (or a struct field, which the schema has none of).
    if (
      t.kind === 'word' &&
      isPunct(next, '.') &&
      sig[k + 2]?.t.kind === 'word' &&
      isPunct(sig[k + 3]?.t, '.') &&
      !isPunct(sig[k - 1]?.t, '.')
    ) {
      report(i, `${t.text}.${sig[k + 2]?.t.text}.… has three parts: reference tables as dataset.table`);
    }
  });
  const declared = parseSqlFile(name, text).params;
  for (const param of Object.keys(declared)) {
    if (!used.has(param)) problems.push(`@${param} is declared but never used`);
  }
  for (const param of used) {
    if (!(param in declared))
      problems.push(`@${param} is used but not declared with "-- @param ${param} TYPE"`);
  }
  return problems;
}
