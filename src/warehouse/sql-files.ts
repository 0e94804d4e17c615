import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseByteSize } from './byte-size.js';
import { type ParamType, type ParsedSqlFile, SCALAR_PARAM_TYPES } from './port.js';

/** The project's `sql/` directory, found relative to this module in both `src/` and `dist/`. */
export const SQL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql');

// Each query file declares its parameters in its header, one per line:  `-- @param report_date DATE`.
// The header is the single source of truth for parameter types: the adapters use it to type
// BigQuery parameters, and the ZetaSQL test uses it to analyze the file.
const PARAM_LINE = /^--\s*@param\s+([a-z_][a-z0-9_]*)\s+([A-Z0-9<>]+)\s*$/i;
// A file may set its own BigQuery byte budget beside its parameters: `-- @max_bytes_billed 5GB` (README,
// "BigQuery guardrails"); without one the configured default applies.
const BUDGET_LINE = /^--\s*@max_bytes_billed\b(.*)$/i;

function parseParamType(raw: string, where: string): ParamType {
  const upper = raw.toUpperCase();
  const inner = /^ARRAY<(.+)>$/.exec(upper)?.[1];
  const scalar = inner ?? upper;
  if (!(SCALAR_PARAM_TYPES as readonly string[]).includes(scalar)) {
    throw new Error(
      `${where}: unknown parameter type ${raw} (use one of ${SCALAR_PARAM_TYPES.join(', ')} or ARRAY<...>)`,
    );
  }
  return (inner ? `ARRAY<${scalar}>` : scalar) as ParamType;
}

function parseBudget(raw: string, where: string, seen: number | undefined): number {
  if (seen !== undefined) throw new Error(`${where}: @max_bytes_billed is declared twice (keep one)`);
  const bytes = parseByteSize(raw);
  if (typeof bytes !== 'number') throw new Error(`${where}: @max_bytes_billed ${bytes.error}`);
  return bytes;
}

export function parseSqlFile(name: string, text: string): ParsedSqlFile {
  const params: Record<string, ParamType> = {};
  let maxBytesBilled: number | undefined;
  text.split('\n').forEach((line, i) => {
    const match = PARAM_LINE.exec(line.trim());
    if (match?.[1] && match[2]) params[match[1]] = parseParamType(match[2], `${name}:${i + 1}`);
    const budget = BUDGET_LINE.exec(line.trim());
    if (budget) maxBytesBilled = parseBudget(budget[1] ?? '', `${name}:${i + 1}`, maxBytesBilled);
  });
  return maxBytesBilled === undefined ? { name, text, params } : { name, text, params, maxBytesBilled };
}

const cache = new Map<string, ParsedSqlFile>();

/** Load `sql/<name>` once and keep it; files are part of the release, never edited at run time. */
export function loadSqlFile(name: string, sqlDir = SQL_DIR): ParsedSqlFile {
  const key = `${sqlDir}\0${name}`;
  let file = cache.get(key);
  if (!file) {
    file = parseSqlFile(name, readFileSync(join(sqlDir, name), 'utf8'));
    cache.set(key, file);
  }
  return file;
}

/** Every `.sql` file under `sql/<subdir>`, as names relative to `sql/`. */
export function listSqlFiles(subdir: string, sqlDir = SQL_DIR): string[] {
  const root = join(sqlDir, subdir);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.sql')) out.push(relative(sqlDir, path));
    }
  };
  walk(root);
  return out.sort();
}
