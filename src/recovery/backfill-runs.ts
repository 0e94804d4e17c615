// The Store document of one Backfill request: one entry per date, so progress ("3/7 dates done") and the
// final summary come from one place, and each date's task is claimed once however often it is delivered.
import { z } from 'zod';
import { parseDoc } from '../store/doc-schema.js';
import { type DocumentStore, docId, retryIfAlreadyExists, type Transaction } from '../store/port.js';

export const BACKFILL_RUNS = 'backfill_runs';

const dateEntrySchema = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  status: z.enum(['pending', 'running', 'done', 'failed']),
  claimed_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  received: z.number().int().min(0).nullable(),
  expected: z.number().int().min(0).nullable(),
  error: z.string().nullable(),
  /** Deliveries that claimed this date (more than 1 only after an interrupted run). */
  runs: z.number().int().min(0),
});
export type BackfillDate = z.infer<typeof dateEntrySchema>;

export const backfillRunSchema = z.object({
  request_id: z.string(),
  scraper: z.string(),
  from: z.string(),
  until: z.string(),
  incident_id: z.string().nullable(),
  /** Slack user id, or `system` with `policy` set. */
  requested_by: z.string(),
  policy: z.string().nullable(),
  reason: z.string(),
  dates: z.array(dateEntrySchema),
  created_at: z.date(),
  updated_at: z.date(),
  finished_at: z.date().nullable(),
});
export type BackfillRun = z.infer<typeof backfillRunSchema>;

async function read(tx: Pick<Transaction, 'get'>, requestId: string): Promise<BackfillRun | undefined> {
  const data = await tx.get(BACKFILL_RUNS, docId(requestId));
  return data ? parseDoc(backfillRunSchema, data, `${BACKFILL_RUNS}/${docId(requestId)}`) : undefined;
}

export function get(store: DocumentStore, requestId: string): Promise<BackfillRun | undefined> {
  return read(store, requestId);
}

/** Create the run, or return the one a previous submission of the same request created. */
export function createRun(
  store: DocumentStore,
  run: BackfillRun,
): Promise<{ run: BackfillRun; created: boolean }> {
  const valid = backfillRunSchema.parse(run);
  return retryIfAlreadyExists(() =>
    store.runTransaction(async (tx) => {
      const existing = await read(tx, valid.request_id);
      if (existing) return { run: existing, created: false };
      tx.create(BACKFILL_RUNS, docId(valid.request_id), valid);
      return { run: valid, created: true };
    }),
  );
}

export type DateClaim =
  | { readonly result: 'claimed'; readonly run: BackfillRun; readonly rerun: boolean }
  /** Already finished: a duplicate delivery. */
  | { readonly result: 'finished'; readonly run: BackfillRun }
  /** Another delivery claimed it less than `inFlightMs` ago. */
  | { readonly result: 'in_flight'; readonly run: BackfillRun }
  | { readonly result: 'not_found' };

/**
 * Claim a date for one delivery. A claim older than `inFlightMs` without a result was interrupted (a crash):
 * it is claimed again (scraping a date twice is harmless for a backfill; losing it is not).
 */
export function claimDate(
  store: DocumentStore,
  requestId: string,
  date: string,
  now: Date,
  inFlightMs: number,
): Promise<DateClaim> {
  return store.runTransaction(async (tx): Promise<DateClaim> => {
    const run = await read(tx, requestId);
    const entry = run?.dates.find((d) => d.date === date);
    if (!run || !entry) return { result: 'not_found' };
    if (entry.status === 'done' || entry.status === 'failed') return { result: 'finished', run };
    if (
      entry.status === 'running' &&
      entry.claimed_at &&
      now.getTime() - entry.claimed_at.getTime() < inFlightMs
    ) {
      return { result: 'in_flight', run };
    }
    const claimed: BackfillDate = { ...entry, status: 'running', claimed_at: now, runs: entry.runs + 1 };
    const next: BackfillRun = {
      ...run,
      dates: run.dates.map((d) => (d.date === date ? claimed : d)),
      updated_at: now,
    };
    tx.set(BACKFILL_RUNS, docId(requestId), next);
    return { result: 'claimed', run: next, rerun: entry.status === 'running' };
  });
}

/** Record a date's result once; the run is finished when no date is pending or running. */
export function recordDate(
  store: DocumentStore,
  requestId: string,
  date: string,
  result: Pick<BackfillDate, 'received' | 'expected' | 'error'> & { readonly ok: boolean },
  now: Date,
): Promise<{ run: BackfillRun; changed: boolean }> {
  return store.runTransaction(async (tx) => {
    const run = await read(tx, requestId);
    const entry = run?.dates.find((d) => d.date === date);
    if (!run || !entry) throw new Error(`${BACKFILL_RUNS}/${requestId}: no date ${date}`);
    if (entry.status === 'done' || entry.status === 'failed') return { run, changed: false };
    const recorded: BackfillDate = {
      ...entry,
      status: result.ok ? 'done' : 'failed',
      finished_at: now,
      received: result.received,
      expected: result.expected,
      error: result.error,
    };
    const dates = run.dates.map((d) => (d.date === date ? recorded : d));
    const finished = dates.every((d) => d.status === 'done' || d.status === 'failed');
    const next: BackfillRun = { ...run, dates, updated_at: now, finished_at: finished ? now : null };
    tx.set(BACKFILL_RUNS, docId(requestId), next);
    return { run: next, changed: true };
  });
}

/** Dates finished so far (done or failed) and failed among them. */
export function progressOf(run: BackfillRun): { done: number; failed: number; total: number } {
  const finished = run.dates.filter((d) => d.status === 'done' || d.status === 'failed');
  return {
    done: finished.length,
    failed: finished.filter((d) => d.status === 'failed').length,
    total: run.dates.length,
  };
}
