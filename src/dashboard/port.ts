import type { RetryStatus } from '../store/retry-queue.js';
import type { DigestInput } from '../views/digest.js';
import type { HomeInput } from '../views/home.js';
import type { BreakerRow, PipelineHealthInput, RetryQueueRow, ScraperStatusRow } from '../views/types.js';
import type { Reading, ReadOptions } from './snapshot.js';

/**
 * What the dashboards (slash commands, App Home, the digest) read. Implemented on the Warehouse and the
 * Store by src/dashboard/data.ts; surfaces take it as a service so they are tested with plain rows.
 * Warehouse reads come from a shared reading up to DASHBOARD_CACHE_SECONDS old (src/dashboard/snapshot.ts)
 * unless `fresh` is asked, with the instant they are as of (the surfaces show it); Store reads are always
 * current.
 */
export interface DashboardData {
  scraperStatus(now: Date, options?: ReadOptions): Promise<Reading<ScraperStatusRow[]>>;
  pipelineHealth(date: string, now: Date, options?: ReadOptions): Promise<Reading<PipelineHealthInput>>;
  breakers(now: Date, options?: ReadOptions): Promise<Reading<BreakerRow[]>>;
  retryQueue(status?: RetryStatus): Promise<RetryQueueRow[]>;
  /** Everything Home shows except `now`/`fmt`. */
  home(now: Date, options?: ReadOptions): Promise<Omit<HomeInput, 'now' | 'fmt'>>;
  /** The digest for the day before `now` (ET), except `now`/`fmt`. */
  digest(now: Date): Promise<Omit<DigestInput, 'now' | 'fmt'>>;
}
