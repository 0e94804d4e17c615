// Pure retry decisions: when the next attempt is due, and what an attempt's result means for the item.

import type { Config } from '../config.js';
import type { RetryItem } from '../store/retry-queue.js';
import type { RecoveryKind, Verification } from './ports.js';

const MINUTE_MS = 60_000;

/**
 * The delays (minutes) before attempts 1, 2, 3 of a new retry of this kind (docs/pipeline.md#retry-schedule):
 * scrapers wait the pipeline team's 4 h / 12 h / 24 h (RETRY_BACKOFF_HOURS); processors run on their own,
 * shorter clock (PROCESSOR_RETRY_BACKOFF_MINUTES, 30 / 30 / 30), so a critical phase 3 re-run lands before
 * the day's predictions rather than after them.
 */
export function backoffMinutesFor(
  kind: RecoveryKind,
  recovery: Pick<Config['recovery'], 'backoffHours' | 'processorBackoffMinutes'>,
): readonly number[] {
  return kind === 'processor' ? recovery.processorBackoffMinutes : recovery.backoffHours.map((h) => h * 60);
}

/**
 * The schedule an item's attempts follow: the one it was created with (so a configuration change does not
 * move attempts already promised in its thread), else, for an item written before items carried it, its
 * kind's schedule now.
 */
export function itemBackoffMinutes(
  item: Pick<RetryItem, 'kind' | 'backoff_minutes'>,
  recovery: Pick<Config['recovery'], 'backoffHours' | 'processorBackoffMinutes'>,
): readonly number[] {
  return item.backoff_minutes ?? backoffMinutesFor(item.kind, recovery);
}

/**
 * Delay before attempt `attempt` (1-based), counted from the click for attempt 1 and from the previous
 * attempt's outcome after that: [240, 720, 1440] → +4 h, +12 h, +24 h. Attempts beyond the list reuse its
 * last value.
 */
export function delayBeforeAttemptMs(attempt: number, backoffMinutes: readonly number[]): number {
  if (backoffMinutes.length === 0) throw new Error('backoffMinutes must list at least one delay');
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be ≥ 1, got ${attempt}`);
  return (backoffMinutes[Math.min(attempt, backoffMinutes.length) - 1] ?? 0) * MINUTE_MS;
}

/** When attempt `attempt` is due, given the moment the delay starts (the click, or the previous outcome). */
export function attemptDueAt(attempt: number, from: Date, backoffMinutes: readonly number[]): Date {
  return new Date(from.getTime() + delayBeforeAttemptMs(attempt, backoffMinutes));
}

export type AttemptResult = 'recovered' | 'partial' | 'failed';

export interface AttemptDecision {
  readonly result: AttemptResult;
  /** What the item becomes once the outcome is recorded. */
  readonly status: 'recovered' | 'exhausted' | 'pending';
  readonly received: number | null;
  readonly expected: number | null;
  /** When the next attempt is due; null when recovered or exhausted. */
  readonly nextRetryAt: Date | null;
  readonly error: string | null;
}

/**
 * Judge one attempt from what the warehouse holds afterwards (the service's own answer only explains a
 * failure): recovered when received ≥ expected; partial when something arrived; failed otherwise. The
 * last allowed attempt that does not recover exhausts the item.
 */
export function decideAttempt(input: {
  readonly item: Pick<RetryItem, 'expected_records' | 'max_retries'>;
  readonly attempt: number;
  readonly verification: Verification | null;
  readonly error: string | null;
  readonly now: Date;
  readonly backoffMinutes: readonly number[];
}): AttemptDecision {
  const { item, attempt, verification, now } = input;
  const received = verification?.received ?? null;
  const expected = verification?.expected ?? item.expected_records;
  const result = judge(received, expected, input.error);
  const status = result === 'recovered' ? 'recovered' : attempt >= item.max_retries ? 'exhausted' : 'pending';
  return {
    result,
    status,
    received,
    expected,
    nextRetryAt: status === 'pending' ? attemptDueAt(attempt + 1, now, input.backoffMinutes) : null,
    error: input.error,
  };
}

/** recovered: received ≥ expected; partial: something arrived; failed: nothing (or no count at all). */
export function judge(received: number | null, expected: number | null, error: string | null): AttemptResult {
  if (received === null) return 'failed';
  // Without an expected count, data that arrived with no error is the best evidence there is.
  if (expected === null)
    return received > 0 && error === null ? 'recovered' : received > 0 ? 'partial' : 'failed';
  if (received >= expected) return 'recovered';
  return received > 0 ? 'partial' : 'failed';
}

/** The retry "cycle": an item that finished and failed again starts over, and must not reuse old task names. */
export const cycleOf = (item: Pick<RetryItem, 'created_at'>): string =>
  item.created_at.getTime().toString(36);
