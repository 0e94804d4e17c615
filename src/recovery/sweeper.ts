// Nothing stalls: a task can be lost (queue purged, enqueue failed after the item was written) and a
// delivery can die mid-attempt. The sweeper finds both in the Store and enqueues a task again. Safe to run
// on every instance and as often as wanted: the Store's attempt claim is the real idempotency key, and the
// task names are per time slot, so instances sweeping in the same slot enqueue one task.

import type { Services } from '../services.js';
import * as retryQueue from '../store/retry-queue.js';
import { retryTask } from './request-retry.js';

/** What the sweeper uses. */
type SweepServices = Pick<Services, 'store' | 'clock' | 'tasks' | 'inFlightMs' | 'log'>;

export interface SweepSummary {
  /** Pending items whose attempt was overdue: a task was enqueued again. */
  readonly overdue: string[];
  /** Items left 'retrying' by an interrupted delivery: a task was enqueued to finish the attempt. */
  readonly interrupted: string[];
  /** How many of those enqueues created a task ('exists': another instance swept this slot). */
  readonly created: number;
}

/** How late a due attempt may be before it counts as lost (queues run a little late). */
export const SWEEP_GRACE_MS = 15 * 60_000;

export async function sweepRetries(deps: SweepServices): Promise<SweepSummary> {
  const now = deps.clock.now();
  const slot = `sweep${Math.floor(now.getTime() / SWEEP_GRACE_MS)}`;
  const summary = { overdue: [] as string[], interrupted: [] as string[], created: 0 };

  for (const item of await retryQueue.listDue(deps.store, new Date(now.getTime() - SWEEP_GRACE_MS))) {
    const outcome = await deps.tasks.enqueue(retryTask(item, item.retry_attempts + 1, now, slot));
    summary.overdue.push(item.doc_id);
    if (outcome === 'created') summary.created++;
  }

  for (const item of await retryQueue.listByStatus(deps.store, 'retrying')) {
    const last = item.retry_history.at(-1);
    if (!last || last.result !== null) continue;
    if (now.getTime() - last.claimed_at.getTime() < deps.inFlightMs) continue;
    const outcome = await deps.tasks.enqueue(retryTask(item, last.attempt, now, slot));
    summary.interrupted.push(item.doc_id);
    if (outcome === 'created') summary.created++;
  }

  if (summary.overdue.length || summary.interrupted.length)
    deps.log.info('retry sweeper re-enqueued', summary);
  return summary;
}
