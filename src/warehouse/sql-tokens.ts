/**
 * A small BigQuery Standard SQL tokenizer for the rewrite layer. It only has to know where string
 * literals, comments, quoted names and parameters start and end, so a rewrite never touches text inside
 * a literal or a comment.
 */
export type TokenKind =
  | 'ws'
  | 'comment'
  | 'string' // value holds the decoded literal
  | 'backtick' // value holds the name between the backticks
  | 'param' // value holds the name without the @
  | 'sysvar' // @@name
  | 'word'
  | 'number'
  | 'punct';

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly value?: string;
}

export class SqlSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '`': '`',
  '?': '?',
};

function decodeEscapes(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|.)/gs, (_, e: string) => {
    if (e.length > 1) return String.fromCodePoint(Number.parseInt(e.slice(1), 16));
    const decoded = ESCAPES[e];
    if (decoded === undefined) throw new SqlSyntaxError(`unsupported escape \\${e} in a string literal`);
    return decoded;
  });
}

/** Reads a (possibly raw, possibly triple-quoted) string literal starting at `i`; returns its end. */
function readString(sql: string, start: number, bodyStart: number, raw: boolean): [number, string] {
  const quote = sql[bodyStart] as string;
  const triple = sql.startsWith(quote.repeat(3), bodyStart);
  const delim = triple ? quote.repeat(3) : quote;
  let i = bodyStart + delim.length;
  while (i < sql.length) {
    if (sql[i] === '\\') {
      i += 2;
      continue;
    }
    if (!triple && sql[i] === '\n') break;
    if (sql.startsWith(delim, i)) {
      const body = sql.slice(bodyStart + delim.length, i);
      return [i + delim.length, raw ? body : decodeEscapes(body)];
    }
    i++;
  }
  throw new SqlSyntaxError(`unterminated string literal at offset ${start}`);
}

export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const start = i;
    const rest = sql.slice(i, i + 2);
    if (/\s/.test(c)) {
      while (i < sql.length && /\s/.test(sql[i] as string)) i++;
      out.push({ kind: 'ws', text: sql.slice(start, i) });
    } else if (rest === '--' || c === '#') {
      while (i < sql.length && sql[i] !== '\n') i++;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (rest === '/*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SqlSyntaxError(`unterminated comment at offset ${start}`);
      i = end + 2;
      out.push({ kind: 'comment', text: sql.slice(start, i) });
    } else if (c === "'" || c === '"') {
      const [end, value] = readString(sql, start, i, false);
      i = end;
      out.push({ kind: 'string', text: sql.slice(start, i), value });
    } else if (/[rRbB]/.test(c) && /['"]/.test(sql[i + 1] ?? '')) {
      if (/[bB]/.test(c)) throw new SqlSyntaxError('bytes literals are not supported');
      const [end, value] = readString(sql, start, i + 1, true);
      i = end;
      out.push({ kind: 'string', text: sql.slice(start, i), value });
    } else if (c === '`') {
      const end = sql.indexOf('`', i + 1);
      if (end < 0) throw new SqlSyntaxError(`unterminated quoted name at offset ${start}`);
      i = end + 1;
      out.push({ kind: 'backtick', text: sql.slice(start, i), value: sql.slice(start + 1, end) });
    } else if (rest === '@@') {
      i += 2;
      while (i < sql.length && /\w/.test(sql[i] as string)) i++;
      out.push({ kind: 'sysvar', text: sql.slice(start, i) });
    } else if (c === '@') {
      i++;
      while (i < sql.length && /\w/.test(sql[i] as string)) i++;
      if (i === start + 1) throw new SqlSyntaxError(`lone @ at offset ${start}`);
      out.push({ kind: 'param', text: sql.slice(start, i), value: sql.slice(start + 1, i) });
    } else if (/[A-Za-z_]/.test(c)) {
      while (i < sql.length && /\w/.test(sql[i] as string)) i++;
      out.push({ kind: 'word', text: sql.slice(start, i) });
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(sql.slice(i));
      i += m?.[0].length ?? 1;
      out.push({ kind: 'number', text: sql.slice(start, i) });
    } else {
      const two = ['<=', '>=', '<>', '!=', '||', '->', '<<', '>>'].includes(rest);
      i += two ? 2 : 1;
      out.push({ kind: 'punct', text: sql.slice(start, i) });
    }
  }
  return out;
}

export const isTrivia = (t: Token | undefined): boolean => t?.kind === 'ws' || t?.kind === 'comment';

/** Is `t` the keyword/function name `word` (case-insensitive)? */
export const isWord = (t: Token | undefined, word: string): boolean =>
  t?.kind === 'word' && t.text.toUpperCase() === word;

export const isPunct = (t: Token | undefined, p: string): boolean => t?.kind === 'punct' && t.text === p;
