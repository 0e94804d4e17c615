// The rows the views take. Plain interfaces src/dashboard fills from the warehouse and the store; field names
// follow the store where a document exists (a RetryItem is a RetryQueueRow as it is), so no mapping is needed.
import type { KnownBlock } from '@slack/types';
import type { Severity } from '../jobs/finding.js';
import type { Light, TimeFormatter } from './format.js';

export type { Light, TimeFormatter };

/** What every builder returns for a message: blocks, and the plain fallback Slack shows in notifications. */
export interface MessageView {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

/** "Now" and how to show instants: views never read a clock. */
export interface ViewContext {
  readonly now: Date;
  readonly fmt: TimeFormatter;
}

/** One scraper's state for `/scrape-status` and Home. */
export interface ScraperStatusRow {
  readonly scraper: string;
  readonly state: Light;
  /** Missing (scraper, date) gaps in the window the check looks at. */
  readonly gapCount: number;
  readonly lastSuccessAt: Date | null;
  readonly recentError: { readonly at: Date; readonly message: string } | null;
  /** Runs and failures in the last 24 h, when known. */
  readonly runs24h?: number;
  readonly failures24h?: number;
}

export interface PhaseMetric {
  readonly label: string;
  readonly value: number | string;
  /** When set, shown as `value/expected (pct)`. */
  readonly expected?: number;
}

/** One pipeline phase (2 raw … 5 predictions) on one date, for `/pipeline-health`. */
export interface PhaseHealthRow {
  readonly phase: 2 | 3 | 4 | 5;
  readonly name: string;
  readonly state: Light;
  readonly metrics: readonly PhaseMetric[];
  /** One line on what is wrong, e.g. "upcoming_player_game_context: 31/480 players". */
  readonly note?: string;
}

export interface PipelineHealthInput {
  readonly date: string;
  readonly phases: readonly PhaseHealthRow[];
  /** Games scheduled that day (0 on an off-day: empty phases are then expected). */
  readonly gamesScheduled: number;
}

/** An active breaker: an entity breaker of a processor (reprocess_attempts) or a proxy pair. */
export type BreakerRow =
  | {
      readonly kind: 'entity';
      readonly processor: string;
      readonly entity: string;
      readonly date?: string;
      readonly attempts: number;
      readonly trippedUntil: Date | null;
      readonly reason?: string;
      /** The data it waited for has arrived: an auto-reset candidate. */
      readonly dataArrived?: boolean;
    }
  | {
      readonly kind: 'proxy';
      readonly provider: string;
      readonly target: string;
      readonly state: 'OPEN' | 'HALF_OPEN' | 'CLOSED';
      readonly failures: number;
      readonly openedAt: Date | null;
      readonly lastError?: string;
    };

/** The retry-queue fields the views show (a store RetryItem fits as it is). */
export interface RetryQueueRow {
  readonly doc_id: string;
  readonly kind: 'scraper' | 'processor';
  readonly scraper_name: string;
  readonly target_date: string;
  readonly reason: string;
  readonly status: 'pending' | 'retrying' | 'recovered' | 'exhausted';
  readonly retry_attempts: number;
  readonly max_retries: number;
  /** Minutes before attempts 1, 2, 3 (scraper or processor schedule); absent on older items. */
  readonly backoff_minutes?: readonly number[];
  readonly next_retry_at: Date | null;
  readonly expected_records: number | null;
  readonly retry_history: readonly {
    readonly attempt: number;
    readonly records_received: number | null;
    readonly result: 'recovered' | 'partial' | 'failed' | null;
    readonly error: string | null;
  }[];
  readonly created_at: Date;
  readonly recovered_at: Date | null;
  readonly exhausted_at: Date | null;
  readonly incident_id: string | null;
}

/** Something shotclock healed by itself (auto-heal policy) or a recovery, for Home and the digest. */
export interface HealedRow {
  readonly title: string;
  /** e.g. `retry`, `backfill`, `reset_breaker`. */
  readonly action: string;
  /** The policy that acted; absent for a person's action. */
  readonly policy?: string;
  readonly at: Date;
  /** Open → healed. */
  readonly durationMs?: number;
  readonly attempts?: number;
}

/** One auto-heal policy's last 24 h: automatic actions it took, and incidents/retries they healed. */
export interface AutoHealCount {
  readonly policy: string;
  readonly actions: number;
  readonly healed: number;
}

/** An open incident as Home and the digest list it (an Incident fits as it is). */
export interface IncidentRow {
  readonly id: string;
  readonly severity: Severity;
  readonly check: string;
  readonly opened_at: Date;
  readonly last_seen: Date;
  readonly seen_count: number;
  readonly ack: { readonly user: string; readonly at: Date } | null;
  readonly snooze_until: Date | null;
  readonly finding: { readonly title: string };
  /** Permalink to the alert, when the caller has one. */
  readonly permalink?: string;
}

/** Share of retries that recovered at attempt 1, 2, 3 (and exhausted), to tune the backoff. */
export interface RecoveryByAttempt {
  readonly byAttempt: readonly number[];
  readonly exhausted: number;
}

/** One scraper and error type over the digest's 30 days: failed scrapes, how many recovered, how fast. */
export interface RecoveryTimeRow {
  readonly scraper: string;
  readonly errorType: string;
  readonly failures: number;
  readonly recovered: number;
  /** From the failed attempt to its recovery; null when none recovered. */
  readonly medianMinutes: number | null;
  readonly p90Minutes: number | null;
}

/** The digest's recovery-time table: its rows over the last `days` days. */
export interface RecoveryTimes {
  readonly days: number;
  readonly rows: readonly RecoveryTimeRow[];
}
