import { isPunct, isTrivia, isWord, SqlSyntaxError, type Token, tokenize } from './sql-tokens.js';

/**
 * BigQuery Standard SQL → DuckDB SQL, for the project's documented subset (sql/README.md).
 *
 * Pure and token-aware: literals and comments are never rewritten (string literals are re-encoded in
 * DuckDB's quoting, with the same value). Every construct whose meaning differs between the engines is
 * either rewritten to DuckDB's spelling of the same meaning, or refused with a RewriteError, so a query
 * that rewrites gives the same rows on both engines. Inline rewrites rather than macros: the result is one
 * self-contained statement that any connection can prepare.
 *
 * The DuckDB session must run with `SET TimeZone='UTC'` (BigQuery's default zone), which the adapter does.
 */
export class RewriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RewriteError';
  }
}

/**
 * Session settings the rewritten SQL relies on, run as `SET GLOBAL` when the warehouse opens so every
 * connection has them: BigQuery's default time zone, and its NULL ordering (first when ascending, last when
 * descending; DuckDB's default puts them last both ways), which also applies to window and aggregate ORDER BY.
 */
export const DUCKDB_SESSION_SETTINGS: Readonly<Record<string, string>> = {
  TimeZone: 'UTC',
  default_null_order: 'nulls_first_on_asc_last_on_desc',
};

type Range = readonly [number, number];

/** BigQuery column/param type → DuckDB type. */
export function duckDbType(bigQueryType: string): string {
  const upper = bigQueryType.trim().toUpperCase();
  const array = /^ARRAY\s*<(.+)>$/.exec(upper);
  if (array?.[1]) return `${duckDbType(array[1])}[]`;
  const mapped = TYPE_MAP[upper];
  if (!mapped) throw new RewriteError(`type ${bigQueryType} is outside the supported subset`);
  return mapped;
}

const TYPE_MAP: Record<string, string> = {
  INT64: 'BIGINT',
  INTEGER: 'BIGINT',
  FLOAT64: 'DOUBLE',
  NUMERIC: 'DECIMAL(38,9)',
  STRING: 'VARCHAR',
  BOOL: 'BOOLEAN',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMPTZ',
  DATETIME: 'TIMESTAMP',
  DATE: 'DATE',
  JSON: 'JSON',
  BYTES: 'BLOB',
};

const DATE_UNITS = new Set(['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR']);
const TIME_UNITS = new Set(['MICROSECOND', 'MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY']);
// WEEK is Sunday-based in BigQuery and ISO (Monday) in DuckDB: refused rather than silently different.
const DATE_DIFF_PARTS = new Set(['DAY', 'MONTH', 'QUARTER', 'YEAR']);
/** TIMESTAMP_TRUNC parts of a fixed length, in microseconds. */
const FIXED_TRUNC_MICROS: Readonly<Record<string, number>> = {
  millisecond: 1_000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
};

const TRUNC_PARTS = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'MONTH',
  'QUARTER',
  'YEAR',
]);
const EXTRACT_PARTS = new Set([
  'MICROSECOND',
  'MILLISECOND',
  'SECOND',
  'MINUTE',
  'HOUR',
  'DAY',
  'DAYOFYEAR',
  'MONTH',
  'QUARTER',
  'YEAR',
  'ISOYEAR',
]);

/** Plain renames: same arguments, same meaning, different name. */
const RENAMES: Record<string, string> = {
  LOGICAL_OR: 'bool_or',
  LOGICAL_AND: 'bool_and',
  REGEXP_CONTAINS: 'regexp_matches',
  ARRAY_LENGTH: 'len',
  JSON_VALUE: 'json_extract_string',
  JSON_EXTRACT_SCALAR: 'json_extract_string',
  JSON_QUERY: 'json_extract',
  PERCENTILE_CONT: 'quantile_cont',
  COUNTIF: 'count_if',
};

class Rewriter {
  constructor(private readonly toks: readonly Token[]) {}

  private next(i: number, to: number): number {
    let j = i;
    while (j < to && isTrivia(this.toks[j])) j++;
    return j;
  }

  private prev(i: number): Token | undefined {
    let j = i - 1;
    while (j >= 0 && isTrivia(this.toks[j])) j--;
    return this.toks[j];
  }

  private close(open: number, to: number): number {
    let depth = 0;
    for (let j = open; j < to; j++) {
      const t = this.toks[j];
      if (isPunct(t, '(') || isPunct(t, '[')) depth++;
      else if (isPunct(t, ')') || isPunct(t, ']')) {
        depth--;
        if (depth === 0) return j;
      }
    }
    throw new SqlSyntaxError('unbalanced parentheses');
  }

  /** Indexes of depth-0 tokens in [from, to) matching `pred`. */
  private topLevel(range: Range, pred: (t: Token) => boolean): number[] {
    const hits: number[] = [];
    let depth = 0;
    for (let j = range[0]; j < range[1]; j++) {
      const t = this.toks[j] as Token;
      if (isPunct(t, '(') || isPunct(t, '[')) depth++;
      else if (isPunct(t, ')') || isPunct(t, ']')) depth--;
      else if (depth === 0 && pred(t)) hits.push(j);
    }
    return hits;
  }

  private split(range: Range): Range[] {
    const commas = this.topLevel(range, (t) => isPunct(t, ','));
    const bounds = [range[0] - 1, ...commas, range[1]];
    if (this.sig(range).length === 0) return [];
    return bounds.slice(1).map((end, k) => [(bounds[k] as number) + 1, end] as const);
  }

  private sig(range: Range): Token[] {
    return this.toks.slice(range[0], range[1]).filter((t) => !isTrivia(t));
  }

  /** A range holding a single keyword (a date part, a unit), upper-cased. */
  private keyword(range: Range | undefined, what: string, allowed: Set<string>): string {
    const sig = range ? this.sig(range) : [];
    const word = sig.length === 1 && sig[0]?.kind === 'word' ? sig[0].text.toUpperCase() : undefined;
    if (!word || !allowed.has(word)) {
      throw new RewriteError(`${what}: expected one of ${[...allowed].join(', ')}`);
    }
    return word;
  }

  /** `INTERVAL n UNIT` as a function argument → [n as DuckDB SQL, UNIT]. */
  private interval(range: Range | undefined, fn: string, units: Set<string>): [string, string] {
    const idx = range ? this.topLevel(range, (t) => t.kind !== 'ws' && t.kind !== 'comment') : [];
    const first = idx[0];
    const last = idx[idx.length - 1];
    if (
      !range ||
      first === undefined ||
      last === undefined ||
      !isWord(this.toks[first], 'INTERVAL') ||
      this.sig([first + 1, last]).length === 0
    ) {
      throw new RewriteError(`${fn}: the second argument must be INTERVAL n UNIT`);
    }
    const unit = this.keyword([last, last + 1], `${fn} unit`, units);
    return [this.emit([first + 1, last]).trim(), unit];
  }

  private args(range: Range, fn: string, min: number, max: number): string[] {
    const parts = this.split(range);
    if (parts.length < min || parts.length > max) {
      throw new RewriteError(`${fn} takes ${min === max ? min : `${min} to ${max}`} arguments here`);
    }
    return parts.map((r) => this.emit(r).trim());
  }

  private cast(range: Range, fn: string): string {
    const as = this.topLevel(range, (t) => isWord(t, 'AS')).pop();
    if (as === undefined) throw new RewriteError(`${fn} needs AS type`);
    const typeText = this.sig([as + 1, range[1]])
      .map((t) => t.text)
      .join('');
    return `${fn === 'SAFE_CAST' ? 'TRY_CAST' : 'CAST'}(${this.emit([range[0], as]).trim()} AS ${duckDbType(typeText)})`;
  }

  /** ARRAY_AGG / STRING_AGG with BigQuery's in-call modifiers: IGNORE NULLS, ORDER BY, LIMIT. */
  private aggregate(range: Range, fn: 'ARRAY_AGG' | 'STRING_AGG'): string {
    const mods = this.topLevel(range, (t) =>
      ['IGNORE', 'RESPECT', 'ORDER', 'LIMIT'].some((w) => isWord(t, w)),
    );
    const bodyEnd = mods[0] ?? range[1];
    const modAt = (w: string) => mods.find((j) => isWord(this.toks[j], w));
    const endOf = (j: number) => mods.find((k) => k > j) ?? range[1];
    const ignore = modAt('IGNORE');
    const order = modAt('ORDER');
    const limit = modAt('LIMIT');
    if (modAt('RESPECT') !== undefined) throw new RewriteError(`${fn}: RESPECT NULLS is not supported`);
    const orderBy = order === undefined ? '' : ` ${this.emit([order, endOf(order)]).trim()}`;
    const limitN = limit === undefined ? undefined : this.emit([limit + 1, endOf(limit)]).trim();
    const parts = this.split([range[0], bodyEnd]).map((r) => this.emit(r).trim());
    const value = parts[0];
    if (value === undefined) throw new RewriteError(`${fn} needs an argument`);
    const distinct = /^DISTINCT\s/i.test(value);
    const bare = distinct ? value.replace(/^DISTINCT\s+/i, '') : value;
    if (fn === 'STRING_AGG') {
      const sep = parts[1] ?? "','";
      if (parts.length > 2) throw new RewriteError('STRING_AGG takes 1 or 2 arguments');
      if (limitN === undefined) return `string_agg(${value}, ${sep}${orderBy})`;
      return `array_to_string(list_slice(array_agg(${value}${orderBy}) FILTER (WHERE (${bare}) IS NOT NULL), 1, ${limitN}), ${sep})`;
    }
    if (parts.length > 1) throw new RewriteError('ARRAY_AGG takes 1 argument');
    const filter = ignore === undefined ? '' : ` FILTER (WHERE (${bare}) IS NOT NULL)`;
    const agg = `array_agg(${value}${orderBy})${filter}`;
    if (limitN !== undefined && this.followedByOver) {
      throw new RewriteError('ARRAY_AGG with LIMIT cannot be used as a window function');
    }
    return limitN === undefined ? agg : `list_slice(${agg}, 1, ${limitN})`;
  }

  private followedByOver = false;

  private extract(range: Range): string {
    const from = this.topLevel(range, (t) => isWord(t, 'FROM'))[0];
    if (from === undefined) throw new RewriteError('EXTRACT needs part FROM expression');
    const part = this.keyword(
      [range[0], from],
      'EXTRACT part',
      new Set([...EXTRACT_PARTS, 'DATE', 'DAYOFWEEK']),
    );
    const at = this.topLevel([from + 1, range[1]], (t) => isWord(t, 'AT'))[0];
    let value = this.emit([from + 1, at ?? range[1]]).trim();
    if (at !== undefined) {
      const zone = this.toks.slice(at, range[1]);
      const zi = zone.findIndex((t) => isWord(t, 'ZONE'));
      if (zi < 0) throw new RewriteError('EXTRACT: expected AT TIME ZONE');
      value = `timezone(${this.emit([at + zi + 1, range[1]]).trim()}, ${value})`;
    }
    if (part === 'DATE') return `CAST(${value} AS DATE)`;
    // BigQuery numbers Sunday as 1, DuckDB's DOW as 0.
    if (part === 'DAYOFWEEK') return `(EXTRACT(DOW FROM ${value}) + 1)`;
    return `EXTRACT(${part} FROM ${value})`;
  }

  private call(name: string, range: Range): string | undefined {
    const a = (min: number, max = min) => this.args(range, name, min, max);
    switch (name) {
      case 'DATE_ADD':
      case 'DATE_SUB': {
        const parts = this.split(range);
        if (parts.length !== 2) throw new RewriteError(`${name} takes 2 arguments`);
        const d = this.emit(parts[0] as Range).trim();
        const [n, unit] = this.interval(parts[1], name, DATE_UNITS);
        // DuckDB's DATE ± INTERVAL is a TIMESTAMP; BigQuery's DATE_ADD stays a DATE.
        return `CAST((${d}) ${name === 'DATE_ADD' ? '+' : '-'} INTERVAL (${n}) ${unit} AS DATE)`;
      }
      case 'TIMESTAMP_ADD':
      case 'TIMESTAMP_SUB': {
        const parts = this.split(range);
        if (parts.length !== 2) throw new RewriteError(`${name} takes 2 arguments`);
        const ts = this.emit(parts[0] as Range).trim();
        const [n, unit] = this.interval(parts[1], name, TIME_UNITS);
        return `((${ts}) ${name === 'TIMESTAMP_ADD' ? '+' : '-'} INTERVAL (${n}) ${unit})`;
      }
      case 'DATE_DIFF':
      case 'TIMESTAMP_DIFF': {
        const parts = this.split(range);
        if (parts.length !== 3) throw new RewriteError(`${name} takes 3 arguments`);
        const [x, y] = [this.emit(parts[0] as Range).trim(), this.emit(parts[1] as Range).trim()];
        if (name === 'DATE_DIFF') {
          // Both count part boundaries crossed; BigQuery's order is (end, start).
          const part = this.keyword(parts[2], 'DATE_DIFF part', DATE_DIFF_PARTS);
          return `date_diff('${part.toLowerCase()}', ${y}, ${x})`;
        }
        // TIMESTAMP_DIFF counts whole elapsed parts, which is DuckDB's date_sub, not date_diff.
        const part = this.keyword(parts[2], 'TIMESTAMP_DIFF part', TIME_UNITS);
        return `date_sub('${part.toLowerCase()}', ${y}, ${x})`;
      }
      case 'SAFE_DIVIDE': {
        const [x, y] = a(2);
        return `(CASE WHEN (${y}) = 0 THEN NULL ELSE (${x}) / (${y}) END)`;
      }
      case 'EXTRACT':
        return this.extract(range);
      case 'DATE': {
        const args = a(1, 3);
        if (args.length === 1) return `CAST(${args[0]} AS DATE)`;
        if (args.length === 2) return `CAST(timezone(${args[1]}, ${args[0]}) AS DATE)`;
        return `make_date(${args.join(', ')})`;
      }
      case 'TIMESTAMP': {
        const args = a(1, 2);
        if (args.length === 1) return `CAST(${args[0]} AS TIMESTAMPTZ)`;
        return `timezone(${args[1]}, CAST(${args[0]} AS TIMESTAMP))`;
      }
      case 'DATETIME': {
        const args = a(1, 2);
        if (args.length === 1) return `CAST(${args[0]} AS TIMESTAMP)`;
        return `timezone(${args[1]}, ${args[0]})`;
      }
      case 'FORMAT_DATE': {
        const [fmt, d] = a(2);
        return `strftime(${d}, ${fmt})`;
      }
      case 'FORMAT_TIMESTAMP': {
        const [fmt, ts, tz] = a(2, 3);
        return `strftime(${tz ? `timezone(${tz}, ${ts})` : ts}, ${fmt})`;
      }
      case 'DATE_TRUNC': {
        const parts = this.split(range);
        if (parts.length !== 2) throw new RewriteError('DATE_TRUNC takes 2 arguments');
        const part = this.keyword(parts[1], 'DATE_TRUNC part', DATE_DIFF_PARTS);
        return `CAST(date_trunc('${part.toLowerCase()}', ${this.emit(parts[0] as Range).trim()}) AS DATE)`;
      }
      case 'TIMESTAMP_TRUNC': {
        const parts = this.split(range);
        if (parts.length < 2 || parts.length > 3)
          throw new RewriteError('TIMESTAMP_TRUNC takes 2 or 3 arguments');
        const part = this.keyword(parts[1], 'TIMESTAMP_TRUNC part', TRUNC_PARTS).toLowerCase();
        const ts = this.emit(parts[0] as Range).trim();
        // Units of fixed length truncate on the epoch, as BigQuery does (UTC): the same instant as date_trunc
        // in the UTC session, without its calendar arithmetic per row (~4x faster; the season replay groups
        // weeks of timestamps by hour in every source_freshness run).
        const micros = FIXED_TRUNC_MICROS[part];
        if (!parts[2] && micros !== undefined) {
          // Floored, not truncated toward zero, so an instant before 1970 goes down too.
          const us = `epoch_us(${ts})`;
          return `make_timestamptz(${us} - ((${us} % ${micros}) + ${micros}) % ${micros})`;
        }
        if (!parts[2]) return `date_trunc('${part}', ${ts})`;
        const tz = this.emit(parts[2]).trim();
        return `timezone(${tz}, date_trunc('${part}', timezone(${tz}, ${ts})))`;
      }
      case 'CAST':
      case 'SAFE_CAST':
        return this.cast(range, name);
      case 'ARRAY_AGG':
      case 'STRING_AGG':
        return this.aggregate(range, name);
      case 'GENERATE_DATE_ARRAY': {
        const parts = this.split(range);
        if (parts.length < 2 || parts.length > 3)
          throw new RewriteError('GENERATE_DATE_ARRAY takes 2 or 3 arguments');
        const [from, to] = [this.emit(parts[0] as Range).trim(), this.emit(parts[1] as Range).trim()];
        const [n, unit] = parts[2] ? this.interval(parts[2], name, DATE_UNITS) : ['1', 'DAY'];
        return `list_transform(generate_series(CAST(${from} AS TIMESTAMP), CAST(${to} AS TIMESTAMP), INTERVAL (${n}) ${unit}), lambda d: CAST(d AS DATE))`;
      }
      case 'CONCAT': {
        // DuckDB's concat() skips NULLs; BigQuery's CONCAT is NULL when any argument is, like ||.
        return `(${a(1, 100)
          .map((x) => `(${x})`)
          .join(' || ')})`;
      }
      case 'GREATEST':
      case 'LEAST': {
        // DuckDB ignores NULL arguments; BigQuery returns NULL when any argument is NULL.
        const args = a(1, 100);
        const anyNull = args.map((x) => `(${x}) IS NULL`).join(' OR ');
        return `(CASE WHEN ${anyNull} THEN NULL ELSE ${name.toLowerCase()}(${args.join(', ')}) END)`;
      }
      case 'SPLIT': {
        const [s, sep] = a(1, 2);
        return `string_split(${s}, ${sep ?? "','"})`;
      }
      case 'TO_JSON_STRING':
        return `CAST(to_json(${a(1)[0]}) AS VARCHAR)`;
      case 'OFFSET':
      case 'SAFE_OFFSET':
        return `(${a(1)[0]}) + 1`;
      case 'ORDINAL':
      case 'SAFE_ORDINAL':
        return `${a(1)[0]}`;
      default: {
        const renamed = RENAMES[name];
        return renamed ? `${renamed}(${this.emit(range)})` : undefined;
      }
    }
  }

  emit(range: Range): string {
    const out: string[] = [];
    const toks = this.toks;
    let i = range[0];
    while (i < range[1]) {
      const t = toks[i] as Token;
      switch (t.kind) {
        case 'string':
          out.push(`'${(t.value ?? '').replaceAll("'", "''")}'`);
          break;
        case 'backtick':
          out.push(quoteName(t.value ?? ''));
          break;
        case 'param':
          out.push(`$${t.value}`);
          break;
        case 'sysvar':
          throw new RewriteError(`system variable ${t.text} is not supported`);
        case 'word': {
          const consumed = this.word(t, i, range[1], out);
          if (consumed !== undefined) {
            i = consumed;
            continue;
          }
          out.push(t.text);
          break;
        }
        default:
          out.push(t.text);
      }
      i++;
    }
    return out.join('');
  }

  /** Handles a word token; returns the index after what it consumed, or undefined to copy it as is. */
  private word(t: Token, i: number, to: number, out: string[]): number | undefined {
    const up = t.text.toUpperCase();
    const toks = this.toks;
    const n = this.next(i + 1, to);
    const opensCall = isPunct(toks[n], '(');
    if (up === 'IN') {
      const u = n;
      const p = this.next(u + 1, to);
      if (isWord(toks[u], 'UNNEST') && isPunct(toks[p], '(')) {
        // `x IN UNNEST(arr)` parses in DuckDB but means something else: make it a subquery.
        const c = this.close(p, to);
        out.push(`IN (SELECT UNNEST(${this.emit([p + 1, c])}))`);
        return c + 1;
      }
      return undefined;
    }
    if (up === 'UNNEST' && opensCall) {
      const c = this.close(n, to);
      out.push(`UNNEST(${this.emit([n + 1, c])})`);
      const as = this.next(c + 1, to);
      const alias = this.next(as + 1, to);
      if (isWord(toks[as], 'AS') && toks[alias]?.kind === 'word') {
        // BigQuery's alias names the element; in DuckDB it would name the table, so name the column too.
        const after = this.next(alias + 1, to);
        if (isWord(toks[after], 'WITH')) throw new RewriteError('UNNEST ... WITH OFFSET is not supported');
        const name = toks[alias]?.text;
        out.push(` AS ${name}(${name})`);
        return alias + 1;
      }
      if (isWord(toks[as], 'WITH')) throw new RewriteError('UNNEST ... WITH OFFSET is not supported');
      return c + 1;
    }
    if (opensCall) {
      const c = this.close(n, to);
      if ((up === 'OFFSET' || up === 'ORDINAL' || up.startsWith('SAFE_O')) && !isPunct(this.prev(i), '[')) {
        return undefined;
      }
      const saved = this.followedByOver;
      this.followedByOver = isWord(toks[this.next(c + 1, to)], 'OVER');
      const replaced = this.call(up, [n + 1, c]);
      this.followedByOver = saved;
      if (replaced !== undefined) {
        out.push(replaced);
        return c + 1;
      }
      return undefined;
    }
    if (up === 'INTERVAL') {
      // BigQuery: INTERVAL @n DAY; DuckDB needs the count parenthesized when it is not a literal.
      const unit = this.next(n + 1, to);
      if ((toks[n]?.kind === 'param' || toks[n]?.kind === 'number') && toks[unit]?.kind === 'word') {
        out.push(`INTERVAL (${this.emit([n, n + 1])}) ${toks[unit]?.text.toUpperCase()}`);
        return unit + 1;
      }
      return undefined;
    }
    if (up === 'TIMESTAMP' && toks[n]?.kind === 'string') {
      out.push('TIMESTAMPTZ');
      return i + 1;
    }
    if (up === 'EXCEPT' && isPunct(this.prev(i), '*')) {
      out.push('EXCLUDE');
      return i + 1;
    }
    return undefined;
  }
}

function quoteName(name: string): string {
  return name
    .split('.')
    .map((part) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(part) ? part : `"${part.replaceAll('"', '""')}"`))
    .join('.');
}

/** Rewrites one BigQuery statement of the supported subset into DuckDB SQL with `$name` parameters. */
export function rewriteForDuckDb(sql: string): string {
  const toks = tokenize(sql);
  return new Rewriter(toks).emit([0, toks.length]);
}
