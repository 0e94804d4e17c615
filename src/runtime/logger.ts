/**
 * Structured logs: one JSON object per line in Cloud Logging's shape (severity, message, plus fields) in the
 * cloud, a short human line in the demo. Every configured secret is redacted wherever it appears, because a
 * token pasted into an error message must not reach the log sink.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
const SEVERITY: Record<LogLevel, string> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger whose lines all carry these fields (job, incident, trace id…). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly format: 'json' | 'pretty';
  readonly secrets: readonly string[];
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

function redactor(secrets: readonly string[]): (text: string) => string {
  const usable = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  return (text) => usable.reduce((out, secret) => out.split(secret).join('[redacted]'), text);
}

function serializeError(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return value;
}

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const redact = redactor(options.secrets);
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (RANK[level] < RANK[options.level]) return;
    const all = { ...bound, ...fields };
    if (options.format === 'json') {
      const entry = { severity: SEVERITY[level], message, time: now().toISOString(), ...all };
      write(redact(JSON.stringify(entry, (_k, v) => serializeError(v))));
      return;
    }
    const extras = Object.entries(all)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(serializeError(v))}`)
      .join(' ');
    const stamp = now().toISOString().slice(11, 19);
    write(redact(`${stamp} ${level.padEnd(5)} ${message}${extras ? `  ${extras}` : ''}`));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}
