// A Retry click (or an auto-heal policy) on a scraper/processor gap: one retry-queue item per (name, date),
// one named task per attempt, one "scheduled" reply in the alert's thread.
import type { ConfigOf, Services } from '../services.js';
import * as audit from '../store/audit.js';
import type { RetryItem } from '../store/retry-queue.js';
import * as retryQueue from '../store/retry-queue.js';
import { retryScheduledReply } from '../views/thread.js';
import { attemptDueAt, backoffMinutesFor, cycleOf, itemBackoffMinutes } from './backoff.js';
import { alreadyScheduledText, type EphemeralText, scheduledText } from './messages.js';
import { auditWho, RETRY_ROUTE, type RecoveryKind, type Requester, taskName } from './ports.js';
import { type ReplyResult, replyAfterStored } from './thread.js';

/** What a retry request uses. */
export type RetryServices = Pick<Services, 'store' | 'chat' | 'clock' | 'tasks' | 'fmt' | 'log'> &
  ConfigOf<'recovery'>;

export interface RetryRequest {
  readonly incidentId: string | null;
  readonly kind: RecoveryKind;
  /** Scraper name (or processor name for kind `processor`). */
  readonly name: string;
  readonly date: string;
  readonly requestedBy: Requester;
  readonly reason: string;
  /** Records that mean "recovered" (e.g. NBA.com games for BDL box scores); null when unknown. */
  readonly expected: number | null;
  readonly originalError?: string;
  /** Makes a retried audit append land once (e.g. Slack's action_ts + user). */
  readonly auditId?: string;
}

export interface RetryRequested {
  /** 'scheduled': a new item (attempt 1 enqueued); 'already_scheduled': joined the item in progress. */
  readonly outcome: 'scheduled' | 'already_scheduled';
  readonly item: RetryItem;
  /** The attempt that is next (or running). */
  readonly attempt: number;
  readonly task: 'created' | 'exists' | 'none';
  readonly reply: ReplyResult | 'none';
  /** What to tell the person who clicked (ephemeral). */
  readonly ephemeral: EphemeralText;
}

/** The named task of one attempt: re-enqueuing it (a second click, the sweeper) answers 'exists'. */
export function retryTaskName(item: RetryItem, attempt: number): string {
  return taskName('retry', item.scraper_name, item.target_date, cycleOf(item), attempt);
}

export function retryTask(item: RetryItem, attempt: number, at: Date, suffix?: string) {
  return {
    name: suffix
      ? taskName('retry', item.scraper_name, item.target_date, cycleOf(item), attempt, suffix)
      : retryTaskName(item, attempt),
    route: RETRY_ROUTE,
    body: { itemId: item.doc_id, attempt, cycle: cycleOf(item) },
    scheduleTime: at,
  };
}

export const retryIntent = (item: RetryItem, attempt: number, what: string) =>
  `retry:${item.doc_id}:${cycleOf(item)}:${attempt}:${what}`;

/**
 * Create (or join) the item `<name>_<date>`, enqueue attempt 1 at now + backoff[0], reply "Retry 1/3 …
 * scheduled 04:00 ET by @user" in the alert's thread, and audit the click. A second click joins: no new
 * item, the pending attempt's task is enqueued again under its own name (so a crash between the item and
 * its task heals, and otherwise answers 'exists'), and the caller gets "already in progress".
 */
export async function requestRetry(deps: RetryServices, request: RetryRequest): Promise<RetryRequested> {
  const now = deps.clock.now();
  const backoffMinutes = backoffMinutesFor(request.kind, deps.config.recovery);
  const { item, outcome } = await retryQueue.createOrJoin(deps.store, {
    kind: request.kind,
    name: request.name,
    date: request.date,
    reason: request.reason,
    originalError: request.originalError ?? request.reason,
    expectedRecords: request.expected,
    nextRetryAt: attemptDueAt(1, now, backoffMinutes),
    backoffMinutes,
    incidentId: request.incidentId,
    now,
  });
  const joined = outcome === 'joined';
  const running = item.status === 'retrying';
  const attempt = running ? item.retry_attempts : item.retry_attempts + 1;
  const at = item.next_retry_at ?? now;
  // A new item's "scheduled" reply is written before its task is enqueued: the thread reads in causal order
  // even when the attempt is due at once and the queue runs it before enqueue returns. The item exists: a
  // failed reply does not make the retry look unscheduled, and a task lost after it is enqueued again by
  // the sweeper.
  const reply = joined
    ? 'none'
    : (
        await replyAfterStored(
          deps,
          item.incident_id,
          retryIntent(item, attempt, 'scheduled'),
          retryScheduledReply({
            subject: { name: item.scraper_name, date: item.target_date },
            attempt,
            maxRetries: item.max_retries,
            at,
            by: request.requestedBy,
            backoff: { kind: item.kind, minutes: itemBackoffMinutes(item, deps.config.recovery) },
            now,
            fmt: deps.fmt,
          }),
        )
      ).result;
  // Enqueued after the item's transaction committed: never inside it (it may run twice).
  const task = running ? 'none' : await deps.tasks.enqueue(retryTask(item, attempt, at));

  await audit.append(
    deps.store,
    {
      who: auditWho(request.requestedBy),
      action: 'retry',
      target: item.doc_id,
      incident_id: request.incidentId,
      at: now,
      outcome: joined ? 'ignored' : 'ok',
      details: {
        kind: request.kind,
        name: request.name,
        date: request.date,
        reason: request.reason,
        attempt,
        ...('policy' in request.requestedBy ? { policy: request.requestedBy.policy } : {}),
      },
    },
    request.auditId,
  );

  if (joined) {
    deps.log.info('retry joined the item in progress', { item: item.doc_id, attempt, task });
    return {
      outcome: 'already_scheduled',
      item,
      attempt,
      task,
      reply: 'none',
      ephemeral: alreadyScheduledText({
        name: item.scraper_name,
        date: item.target_date,
        attempt,
        maxRetries: item.max_retries,
        at: item.next_retry_at,
        running,
        now,
        fmt: deps.fmt,
      }),
    };
  }

  deps.log.info('retry scheduled', { item: item.doc_id, attempt, at: at.toISOString(), task, reply });
  return {
    outcome: 'scheduled',
    item,
    attempt,
    task,
    reply,
    ephemeral: scheduledText({ name: item.scraper_name, date: item.target_date, at, now, fmt: deps.fmt }),
  };
}
