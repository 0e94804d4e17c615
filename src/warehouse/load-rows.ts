import { columnValue } from './duckdb-values.js';
import type { TableSchema } from './schema.js';

/** A problem in an input file, located as `file:line`. */
export class LoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadError';
  }
}

type Row = Record<string, unknown>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The file's text, refused with `file:line` when it is not valid UTF-8: a stray byte (0xFF, a Latin-1
 * export) would otherwise become U+FFFD, and stored data must never change without a word.
 */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    let line = 1;
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i < bytes.length && bytes[i] !== 0x0a) continue;
      try {
        strictUtf8.decode(bytes.subarray(start, i));
      } catch {
        const bad = bytes.subarray(start, i).findIndex((b) => b >= 0x80);
        const hex = (bytes[start + Math.max(bad, 0)] ?? 0).toString(16).toUpperCase().padStart(2, '0');
        throw new LoadError(`${file}:${line}: not valid UTF-8 (byte 0x${hex}); re-export the file as UTF-8`);
      }
      line++;
      start = i + 1;
    }
    throw new LoadError(`${file}: not valid UTF-8; re-export the file as UTF-8`);
  }
}

// A UTF-16 surrogate without its pair: JSON's "\ud800" escape parses to one, and no UTF-8 text can hold it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first lone surrogate in a value (strings, and the keys and strings of JSON values), if any. */
function loneSurrogate(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const m = LONE_SURROGATE.exec(value);
    return m ? `\\u${m[0].charCodeAt(0).toString(16)}` : undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const found = loneSurrogate(k) ?? loneSurrogate(v);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * RFC 4180 CSV: a header line of column names, quoted fields with "" escapes and embedded newlines.
 * Hand-written (≈40 lines) because csv-parse is only a dev dependency. An empty unquoted field is NULL,
 * as in BigQuery's CSV export; a quoted empty field is the empty string.
 */
export function parseCsv(file: string, text: string): { rows: Row[]; lines: number[] } {
  const records: { fields: (string | null)[]; line: number }[] = [];
  let fields: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(quoted || field !== '' ? field : null);
    field = '';
    quoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inQuotes) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') inQuotes = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') {
      inQuotes = true;
      quoted = true;
    } else if (c === ',') endField();
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endField();
      if (!(fields.length === 1 && fields[0] === null)) records.push({ fields, line: recordLine });
      fields = [];
      line++;
      recordLine = line;
    } else if (c === '"') throw new LoadError(`${file}:${line}: stray quote inside an unquoted field`);
    else field += c;
  }
  if (inQuotes) throw new LoadError(`${file}:${recordLine}: unterminated quoted field`);
  endField();
  if (!(fields.length === 1 && fields[0] === null)) records.push({ fields, line: recordLine });
  const [header, ...body] = records;
  if (!header) throw new LoadError(`${file}:1: empty file (expected a header line of column names)`);
  const names = header.fields.map((f) => f ?? '');
  const rows = body.map(({ fields: values, line: at }) => {
    if (values.length !== names.length) {
      throw new LoadError(`${file}:${at}: ${values.length} fields, but the header has ${names.length}`);
    }
    return Object.fromEntries(names.map((n, k) => [n, values[k]]));
  });
  return { rows, lines: body.map((r) => r.line) };
}

/** Newline-delimited JSON (BigQuery's JSON export): one object per line; blank lines are skipped. */
export function parseNdjson(file: string, text: string): { rows: Row[]; lines: number[] } {
  const rows: Row[] = [];
  const lines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new LoadError(`${file}:${i + 1}: malformed JSON (${(e as Error).message})`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new LoadError(`${file}:${i + 1}: expected one JSON object per line`);
    }
    rows.push(value as Row);
    lines.push(i + 1);
  });
  return { rows, lines };
}

/**
 * Checks every row against the table's columns and types, so a bad value is reported as `file:line` before
 * anything is written. JSON columns given as text (CSV, or BigQuery's export of JSON columns) are parsed.
 */
export function checkRows(
  file: string,
  table: TableSchema,
  rows: Row[],
  lines: readonly number[],
  csv: boolean,
): Row[] {
  const columns = new Map(table.columns.map((c) => [c.name, c]));
  return rows.map((row, r) => {
    const at = `${file}:${lines[r] ?? r + 1}`;
    const unknown = Object.keys(row).filter((k) => !columns.has(k));
    if (unknown.length > 0) {
      throw new LoadError(
        `${at}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in ${table.fullName} (columns: ${[...columns.keys()].join(', ')})`,
      );
    }
    const out: Row = {};
    for (const column of table.columns) {
      let value = row[column.name];
      if (column.type === 'JSON' && typeof value === 'string' && (csv || /^\s*[[{]/.test(value))) {
        try {
          value = JSON.parse(value);
        } catch {
          throw new LoadError(`${at}: column ${column.name}: not valid JSON`);
        }
      }
      const surrogate = loneSurrogate(value);
      if (surrogate) {
        throw new LoadError(
          `${at}: column ${column.name}: invalid text, a lone surrogate ${surrogate} that UTF-8 cannot store`,
        );
      }
      if ((value === null || value === undefined) && !column.nullable) {
        throw new LoadError(`${at}: column ${column.name} is required (NOT NULL) but missing`);
      }
      try {
        columnValue(column.type, value);
      } catch (e) {
        throw new LoadError(`${at}: column ${column.name}: ${(e as Error).message}`);
      }
      out[column.name] = value ?? null;
    }
    return out;
  });
}
