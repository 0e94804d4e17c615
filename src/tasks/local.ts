import type { DuckDBConnection } from '@duckdb/node-api';
import type { Clock } from '../clock.js';
import { hours } from '../jobs/time.js';
import type { Logger } from '../log.js';
import { type BackoffPolicy, type DeliveryResult, decideOutcome, deliveryHeaders } from './local-policy.js';
import { assertValidTask, type EnqueueResult, type TaskQueue, type TaskRequest } from './port.js';

const SCHEMA_SQL = [
  'CREATE SCHEMA IF NOT EXISTS shotclock',
  `CREATE TABLE IF NOT EXISTS shotclock.tasks (
     name VARCHAR PRIMARY KEY,
     route VARCHAR NOT NULL,
     body JSON NOT NULL,
     schedule_time TIMESTAMPTZ NOT NULL,
     attempts INTEGER NOT NULL,
     responses INTEGER NOT NULL,
     status VARCHAR NOT NULL CHECK (status IN ('pending', 'delivering', 'done', 'failed')),
     last_status INTEGER,
     last_error VARCHAR,
     next_attempt_at TIMESTAMPTZ NOT NULL,
     created_at TIMESTAMPTZ NOT NULL,
     finished_at TIMESTAMPTZ
   )`,
];
// The process owns the DuckDB file, so a row still 'delivering' when the queue opens was cut off by a crash:
// deliver it again (at-least-once, like Cloud Tasks). Its interrupted dispatch stays counted in attempts.
const RECOVER_SQL = "UPDATE shotclock.tasks SET status = 'pending' WHERE status = 'delivering'";
const FIND_SQL = `SELECT status, epoch_ms(finished_at) AS finished_ms FROM shotclock.tasks WHERE name = $name`;
const INSERT_SQL = `INSERT INTO shotclock.tasks
  (name, route, body, schedule_time, attempts, responses, status, next_attempt_at, created_at)
  VALUES ($name, $route, $body::JSON, $at::TIMESTAMPTZ, 0, 0, 'pending', $at::TIMESTAMPTZ, $now::TIMESTAMPTZ)`;
// Like Cloud Tasks, a finished task's name becomes free again after a while; the row is replaced.
const REUSE_SQL = `UPDATE shotclock.tasks SET route = $route, body = $body::JSON, schedule_time = $at::TIMESTAMPTZ,
  attempts = 0, responses = 0, status = 'pending', last_status = NULL, last_error = NULL,
  next_attempt_at = $at::TIMESTAMPTZ, created_at = $now::TIMESTAMPTZ, finished_at = NULL WHERE name = $name`;
const DUE_SQL = `SELECT name FROM shotclock.tasks WHERE status = 'pending' AND next_attempt_at <= $now::TIMESTAMPTZ
  ORDER BY next_attempt_at, name LIMIT $limit`;
const CLAIM_SQL = `UPDATE shotclock.tasks SET status = 'delivering', attempts = attempts + 1
  WHERE name = $name AND status = 'pending'
  RETURNING route, body::VARCHAR AS body, epoch_ms(schedule_time) AS schedule_ms, attempts, responses, last_status`;
const FINISH_SQL = `UPDATE shotclock.tasks SET status = $status, responses = responses + $responded,
  last_status = $lastStatus, last_error = $error, finished_at = $now::TIMESTAMPTZ WHERE name = $name`;
// Finished rows are kept a while (RETENTION_DAYS), then go: a name enqueued again after that is simply new.
const PRUNE_SQL = `DELETE FROM shotclock.tasks WHERE status IN ('done', 'failed') AND finished_at < $before::TIMESTAMPTZ
  RETURNING name`;
const RETRY_SQL = `UPDATE shotclock.tasks SET status = 'pending', responses = responses + $responded,
  last_status = $lastStatus, last_error = $error, next_attempt_at = $next::TIMESTAMPTZ WHERE name = $name`;

export interface LocalTaskQueueOptions {
  /** A connection of the queue's own on the process's DuckDB instance; the caller closes it. */
  readonly connection: DuckDBConnection;
  /** Decides what is due and stamps retries (the demo runs it accelerated). */
  readonly clock: Clock;
  /** The bot's own server, e.g. http://127.0.0.1:3000; a task is POSTed to baseUrl + route. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <secret>`; /tasks/* checks it with verifyLocalTaskCaller. */
  readonly secret: string;
  readonly fetch?: typeof globalThis.fetch;
  /** Dispatches per task before a 5xx/network failure becomes final. */
  readonly maxAttempts: number;
  /** Wall-clock polling period. */
  readonly pollMs: number;
  readonly logger?: Logger;
  /** Shown to handlers as X-CloudTasks-QueueName. */
  readonly queueName?: string;
  /** Backoff in simulated time: first retry after min (≥ 1 s), doubling up to max. */
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Wall-clock limit of one HTTP delivery (Cloud Tasks' dispatch deadline, default 10 min). */
  readonly dispatchDeadlineMs?: number;
  /** How many deliveries run at once. */
  readonly concurrency?: number;
  /** A finished task's name may be enqueued again after this long (Cloud Tasks: ~1 h). */
  readonly nameReuseAfterMs?: number;
}

export interface LocalTaskQueue extends TaskQueue {
  /** Start polling for due tasks. */
  start(): void;
  /** Stop polling and wait for deliveries in flight (graceful shutdown). */
  stop(): Promise<void>;
  /** Deliver everything due at clock.now(), including retries that become due meanwhile; for tests. */
  drain(): Promise<void>;
  prune(before: Date): Promise<number>;
}

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };

function createMutex(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>) => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

const toNumber = (v: unknown): number => Number(v);
const nullableNumber = (v: unknown): number | undefined =>
  v === null || v === undefined ? undefined : Number(v);

/** The embedded TaskQueue: tasks are rows of shotclock.tasks, POSTed to the bot's own /tasks/* when due. */
export async function createLocalTaskQueue(options: LocalTaskQueueOptions): Promise<LocalTaskQueue> {
  const { connection, clock } = options;
  const log = options.logger ?? silent;
  const doFetch = options.fetch ?? globalThis.fetch;
  const queueName = options.queueName ?? 'local';
  const policy: BackoffPolicy = {
    minBackoffMs: Math.max(1000, options.minBackoffMs ?? 1000),
    maxBackoffMs: options.maxBackoffMs ?? hours(1),
  };
  const deadlineMs = options.dispatchDeadlineMs ?? 10 * 60 * 1000;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const reuseAfterMs = options.nameReuseAfterMs ?? hours(1);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  if (!(options.maxAttempts >= 1)) throw new Error('maxAttempts must be at least 1');
  if (!options.secret) throw new Error('the local task queue needs a non-empty secret');

  const db = createMutex();
  for (const sql of SCHEMA_SQL) await connection.run(sql);
  await connection.run(RECOVER_SQL);

  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let closed = false;

  const rows = async (sql: string, params: Record<string, string | number | null>) =>
    (await connection.runAndReadAll(sql, params)).getRowObjectsJS();

  const enqueue = async (task: TaskRequest): Promise<EnqueueResult> => {
    if (closed) throw new Error('the local task queue is closed');
    const now = clock.now();
    assertValidTask(task, now);
    const params = {
      name: task.name,
      route: task.route,
      body: JSON.stringify(task.body),
      at: task.scheduleTime.toISOString(),
      now: now.toISOString(),
    };
    return db(async () => {
      const existing = (await rows(FIND_SQL, { name: task.name }))[0];
      if (!existing) {
        await connection.run(INSERT_SQL, params);
        return 'created';
      }
      const finishedMs = nullableNumber(existing.finished_ms);
      const finished = existing.status === 'done' || existing.status === 'failed';
      if (finished && finishedMs !== undefined && now.getTime() - finishedMs >= reuseAfterMs) {
        await connection.run(REUSE_SQL, params);
        return 'created';
      }
      return 'exists';
    });
  };

  const post = async (
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<DeliveryResult> => {
    try {
      const res = await doFetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(deadlineMs),
      });
      return { status: res.status, text: await res.text().catch(() => '') };
    } catch (error) {
      return { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  };

  /** One dispatch of a claimed task, then its outcome recorded. */
  const deliver = async (name: string): Promise<void> => {
    const claimed = await db(async () => (await rows(CLAIM_SQL, { name }))[0]);
    if (!claimed) return; // someone else (poller vs drain) took it
    const attempts = toNumber(claimed.attempts);
    const route = String(claimed.route);
    const headers = deliveryHeaders({
      name,
      queueName,
      scheduleTime: new Date(toNumber(claimed.schedule_ms)),
      retryCount: attempts - 1,
      executionCount: toNumber(claimed.responses),
      previousResponse: nullableNumber(claimed.last_status),
      secret: options.secret,
    });
    const result = await post(`${baseUrl}${route}`, String(claimed.body), headers);
    const now = clock.now();
    const outcome = decideOutcome(result, attempts, options.maxAttempts, now, policy);
    const status = 'status' in result ? result.status : null;
    const responded = status !== null && status < 500 ? 1 : 0;
    const fields = { task: name, route, attempts, status };
    await db(() =>
      outcome.kind === 'retry'
        ? connection.run(RETRY_SQL, {
            name,
            responded,
            lastStatus: status,
            error: outcome.error,
            next: outcome.nextAttemptAt.toISOString(),
          })
        : connection.run(FINISH_SQL, {
            name,
            status: outcome.kind,
            responded,
            lastStatus: status,
            error: outcome.kind === 'failed' ? outcome.error : null,
            now: now.toISOString(),
          }),
    );
    if (outcome.kind === 'done') log.debug('task delivered', fields);
    else if (outcome.kind === 'retry') {
      log.warn('task delivery failed, will retry', {
        ...fields,
        error: outcome.error,
        nextAttemptAt: outcome.nextAttemptAt.toISOString(),
      });
    } else log.error('task failed', { ...fields, error: outcome.error });
  };

  const launch = (name: string): Promise<void> => {
    const p = deliver(name)
      .catch((error: unknown) => log.error('task delivery crashed', { task: name, error }))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
    return p;
  };

  /** Starts deliveries of due tasks up to the concurrency limit; returns how many it started. */
  const dispatchDue = async (): Promise<Promise<void>[]> => {
    const free = concurrency - inFlight.size;
    if (free <= 0) return [];
    const due = await db(() => rows(DUE_SQL, { now: clock.now().toISOString(), limit: free }));
    return due.map((r) => launch(String(r.name)));
  };

  const tick = async () => {
    try {
      await dispatchDue();
    } catch (error) {
      log.error('task queue poll failed', { error });
    }
    if (running) timer = setTimeout(tick, options.pollMs);
  };

  const stop = async () => {
    running = false;
    if (timer) clearTimeout(timer);
    timer = undefined;
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };

  return {
    enqueue,
    prune: (before) => db(async () => (await rows(PRUNE_SQL, { before: before.toISOString() })).length),
    start() {
      if (running || closed) return;
      running = true;
      timer = setTimeout(tick, 0);
    },
    stop,
    async drain() {
      for (;;) {
        const started = await dispatchDue();
        if (started.length === 0 && inFlight.size === 0) return;
        await Promise.race([...inFlight]);
      }
    },
    async close() {
      closed = true;
      await stop();
    },
  };
}
