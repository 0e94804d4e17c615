// The small interfaces recovery needs from the outside world: the scraper and processor services (HTTP
// in production, simulated in the demo) and the warehouse verifier. The runtime builds them into Services.
import { type TaskRequest, taskName } from '../tasks/port.js';

/** One call to the scraper service (`POST /scrape`), as the pipeline's scrapers take it. */
export interface ScrapeRequest {
  readonly scraper_name: string;
  readonly params: { readonly date: string };
}

/** One call to the processor service (`POST /run-processor`). */
export interface ProcessorRequest {
  readonly processor_name: string;
  readonly game_date: string;
  readonly attempt: number;
}

/** What a service answered: its own status word (`success`, `no_data`, `error`…) and records written, if said. */
export interface ServiceResult {
  readonly status: string;
  readonly records: number | null;
  readonly error?: string;
}

export interface CallOptions {
  /** Aborted when the configured timeout passes; adapters pass it to fetch. */
  readonly signal: AbortSignal;
}

export interface ScraperService {
  scrape(request: ScrapeRequest, options: CallOptions): Promise<ServiceResult>;
}

export interface ProcessorService {
  run(request: ProcessorRequest, options: CallOptions): Promise<ServiceResult>;
}

export type RecoveryKind = 'scraper' | 'processor';

/** What the warehouse holds for (name, date) now: e.g. BDL games received vs NBA.com games scheduled. */
export interface Verification {
  readonly received: number | null;
  /** null when the warehouse cannot say; the item's expected count is used then. */
  readonly expected: number | null;
  /** `games`, `records`, `players`: how the thread names the counts. */
  readonly unit?: string;
}

/** Checks the effect of a retry in the warehouse (never trusts the service's own answer). Read-only. */
export interface RecoveryVerifier {
  verify(kind: RecoveryKind, name: string, date: string): Promise<Verification>;
}

export type { TaskRequest as RecoveryTask };
export { taskName };

export const RETRY_ROUTE = '/tasks/retry';
export const BACKFILL_ROUTE = '/tasks/backfill';

/** Who asked: a person (Slack user id) or shotclock under a named auto-heal policy (same shape as the views'). */
export type Requester = { readonly user: string } | { readonly policy: string };

export const auditWho = (by: Requester): string => ('user' in by ? by.user : 'system');
