import type { RetryStatus } from '../store/retry-queue.js';
import type { DigestInput } from '../views/digest.js';
import type { HomeInput } from '../views/home.js';
import type { BreakerRow, PipelineHealthInput, RetryQueueRow, ScraperStatusRow } from '../views/types.js';

/**
 * What the dashboards (slash commands, App Home, the digest) read. Implemented on the Warehouse and the
 * Store by src/dashboard/data.ts; surfaces take it as a service so they are tested with plain rows.
 */
export interface DashboardData {
  scraperStatus(now: Date): Promise<ScraperStatusRow[]>;
  pipelineHealth(date: string, now: Date): Promise<PipelineHealthInput>;
  breakers(now: Date): Promise<BreakerRow[]>;
  retryQueue(status?: RetryStatus): Promise<RetryQueueRow[]>;
  /** Everything Home shows except `now`/`fmt`. */
  home(now: Date): Promise<Omit<HomeInput, 'now' | 'fmt'>>;
  /** The digest for the day before `now` (ET), except `now`/`fmt`. */
  digest(now: Date): Promise<Omit<DigestInput, 'now' | 'fmt'>>;
}
