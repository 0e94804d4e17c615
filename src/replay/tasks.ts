// The replay's task queue: what the local queue does (once per name, deliver at the schedule time, again
// later when the bot answers 503), in memory and driven by the replay's clock instead of a poller; due
// tasks go to the bot's task handler directly, in order of their schedule time.
import type { Clock } from '../clock.js';
import { assertValidTask, type EnqueueResult, type TaskQueue, type TaskRequest } from '../tasks/port.js';

/** How long after a 503 (the attempt runs elsewhere) a task is delivered again, and how often at most. */
const REDELIVER_MS = 60_000;
const MAX_DELIVERIES = 5;

interface Queued {
  readonly task: TaskRequest;
  at: number;
  deliveries: number;
  readonly seq: number;
}

export type TaskHandler = (task: TaskRequest) => Promise<{ status: number }>;

export class ReplayTaskQueue implements TaskQueue {
  private readonly queued = new Map<string, Queued>();
  private seq = 0;
  delivered = 0;

  constructor(private readonly clock: Clock) {}

  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    assertValidTask(task, this.clock.now());
    if (this.queued.has(task.name)) return 'exists';
    this.queued.set(task.name, { task, at: task.scheduleTime.getTime(), deliveries: 0, seq: this.seq++ });
    return 'created';
  }

  async close(): Promise<void> {}

  /** The earliest time a task is due, if any. */
  nextDue(): number | undefined {
    let next: number | undefined;
    for (const q of this.queued.values()) if (next === undefined || q.at < next) next = q.at;
    return next;
  }

  /** The earliest due task at or before `now` (schedule time, then enqueue order), taken off the queue. */
  private takeDue(now: number): Queued | undefined {
    let best: Queued | undefined;
    for (const q of this.queued.values())
      if (q.at <= now && (!best || q.at < best.at || (q.at === best.at && q.seq < best.seq))) best = q;
    return best;
  }

  /** Deliver every task due by now, one at a time, including those the deliveries themselves enqueue. */
  async deliverDue(handle: TaskHandler): Promise<number> {
    const now = this.clock.now().getTime();
    let count = 0;
    for (let q = this.takeDue(now); q; q = this.takeDue(now)) {
      q.deliveries++;
      count++;
      this.delivered++;
      const { status } = await handle(q.task);
      if (status === 503 && q.deliveries < MAX_DELIVERIES) q.at = now + REDELIVER_MS;
      else this.queued.delete(q.task.name);
    }
    return count;
  }
}
