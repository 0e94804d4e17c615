import { createHash } from 'node:crypto';
import { days24h } from '../jobs/time.js';

/**
 * TaskQueue port: "POST this JSON to the bot's own /tasks/<route> at this time, once per name".
 * Two adapters pass one contract suite: Cloud Tasks (cloud-tasks.ts) and the embedded DuckDB queue (local.ts).
 *
 * Delivery is at-least-once in both, and a Cloud Tasks name is reusable ~1 h after the task ran, so a name only
 * de-duplicates enqueues; the real idempotency key of the work lives in the Store.
 */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

export interface TaskRequest {
  /** Task id, see taskName(): [A-Za-z0-9_-]{1,500}. */
  readonly name: string;
  /** Path on the bot, under /tasks/ (e.g. '/tasks/retry'). */
  readonly route: string;
  readonly body: Json;
  /** When to deliver; a time in the past means "now". At most 30 days ahead. */
  readonly scheduleTime: Date;
}

/** 'exists': a task with this name was already enqueued (or ran recently): not an error, nothing was added. */
export type EnqueueResult = 'created' | 'exists';

export interface TaskQueue {
  enqueue(task: TaskRequest): Promise<EnqueueResult>;
  /**
   * Delete tasks that finished (delivered or failed for good) before `before`; returns how many. Only the
   * local queue keeps them: Cloud Tasks forgets a finished task by itself.
   */
  prune?(before: Date): Promise<number>;
  close(): Promise<void>;
}

/** Cloud Tasks refuses schedule_time more than 30 days ahead. */
export const MAX_SCHEDULE_AHEAD_MS = days24h(30);
export const MAX_TASK_NAME_LENGTH = 500;
const TASK_NAME = /^[A-Za-z0-9_-]{1,500}$/;
const ROUTE = /^\/tasks\/[A-Za-z0-9_\-/]+$/;
const HASH_PREFIX_LENGTH = 16;

/** A task refused before it reaches a queue (bad name, route or schedule time). */
export class InvalidTaskError extends Error {
  override readonly name = 'InvalidTaskError';
}

/**
 * A deterministic Cloud Tasks id from readable parts: `<hash>-<part>-<part>…`.
 *
 * The hash (64 bits of SHA-256 over the exact parts) comes first because Cloud Tasks asks for well-distributed
 * id prefixes (sequential ones raise latency and error rates: CreateTaskRequest docs), and because it keeps
 * distinct inputs distinct even where sanitizing (any char outside [A-Za-z0-9_-] becomes '_') or truncating
 * to 500 chars would make them collide. The readable tail is for people reading the queue.
 */
export function taskName(...parts: ReadonlyArray<string | number>): string {
  if (parts.length === 0) throw new InvalidTaskError('taskName needs at least one part');
  const exact = JSON.stringify(parts.map(String));
  const hash = createHash('sha256').update(exact).digest('hex').slice(0, HASH_PREFIX_LENGTH);
  const readable = parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]/g, '_')).join('-');
  return `${hash}-${readable}`.slice(0, MAX_TASK_NAME_LENGTH);
}

export function isValidTaskName(name: string): boolean {
  return TASK_NAME.test(name);
}

/** Checks a task against Cloud Tasks' rules (both adapters apply the same ones). Throws InvalidTaskError. */
export function assertValidTask(task: TaskRequest, now: Date): void {
  if (!isValidTaskName(task.name)) {
    throw new InvalidTaskError(
      `task name ${JSON.stringify(task.name.slice(0, 80))} is invalid: use [A-Za-z0-9_-], 1-500 chars (see taskName())`,
    );
  }
  if (!ROUTE.test(task.route) || task.route.split('/').includes('..')) {
    throw new InvalidTaskError(`task route ${JSON.stringify(task.route)} must be a path under /tasks/`);
  }
  const at = task.scheduleTime.getTime();
  if (!Number.isFinite(at)) throw new InvalidTaskError(`task ${task.name}: scheduleTime is not a valid date`);
  if (at - now.getTime() > MAX_SCHEDULE_AHEAD_MS) {
    throw new InvalidTaskError(
      `task ${task.name}: scheduleTime ${task.scheduleTime.toISOString()} is more than 30 days after ` +
        `${now.toISOString()} (Cloud Tasks' limit); enqueue it later, e.g. from a sweeper`,
    );
  }
}
