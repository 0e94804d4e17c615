// Retention, the part the bot does itself (README, "Deploying to Cloud Run"): delete the Store's expired
// audit entries, ledger entries and slot leases (the embedded store has no TTL, and Firestore's TTL lags up
// to a day) and the local task queue's rows that finished more than RETENTION_DAYS ago. Run with the retry
// sweeper, every 15 minutes; each pass deletes little.
import type { Services } from '../services.js';
import { pruneExpired } from '../store/retention.js';

export interface PruneSummary {
  /** Documents deleted, per collection. */
  readonly documents: Readonly<Record<string, number>>;
  /** Finished task rows deleted (the local queue only). */
  readonly tasks: number;
}

export async function pruneRetained(
  deps: Pick<Services, 'store' | 'tasks' | 'clock' | 'config'>,
): Promise<PruneSummary> {
  const now = deps.clock.now();
  const documents = await pruneExpired(deps.store, now);
  const tasks = (await deps.tasks.prune?.(new Date(now.getTime() - deps.config.retention.recordsMs))) ?? 0;
  return { documents, tasks };
}

/** How many records a prune deleted in all. */
export const prunedCount = (p: PruneSummary | undefined): number =>
  p ? Object.values(p.documents).reduce((a, b) => a + b, 0) + p.tasks : 0;
