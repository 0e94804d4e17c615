import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

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

/**
 * The context of the work being done (a request's trace or correlation id, a task's name, a job and its slot,
 * an incident): every line logged inside it carries these fields, so code deep down (recovery, alerts) needs no
 * logger parameter threaded through for it. AsyncLocalStorage follows the work across awaits and callbacks.
 */
const context = new AsyncLocalStorage<LogFields>();

/** Run `work` with these fields added to the current context (inner fields win). */
export function withLogContext<T>(fields: LogFields, work: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, work);
}

/**
 * Add fields to the context of the work in progress, in place: cheaper than a nested `withLogContext` on a
 * hot path (a Slack request adds what it asked for). Every work that runs in the context sees the change,
 * so only a caller that knows the context belongs to one unit of work may use it (request-context.ts keeps
 * the contexts made for one HTTP request each). False when there is no context.
 */
export function annotateLogContext(fields: LogFields): boolean {
  const store = context.getStore();
  if (!store) return false;
  Object.assign(store, fields);
  return true;
}

/** The fields of the work in progress, if any. */
export function currentLogContext(): LogFields | undefined {
  return context.getStore();
}

export const TRACE_FIELD = 'logging.googleapis.com/trace';
export const SPAN_FIELD = 'logging.googleapis.com/spanId';
const SAMPLED_FIELD = 'logging.googleapis.com/trace_sampled';

/**
 * A request's log context from its headers. Cloud Run (and Cloud Tasks through it) sends
 * `X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1` (span in decimal) or W3C `traceparent`; with the project known,
 * lines carry Cloud Logging's trace fields, so the request's lines group under its trace. Otherwise the trace
 * id (or a fresh id) is the correlation id.
 */
export function requestLogContext(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  project: string | undefined,
  newId: () => string = randomUUID,
): LogFields {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const cloud = /^([0-9a-f]{32})(?:\/(\d{1,20}))?(?:;o=([01]))?/i.exec(header('x-cloud-trace-context') ?? '');
  const w3c = /^[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/i.exec(header('traceparent') ?? '');
  const trace = (cloud?.[1] ?? w3c?.[1])?.toLowerCase();
  if (!trace || /^0+$/.test(trace)) return { correlationId: newId() };
  if (!project) return { correlationId: trace };
  let span: string | undefined;
  try {
    // Cloud Logging wants the span as 16 hex digits; X-Cloud-Trace-Context gives it in decimal.
    span = cloud?.[2] ? BigInt(cloud[2]).toString(16).padStart(16, '0').slice(-16) : w3c?.[2]?.toLowerCase();
  } catch {
    span = undefined;
  }
  const sampled = cloud ? cloud[3] === '1' : w3c ? (Number.parseInt(w3c[3] ?? '0', 16) & 1) === 1 : false;
  return {
    [TRACE_FIELD]: `projects/${project}/traces/${trace}`,
    ...(span ? { [SPAN_FIELD]: span } : {}),
    [SAMPLED_FIELD]: sampled,
  };
}

/** A fresh context for work no request started (a scheduled run): its own trace in the cloud, else an id. */
export function newRunLogContext(project: string | undefined, newId: () => string = randomUUID): LogFields {
  const id = newId();
  return project
    ? { [TRACE_FIELD]: `projects/${project}/traces/${id.replaceAll('-', '').padEnd(32, '0').slice(0, 32)}` }
    : { correlationId: id };
}

/** The context already names a request or a run (trace or correlation id): inner work keeps it. */
export function hasCorrelation(fields: LogFields | undefined): boolean {
  return fields !== undefined && (TRACE_FIELD in fields || 'correlationId' in fields);
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
    const all = { ...context.getStore(), ...bound, ...fields };
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
