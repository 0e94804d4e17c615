import { z } from 'zod';
import { parseDoc } from './doc-schema.js';
import {
  type DocData,
  type DocumentStore,
  docId,
  NotFoundError,
  StoreError,
  type Transaction,
} from './port.js';

/**
 * The pipeline team's collection and layout, so their own tools keep reading it
 * (docs/pipeline.md#firestore-retry-queue).
 */
export const RETRY_QUEUE = 'scrape_retry_queue';
export const RETRY_STATUSES = ['pending', 'retrying', 'recovered', 'exhausted'] as const;
export type RetryStatus = (typeof RETRY_STATUSES)[number];
export const DEFAULT_MAX_RETRIES = 3;

const attemptSchema = z.object({
  attempt: z.number().int().min(1),
  /** The task that claimed this attempt; a redelivery of any task for the same attempt is a duplicate. */
  task_name: z.string(),
  claimed_at: z.date(),
  /** When the outcome was recorded; null while the attempt runs (or after a crash mid-attempt). */
  attempted_at: z.date().nullable(),
  result: z.enum(['recovered', 'partial', 'failed']).nullable(),
  records_received: z.number().int().min(0).nullable(),
  error: z.string().nullable(),
});
export type RetryAttempt = z.infer<typeof attemptSchema>;

export const retryItemSchema = z.object({
  /** `<scraper>_<date>`, e.g. `bdl_box_scores_2026-01-19`. */
  doc_id: z.string(),
  kind: z.enum(['scraper', 'processor']),
  /** The scraper's name (for kind `processor`, the processor's), as the pipeline team names the field. */
  scraper_name: z.string(),
  target_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  reason: z.string(),
  original_error: z.string(),
  expected_records: z.number().int().min(0).nullable(),
  retry_attempts: z.number().int().min(0),
  max_retries: z.number().int().min(1),
  /**
   * shotclock's field: minutes waited before attempts 1, 2, 3 (the scraper or the processor schedule the item
   * was created with, docs/pipeline.md#retry-schedule); absent on items written before it existed.
   */
  backoff_minutes: z.array(z.number().min(0)).min(1).optional(),
  next_retry_at: z.date().nullable(),
  retry_history: z.array(attemptSchema),
  status: z.enum(RETRY_STATUSES),
  incident_id: z.string().nullable(),
  correlation_id: z.string().nullable(),
  created_at: z.date(),
  updated_at: z.date(),
  recovered_at: z.date().nullable(),
  exhausted_at: z.date().nullable(),
});
export type RetryItem = z.infer<typeof retryItemSchema>;

export function retryItemId(name: string, date: string): string {
  return docId(`${name}_${date}`);
}

const fromDoc = (data: DocData, id: string): RetryItem =>
  parseDoc(retryItemSchema, data, `${RETRY_QUEUE}/${id}`);

async function read(tx: Pick<Transaction, 'get'>, id: string): Promise<RetryItem | undefined> {
  const data = await tx.get(RETRY_QUEUE, id);
  return data ? fromDoc(data, id) : undefined;
}

export function get(store: DocumentStore, id: string): Promise<RetryItem | undefined> {
  return read(store, id);
}

export interface CreateOrJoinInput {
  readonly kind: 'scraper' | 'processor';
  readonly name: string;
  readonly date: string;
  readonly reason: string;
  readonly originalError: string;
  readonly expectedRecords: number | null;
  /** When attempt 1 is due (the backoff schedule is the caller's). */
  readonly nextRetryAt: Date;
  /** The delays (minutes) the item's attempts wait, recorded on it for its thread and the retry queue. */
  readonly backoffMinutes?: readonly number[];
  readonly maxRetries?: number;
  readonly incidentId?: string | null;
  readonly correlationId?: string | null;
  readonly now: Date;
}

/**
 * Create the item for (name, date), or join the one in progress (a second click, an automatic discrepancy and
 * a manual Retry all land on one item). A recovered or exhausted item that fails again starts over.
 */
export function createOrJoin(
  store: DocumentStore,
  input: CreateOrJoinInput,
): Promise<{ item: RetryItem; outcome: 'created' | 'joined' | 'restarted' }> {
  const id = retryItemId(input.name, input.date);
  return store.runTransaction(async (tx) => {
    const current = await read(tx, id);
    if (current && (current.status === 'pending' || current.status === 'retrying')) {
      if (current.incident_id !== null || !input.incidentId) return { item: current, outcome: 'joined' };
      const joined: RetryItem = { ...current, incident_id: input.incidentId, updated_at: input.now };
      tx.set(RETRY_QUEUE, id, joined);
      return { item: joined, outcome: 'joined' };
    }
    const item = retryItemSchema.parse({
      doc_id: id,
      kind: input.kind,
      scraper_name: input.name,
      target_date: input.date,
      reason: input.reason,
      original_error: input.originalError,
      expected_records: input.expectedRecords,
      retry_attempts: 0,
      max_retries: input.maxRetries ?? DEFAULT_MAX_RETRIES,
      ...(input.backoffMinutes ? { backoff_minutes: [...input.backoffMinutes] } : {}),
      next_retry_at: input.nextRetryAt,
      retry_history: [],
      status: 'pending',
      incident_id: input.incidentId ?? null,
      correlation_id: input.correlationId ?? null,
      created_at: input.now,
      updated_at: input.now,
      recovered_at: null,
      exhausted_at: null,
    } satisfies RetryItem);
    tx.set(RETRY_QUEUE, id, item);
    return { item, outcome: current ? 'restarted' : 'created' };
  });
}

export type ClaimResult =
  | { readonly result: 'claimed' | 'duplicate'; readonly item: RetryItem }
  /** Not the next attempt (out of order, after the item finished, or beyond max_retries): do nothing. */
  | { readonly result: 'stale'; readonly item: RetryItem }
  | { readonly result: 'not_found' };

/**
 * Claim attempt `attempt` for a task delivery. Cloud Tasks delivers at least once, so only the first delivery
 * of an attempt gets 'claimed' (and may scrape); every other delivery gets 'duplicate' with the item as it is,
 * whose history says whether the attempt's outcome was recorded.
 */
export function claimAttempt(
  store: DocumentStore,
  id: string,
  attempt: number,
  taskName: string,
  now: Date,
): Promise<ClaimResult> {
  return store.runTransaction(async (tx): Promise<ClaimResult> => {
    const item = await read(tx, id);
    if (!item) return { result: 'not_found' };
    if (item.retry_history.some((a) => a.attempt === attempt)) return { result: 'duplicate', item };
    const next = item.retry_attempts + 1;
    if (item.status !== 'pending' || attempt !== next || attempt > item.max_retries) {
      return { result: 'stale', item };
    }
    const claimed: RetryItem = {
      ...item,
      status: 'retrying',
      retry_attempts: attempt,
      retry_history: [
        ...item.retry_history,
        {
          attempt,
          task_name: taskName,
          claimed_at: now,
          attempted_at: null,
          result: null,
          records_received: null,
          error: null,
        },
      ],
      updated_at: now,
    };
    tx.set(RETRY_QUEUE, id, claimed);
    return { result: 'claimed', item: claimed };
  });
}

export interface AttemptOutcome {
  readonly result: 'recovered' | 'partial' | 'failed';
  readonly recordsReceived: number | null;
  readonly error?: string | null;
  /** When the next attempt is due; required unless recovered or this was the last attempt. */
  readonly nextRetryAt?: Date | null;
}

/**
 * Record a claimed attempt's outcome: recovered → recovered; the last attempt failing → exhausted; otherwise
 * pending again until `nextRetryAt`. Recording the same attempt twice changes nothing (`changed: false`).
 */
export function recordOutcome(
  store: DocumentStore,
  id: string,
  attempt: number,
  outcome: AttemptOutcome,
  now: Date,
): Promise<{ item: RetryItem; changed: boolean }> {
  return store.runTransaction(async (tx) => {
    const item = await read(tx, id);
    if (!item) throw new NotFoundError(RETRY_QUEUE, id);
    const entry = item.retry_history.find((a) => a.attempt === attempt);
    if (!entry) throw new StoreError(`${RETRY_QUEUE}/${id}: attempt ${attempt} was never claimed`);
    if (entry.result !== null) return { item, changed: false };
    const recorded: RetryAttempt = {
      ...entry,
      attempted_at: now,
      result: outcome.result,
      records_received: outcome.recordsReceived,
      error: outcome.error ?? null,
    };
    const history = item.retry_history.map((a) => (a.attempt === attempt ? recorded : a));
    const base: RetryItem = { ...item, retry_history: history, updated_at: now };
    let next: RetryItem;
    if (outcome.result === 'recovered') {
      next = { ...base, status: 'recovered', recovered_at: now, next_retry_at: null };
    } else if (attempt >= item.max_retries) {
      next = { ...base, status: 'exhausted', exhausted_at: now, next_retry_at: null };
    } else {
      if (!outcome.nextRetryAt)
        throw new StoreError(`${RETRY_QUEUE}/${id}: attempt ${attempt} needs nextRetryAt`);
      next = { ...base, status: 'pending', next_retry_at: outcome.nextRetryAt };
    }
    tx.set(RETRY_QUEUE, id, next);
    return { item: next, changed: true };
  });
}

/** Pending items whose next attempt is due at `now`, most overdue first (the sweeper's work list). */
export async function listDue(store: DocumentStore, now: Date, limit = 50): Promise<RetryItem[]> {
  const docs = await store.query(RETRY_QUEUE, {
    where: [
      ['status', '==', 'pending'],
      ['next_retry_at', '<=', now],
    ],
    orderBy: [{ field: 'next_retry_at' }],
    limit,
  });
  return docs.map((d) => fromDoc(d.data, d.id));
}

/** Items in the given statuses, newest first (`/retry-queue`, App Home). */
export async function listByStatus(
  store: DocumentStore,
  statuses: RetryStatus | readonly RetryStatus[],
  limit = 100,
): Promise<RetryItem[]> {
  const list = typeof statuses === 'string' ? [statuses] : [...statuses];
  const docs = await store.query(RETRY_QUEUE, {
    where: [['status', 'in', list]],
    orderBy: [{ field: 'created_at', direction: 'desc' }],
    limit,
  });
  return docs.map((d) => fromDoc(d.data, d.id));
}
