import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ManualClock } from '../../src/clock.js';
import type { LogFields, Logger } from '../../src/log.js';
import {
  createLocalTaskQueue,
  type LocalTaskQueue,
  type LocalTaskQueueOptions,
} from '../../src/tasks/local.js';
import { type Receiver, startReceiver } from './receiver.js';

export const SECRET = 'local-task-secret-1234';

export interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: LogFields;
}

export function captureLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      lines.push({ level, message, fields: { ...bound, ...fields } });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => captureLogger(lines, { ...bound, ...fields }),
  };
}

export interface TaskRow {
  name: string;
  route: string;
  body: unknown;
  scheduleMs: number;
  attempts: number;
  responses: number;
  status: string;
  lastStatus: number | null;
  lastError: string | null;
  nextAttemptMs: number;
}

export async function readRows(connection: DuckDBConnection): Promise<TaskRow[]> {
  const reader = await connection.runAndReadAll(`SELECT name, route, body::VARCHAR AS body,
     epoch_ms(schedule_time) AS schedule_ms, attempts, responses, status, last_status, last_error,
     epoch_ms(next_attempt_at) AS next_ms FROM shotclock.tasks ORDER BY name`);
  return reader.getRowObjectsJS().map((r) => ({
    name: String(r.name),
    route: String(r.route),
    body: JSON.parse(String(r.body)),
    scheduleMs: Number(r.schedule_ms),
    attempts: Number(r.attempts),
    responses: Number(r.responses),
    status: String(r.status),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    lastError: r.last_error === null ? null : String(r.last_error),
    nextAttemptMs: Number(r.next_ms),
  }));
}

/** A temp DuckDB file, a receiver standing in for the bot, a ManualClock and a queue factory. */
export interface LocalFixture {
  readonly dir: string;
  readonly path: string;
  instance: DuckDBInstance;
  readonly clock: ManualClock;
  readonly receiver: Receiver;
  readonly logs: LogLine[];
  /** A new queue on a new connection of the current instance. */
  open(
    overrides?: Partial<LocalTaskQueueOptions>,
  ): Promise<{ queue: LocalTaskQueue; connection: DuckDBConnection }>;
  rows(): Promise<TaskRow[]>;
  /** Close the DuckDB instance and open the file again (a process restart). */
  reopen(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function localFixture(): Promise<LocalFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-tasks-'));
  const path = join(dir, 'tasks.duckdb');
  const receiver = await startReceiver();
  const clock = new ManualClock('2026-01-20T09:00:00Z');
  const logs: LogLine[] = [];
  const queues: LocalTaskQueue[] = [];
  const connections: DuckDBConnection[] = [];
  const fixture: LocalFixture = {
    dir,
    path,
    instance: await DuckDBInstance.create(path),
    clock,
    receiver,
    logs,
    async open(overrides = {}) {
      const connection = await fixture.instance.connect();
      connections.push(connection);
      const queue = await createLocalTaskQueue({
        connection,
        clock,
        baseUrl: receiver.baseUrl,
        secret: SECRET,
        maxAttempts: 3,
        pollMs: 10,
        logger: captureLogger(logs),
        ...overrides,
      });
      queues.push(queue);
      return { queue, connection };
    },
    async rows() {
      const connection = await fixture.instance.connect();
      try {
        return await readRows(connection);
      } finally {
        connection.closeSync();
      }
    },
    async reopen() {
      for (const q of queues.splice(0)) await q.close();
      for (const c of connections.splice(0)) c.closeSync();
      fixture.instance.closeSync();
      fixture.instance = await DuckDBInstance.create(path);
    },
    async cleanup() {
      for (const q of queues.splice(0)) await q.close();
      for (const c of connections.splice(0)) c.closeSync();
      fixture.instance.closeSync();
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
