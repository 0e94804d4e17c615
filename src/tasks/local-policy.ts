/**
 * Pure decisions of the embedded task queue: what a delivery's outcome means, when to retry, which headers a
 * handler sees. Kept apart from the DuckDB/HTTP shell in local.ts so they can be tested exhaustively.
 */

export interface BackoffPolicy {
  /** Delay before the first retry (simulated time). */
  readonly minBackoffMs: number;
  /** Ceiling of the doubling. */
  readonly maxBackoffMs: number;
}

/** Like Cloud Tasks: min, then doubling, capped. `attempts` = dispatches made so far (≥ 1). */
export function retryDelayMs(attempts: number, policy: BackoffPolicy): number {
  const doublings = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(policy.minBackoffMs * 2 ** doublings, policy.maxBackoffMs);
}

export type DeliveryOutcome =
  | { readonly kind: 'done'; readonly status: number }
  | { readonly kind: 'failed'; readonly status: number | undefined; readonly error: string }
  | {
      readonly kind: 'retry';
      readonly status: number | undefined;
      readonly error: string;
      readonly nextAttemptAt: Date;
    };

export type DeliveryResult =
  | { readonly status: number; readonly text: string }
  | { readonly error: string /* network error, timeout */ };

/**
 * 2xx → done. A 4xx is the handler saying "this task is wrong" (unknown item, bad caller): retrying cannot help,
 * so it fails at once, except 408/429 which mean "later". 5xx and network errors are retried with backoff
 * until maxAttempts dispatches were made. Other statuses (3xx: redirects are not followed) fail.
 */
export function decideOutcome(
  result: DeliveryResult,
  attempts: number,
  maxAttempts: number,
  now: Date,
  policy: BackoffPolicy,
): DeliveryOutcome {
  const retryable = (status: number | undefined, error: string): DeliveryOutcome =>
    attempts >= maxAttempts
      ? { kind: 'failed', status, error: `${error} (gave up after ${attempts} attempts)` }
      : {
          kind: 'retry',
          status,
          error,
          nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts, policy)),
        };
  if ('error' in result) return retryable(undefined, result.error);
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'done', status };
  const error = `HTTP ${status}${result.text ? `: ${result.text.slice(0, 300)}` : ''}`;
  if (status >= 500 || status === 408 || status === 429) return retryable(status, error);
  return { kind: 'failed', status, error };
}

export interface DeliveryHeaderInput {
  readonly name: string;
  readonly queueName: string;
  readonly scheduleTime: Date;
  /** Dispatches made before this one. */
  readonly retryCount: number;
  /** Earlier dispatches that got a non-5xx response from the handler. */
  readonly executionCount: number;
  readonly previousResponse: number | undefined;
  readonly secret: string;
}

/** The headers Cloud Tasks sets on an HTTP task, plus the local shared-secret bearer token. */
export function deliveryHeaders(input: DeliveryHeaderInput): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Google-Cloud-Tasks',
    Authorization: `Bearer ${input.secret}`,
    'X-CloudTasks-QueueName': input.queueName,
    'X-CloudTasks-TaskName': input.name,
    'X-CloudTasks-TaskRetryCount': String(input.retryCount),
    'X-CloudTasks-TaskExecutionCount': String(input.executionCount),
    // Cloud Tasks sends the ETA as fractional seconds since the epoch.
    'X-CloudTasks-TaskETA': (input.scheduleTime.getTime() / 1000).toFixed(6),
    ...(input.previousResponse === undefined
      ? {}
      : { 'X-CloudTasks-TaskPreviousResponse': String(input.previousResponse) }),
  };
}
