// Pure retry decisions: when the next attempt is due, and what an attempt's result means for the item.

import { hours } from '../jobs/time.js';
import type { RetryItem } from '../store/retry-queue.js';
import type { Verification } from './ports.js';

/**
 * Delay before attempt `attempt` (1-based), counted from the click for attempt 1 and from the previous
 * attempt's outcome after that: [4, 12, 24] → +4 h, +12 h, +24 h. Attempts beyond the list reuse its last value.
 */
export function delayBeforeAttemptMs(attempt: number, backoffHours: readonly number[]): number {
  if (backoffHours.length === 0) throw new Error('backoffHours must list at least one delay');
  if (!Number.isInteger(attempt) || attempt < 1) throw new Error(`attempt must be ≥ 1, got ${attempt}`);
  return hours(backoffHours[Math.min(attempt, backoffHours.length) - 1] ?? 0);
}

/** When attempt `attempt` is due, given the moment the delay starts (the click, or the previous outcome). */
export function attemptDueAt(attempt: number, from: Date, backoffHours: readonly number[]): Date {
  return new Date(from.getTime() + delayBeforeAttemptMs(attempt, backoffHours));
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
  readonly backoffHours: readonly number[];
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
    nextRetryAt: status === 'pending' ? attemptDueAt(attempt + 1, now, input.backoffHours) : null,
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
