// The pure half of the BigQuery adapter's guardrails (README, "BigQuery guardrails"): the labels every job
// carries, which errors are worth another job, how long to wait before it, and what a budget breach says.
import type { QuerySurface } from './port.js';

/** BigQuery label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(text: string): string {
  const value = text
    .toLowerCase()
    .replace(/\.sql$/, '')
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return value || 'unnamed';
}

/** Labels of one job: billing exports and INFORMATION_SCHEMA.JOBS group bytes by them. */
export function jobLabels(file: string, surface: QuerySurface): Record<string, string> {
  return { app: 'shotclock', query: labelValue(file), surface };
}

/** The error reasons of a client error (`errors[].reason`), and its HTTP status when it has one. */
interface ApiErrorShape {
  readonly code?: unknown;
  readonly errors?: readonly { readonly reason?: unknown; readonly message?: unknown }[];
  readonly message?: unknown;
}

const reasonsOf = (error: unknown): string[] =>
  ((error as ApiErrorShape | null)?.errors ?? []).map((e) => String(e.reason ?? ''));

// BigQuery's own advice for these is "retry with backoff" (its error table): the job failed for a reason
// unrelated to the query. Other reasons (invalidQuery, accessDenied, notFound, quotaExceeded,
// bytesBilledLimitExceeded, ...) fail the same way every time.
const TRANSIENT_REASONS = new Set(['rateLimitExceeded', 'backendError', 'internalError']);

export type JobErrorKind = 'budget' | 'transient' | 'permanent';

export function jobErrorKind(error: unknown): JobErrorKind {
  const reasons = reasonsOf(error);
  // Checked first: BigQuery has been seen to report a breach with HTTP 500, which is not worth a retry.
  if (reasons.includes('bytesBilledLimitExceeded')) return 'budget';
  if (reasons.some((r) => TRANSIENT_REASONS.has(r))) return 'transient';
  const code = Number((error as ApiErrorShape | null)?.code);
  return code >= 500 && code <= 599 ? 'transient' : 'permanent';
}

/** The bytes a breach says it needed: "Query exceeded limit for bytes billed: 1000. 10485760 or higher required." */
export function bytesRequired(error: unknown): number | undefined {
  const texts = [
    String((error as ApiErrorShape | null)?.message ?? ''),
    ...((error as ApiErrorShape | null)?.errors ?? []).map((e) => String(e.message ?? '')),
  ];
  for (const text of texts) {
    const match = /(\d+) or higher required/.exec(text);
    if (match?.[1]) return Number(match[1]);
  }
  return undefined;
}

export interface RetryPolicy {
  /** Jobs in all, the first included. */
  readonly attempts: number;
  /** The wait after the first failure; it doubles after each further one, up to `maxDelayMs`. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** BigQuery's SLA asks for at least 1 s after the first error, growing exponentially to 32 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 32_000 };

/**
 * The wait before retry `n` (1 = the first retry): the exponential step plus up to one base step of
 * jitter, so instances that failed together do not come back together.
 */
export function retryDelayMs(policy: RetryPolicy, n: number, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
  return step + Math.floor(random() * policy.baseDelayMs);
}
