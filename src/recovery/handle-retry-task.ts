// The core of POST /tasks/retry: one attempt of one retry-queue item, exactly once per attempt however often
// Cloud Tasks delivers it. Order: claim (Store) → call the service → verify in the warehouse → record (Store)
// → reply in the thread → enqueue the next attempt → mark a recovered scrape's events in the warehouse →
// update the alert (resolved / exhausted). Everything
// after the record is idempotent, so a redelivery after a crash finishes it without re-scraping.
import { z } from 'zod';
import type { ConfigOf, Services } from '../services.js';
import * as ledger from '../store/message-ledger.js';
import type { RetryAttempt, RetryItem } from '../store/retry-queue.js';
import * as retryQueue from '../store/retry-queue.js';
import { attemptOutcomeReply, exhaustedReply, recoveredReply } from '../views/thread.js';
import { cycleOf, decideAttempt, itemBackoffMinutes } from './backoff.js';
import { markScrapeEventsRecovered } from './mark-recovered.js';
import type { ServiceResult, Verification } from './ports.js';
import { retryIntent, retryTask } from './request-retry.js';
import { type ReplyResult, replyInThread } from './thread.js';

/**
 * What a retry attempt uses: the services to call and verify, and the incident messages to edit when it
 * recovers or runs out of attempts.
 */
export type RetryTaskServices = Pick<
  Services,
  | 'store'
  | 'chat'
  | 'clock'
  | 'tasks'
  | 'scraper'
  | 'processor'
  | 'verifier'
  | 'fmt'
  | 'operators'
  | 'incidentMessages'
  | 'inFlightMs'
  | 'warehouse'
  | 'log'
> &
  ConfigOf<'recovery'>;

/** The task body (what requestRetry / the sweeper enqueue) plus the delivering task's name. */
export interface RetryTaskInput {
  readonly itemId: string;
  readonly attempt: number;
  /** X-CloudTasks-TaskName: recorded on the attempt it claims. */
  readonly taskName: string;
  /** The item's cycle the task was made for; a task from before a restart is ignored. */
  readonly cycle?: string;
}

const retryTaskBodySchema = z.object({
  itemId: z.string().min(1),
  attempt: z.number().int().min(1),
  cycle: z.string().min(1).optional(),
});

/**
 * Read a /tasks/retry body (what requestRetry and the sweeper enqueue). Returns undefined for a body that is
 * not one: the route answers 400 then (a forged or garbled task changes nothing).
 */
export function parseRetryTaskBody(
  body: unknown,
): { itemId: string; attempt: number; cycle?: string } | undefined {
  const parsed = retryTaskBodySchema.safeParse(body);
  return parsed.success ? parsed.data : undefined;
}

export type RetryTaskResult =
  /** Attempt ran now, or finished now after an interrupted run. */
  | 'attempted'
  | 'completed_after_interruption'
  /** A redelivery of a finished attempt: follow-ups re-checked (all idempotent), nothing else. */
  | 'duplicate'
  /** Not this item's next attempt (out of order, finished item, older cycle): ignored. */
  | 'stale'
  | 'in_flight'
  | 'unknown_item';

export interface RetryTaskResponse {
  /**
   * 200 done (do not redeliver); 404 unknown item (fails the task, nothing changed); 503 the attempt is
   * running in another delivery: "later" (both queues retry 5xx; the local queue fails a 4xx at once, so a
   * redelivery right after a crash would otherwise be dropped).
   */
  readonly status: 200 | 404 | 503;
  readonly body: {
    readonly result: RetryTaskResult;
    readonly itemId: string;
    readonly attempt: number;
    readonly outcome?: 'recovered' | 'partial' | 'failed' | null;
    readonly status?: RetryItem['status'];
    readonly reply?: ReplyResult;
  };
}

export async function handleRetryTask(
  deps: RetryTaskServices,
  input: RetryTaskInput,
): Promise<RetryTaskResponse> {
  const { itemId, attempt } = input;
  const respond = (
    status: 200 | 404 | 503,
    result: RetryTaskResult,
    extra: Partial<RetryTaskResponse['body']> = {},
  ) => ({
    status,
    body: { result, itemId, attempt, ...extra },
  });

  const before = await retryQueue.get(deps.store, itemId);
  if (!before) {
    deps.log.info('retry task for an unknown item: nothing changed', {
      item: itemId,
      attempt,
      task: input.taskName,
    });
    return respond(404, 'unknown_item');
  }
  if (input.cycle !== undefined && input.cycle !== cycleOf(before)) {
    deps.log.info('retry task from an earlier cycle of the item: ignored', { item: itemId, attempt });
    return respond(200, 'stale', { status: before.status });
  }

  const claim = await retryQueue.claimAttempt(deps.store, itemId, attempt, input.taskName, deps.clock.now());
  if (claim.result === 'not_found') return respond(404, 'unknown_item');
  if (claim.result === 'stale') {
    deps.log.info('retry task is not the next attempt: ignored', {
      item: itemId,
      attempt,
      status: claim.item.status,
      attempts: claim.item.retry_attempts,
    });
    return respond(200, 'stale', { status: claim.item.status });
  }

  let item = claim.item;
  const entry = attemptOf(item, attempt);
  let result: RetryTaskResult = 'attempted';
  let verification: Verification | null = null;

  if (claim.result === 'duplicate') {
    if (entry.result !== null) {
      const reply = await followUp(deps, item, attempt, null);
      return respond(200, 'duplicate', { outcome: entry.result, status: item.status, reply });
    }
    if (deps.clock.now().getTime() - entry.claimed_at.getTime() < deps.inFlightMs) {
      return respond(503, 'in_flight', { status: item.status });
    }
    // The delivery that claimed it crashed somewhere between claim and record. It may have called the
    // service already, so do not call it again: judge the attempt by what the warehouse holds.
    result = 'completed_after_interruption';
    const checked = await verify(deps, item);
    verification = checked.verification;
    item = await record(
      deps,
      item,
      attempt,
      verification,
      checked.error ?? 'interrupted: judged by the warehouse without calling the service again',
    );
  } else {
    const call = await callService(deps, item, attempt);
    const checked = await verify(deps, item);
    verification = checked.verification;
    item = await record(deps, item, attempt, verification, call.error ?? checked.error);
  }

  const reply = await followUp(deps, item, attempt, verification);
  const recorded = attemptOf(item, attempt);
  deps.log.info('retry attempt recorded', {
    item: itemId,
    attempt,
    outcome: recorded.result,
    status: item.status,
    reply,
  });
  return respond(200, result, { outcome: recorded.result, status: item.status, reply });
}

function attemptOf(item: RetryItem, attempt: number): RetryAttempt {
  const entry = item.retry_history.find((a) => a.attempt === attempt);
  if (!entry) throw new Error(`${item.doc_id}: attempt ${attempt} missing from its history`);
  return entry;
}

async function callService(
  deps: RetryTaskServices,
  item: RetryItem,
  attempt: number,
): Promise<{ result?: ServiceResult; error: string | null }> {
  try {
    const result = await withTimeout(deps.config.recovery.scraperTimeoutMs, (signal) =>
      item.kind === 'scraper'
        ? deps.scraper.scrape(
            { scraper_name: item.scraper_name, params: { date: item.target_date } },
            { signal },
          )
        : deps.processor.run(
            { processor_name: item.scraper_name, game_date: item.target_date, attempt },
            { signal },
          ),
    );
    const failed = /^(error|failed|failure)$/i.test(result.status);
    return { result, error: failed ? (result.error ?? `${item.kind} answered ${result.status}`) : null };
  } catch (error) {
    return { error: errorText(error) };
  }
}

async function verify(
  deps: RetryTaskServices,
  item: RetryItem,
): Promise<{ verification: Verification | null; error: string | null }> {
  try {
    return {
      verification: await deps.verifier.verify(item.kind, item.scraper_name, item.target_date),
      error: null,
    };
  } catch (error) {
    return { verification: null, error: `verification failed: ${errorText(error)}` };
  }
}

async function record(
  deps: RetryTaskServices,
  item: RetryItem,
  attempt: number,
  verification: Verification | null,
  error: string | null,
): Promise<RetryItem> {
  const now = deps.clock.now();
  const decision = decideAttempt({
    item,
    attempt,
    verification,
    error,
    now,
    backoffMinutes: itemBackoffMinutes(item, deps.config.recovery),
  });
  const { item: recorded } = await retryQueue.recordOutcome(
    deps.store,
    item.doc_id,
    attempt,
    {
      result: decision.result,
      recordsReceived: decision.received,
      error: decision.error,
      nextRetryAt: decision.nextRetryAt,
    },
    now,
  );
  return recorded;
}

/**
 * Everything owed after an attempt's outcome is recorded, each step safe to repeat: the next attempt's
 * task (by name), the thread reply (by intent), the alert's update. Only the item's latest attempt drives
 * the next task and the alert's update, so a late redelivery of an old attempt cannot restart anything.
 */
async function followUp(
  deps: RetryTaskServices,
  item: RetryItem,
  attempt: number,
  verification: Verification | null,
): Promise<ReplyResult> {
  const entry = attemptOf(item, attempt);
  const latest = item.retry_attempts === attempt;
  const outcome =
    latest && (item.status === 'recovered' || item.status === 'exhausted') ? item.status : entry.result;
  const intent = retryIntent(item, attempt, outcome ?? 'unknown');
  let reply: ReplyResult;
  try {
    // A redelivery whose reply is already out skips composing it (which would query the warehouse again).
    reply =
      (await ledger.get(deps.store, intent))?.status === 'posted'
        ? 'already_posted'
        : (
            await replyInThread(
              deps,
              item.incident_id,
              intent,
              await outcomeView(deps, item, entry, verification),
            )
          ).result;
  } finally {
    // After the reply that announces it ("… retry 2/3 at …"), so the thread reads in causal order; enqueued
    // even when that reply fails (and a task lost anyway is enqueued again by the sweeper).
    if (latest && item.status === 'pending' && item.next_retry_at)
      await deps.tasks.enqueue(retryTask(item, attempt + 1, item.next_retry_at));
  }
  if (latest && item.status === 'recovered') await markScrapeEventsRecovered(deps, item);
  if (latest && item.incident_id) {
    if (item.status === 'recovered') await deps.incidentMessages.resolveRecovered(item.incident_id);
    if (item.status === 'exhausted') await deps.incidentMessages.refresh(item.incident_id);
  }
  return reply;
}

async function outcomeView(
  deps: RetryTaskServices,
  item: RetryItem,
  entry: RetryAttempt,
  verification: Verification | null,
) {
  // A redelivery composes the reply again: ask the warehouse (read-only) for the expected count and unit.
  const known = verification ?? (await verify(deps, item)).verification;
  const expected = known?.expected ?? item.expected_records;
  const unit = known?.unit ?? 'records';
  const received = entry.records_received;
  const latest = item.retry_attempts === entry.attempt;
  const now = entry.attempted_at ?? deps.clock.now();
  if (latest && item.status === 'recovered') {
    const durationMs = (item.recovered_at ?? now).getTime() - item.created_at.getTime();
    return recoveredReply({ attempts: entry.attempt, durationMs, received, expected, unit });
  }
  if (latest && item.status === 'exhausted') {
    return exhaustedReply({
      attempts: entry.attempt,
      received,
      expected,
      unit,
      operators: deps.operators.mentions,
      lastError: entry.error,
    });
  }
  const next = latest
    ? item.next_retry_at
    : (item.retry_history.find((a) => a.attempt === entry.attempt + 1)?.claimed_at ?? null);
  return attemptOutcomeReply({
    attempt: entry.attempt,
    received,
    expected,
    unit,
    error: entry.error,
    nextAt: next,
    now,
    fmt: deps.fmt,
  });
}

/** Run `fn` with an AbortSignal that fires after `ms`; rejects then even if `fn` ignores the signal. */
export async function withTimeout<T>(ms: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([fn(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
