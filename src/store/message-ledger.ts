import { z } from 'zod';
import { docObjectSchema, parseDoc } from './doc-schema.js';
import { isExpired } from './expiry.js';
import {
  type DocData,
  type DocumentStore,
  docId,
  NotFoundError,
  normalizeDoc,
  retryIfAlreadyExists,
} from './port.js';

export const MESSAGE_LEDGER = 'message_ledger';

/**
 * Crash-safe Slack posting: decide → `claim` the intent → call Slack → `recordPosted`. chat.postMessage has no
 * idempotency key, so the claim is the only thing that stops a second instance (or a restart) from posting the
 * same message again; a claim left without a ts is finished by the next run (`listUnfinished`). An entry
 * is kept RETENTION_DAYS after its post (`expire_at`, src/store/retention.ts), long past any retry of
 * its intent; until deleted, an expired entry still stops a second post.
 */
export const claimSchema = z.object({
  intent_id: z.string(),
  /** What to post (channel, thread, text, blocks…): enough for a later run to finish the intent. */
  payload: docObjectSchema,
  status: z.enum(['claimed', 'posted']),
  claimed_at: z.date(),
  channel: z.string().nullable(),
  ts: z.string().nullable(),
  posted_at: z.date().nullable(),
  /**
   * Set when the claimant gave the intent up without a ts (its post failed, or it stopped first): the next
   * run finishes it at once instead of waiting out the unfinished window. Absent on older claims.
   */
  released_at: z.date().nullable().default(null),
  /** When a later run last took the intent over to finish it (its own in-flight window starts here). */
  taken_at: z.date().nullable().default(null),
});
export type Claim = z.infer<typeof claimSchema>;

const fromDoc = (data: DocData, id: string): Claim => parseDoc(claimSchema, data, `${MESSAGE_LEDGER}/${id}`);

export async function get(store: DocumentStore, intentId: string): Promise<Claim | undefined> {
  const data = await store.get(MESSAGE_LEDGER, docId(intentId));
  return data ? fromDoc(data, intentId) : undefined;
}

/**
 * Claim an intent (e.g. `post:<incident id>`, `reply:<incident id>:resolved`). Only the caller that gets
 * `created: true` may call Slack; everyone else gets the existing claim, never a new one.
 */
export function claim(
  store: DocumentStore,
  intentId: string,
  payload: DocData,
  now: Date,
): Promise<{ claim: Claim; created: boolean }> {
  const id = docId(intentId);
  return retryIfAlreadyExists(() =>
    store.runTransaction(async (tx) => {
      const existing = await tx.get(MESSAGE_LEDGER, id);
      if (existing) return { claim: fromDoc(existing, id), created: false };
      const fresh = claimSchema.parse({
        intent_id: intentId,
        payload: normalizeDoc(payload),
        status: 'claimed',
        claimed_at: now,
        channel: null,
        ts: null,
        posted_at: null,
        released_at: null,
        taken_at: null,
      });
      tx.create(MESSAGE_LEDGER, id, fresh);
      return { claim: fresh, created: true };
    }),
  );
}

/** Record where the message landed. The first recorded ts wins; recording again returns it unchanged. */
export function recordPosted(
  store: DocumentStore,
  intentId: string,
  message: { channel: string; ts: string },
  now: Date,
): Promise<Claim> {
  const id = docId(intentId);
  return store.runTransaction(async (tx) => {
    const existing = await tx.get(MESSAGE_LEDGER, id);
    if (!existing) throw new NotFoundError(MESSAGE_LEDGER, id);
    const current = fromDoc(existing, id);
    if (current.status === 'posted') return current;
    const posted: Claim = {
      ...current,
      status: 'posted',
      channel: message.channel,
      ts: message.ts,
      posted_at: now,
    };
    tx.set(MESSAGE_LEDGER, id, posted);
    return posted;
  });
}

/** When an unfinished claim's holder last started on it: its claim, or a later run's takeover. */
export const lastTakenAt = (claim: Claim): Date => claim.taken_at ?? claim.claimed_at;

/**
 * The claimant gives an unfinished intent up (its post failed, or it is stopping): anyone may finish it now.
 * Whether Slack has the message is for the one who finishes it to find out (`findByIntent` first).
 */
export function release(store: DocumentStore, intentId: string, now: Date): Promise<boolean> {
  const id = docId(intentId);
  return store.runTransaction(async (tx) => {
    const existing = await tx.get(MESSAGE_LEDGER, id);
    if (!existing || fromDoc(existing, id).status !== 'claimed') return false;
    tx.update(MESSAGE_LEDGER, id, { released_at: now });
    return true;
  });
}

/**
 * Take an unfinished intent over to finish it: true for exactly one caller, and only while the intent is
 * still unfinished and either released or last taken before `staleBefore` (a crash between claim and
 * record). The taker then owns it as a claimant does: it records the post or releases it again.
 */
export function takeOver(
  store: DocumentStore,
  intentId: string,
  now: Date,
  staleBefore: Date,
): Promise<Claim | undefined> {
  const id = docId(intentId);
  return store.runTransaction(async (tx) => {
    const existing = await tx.get(MESSAGE_LEDGER, id);
    if (!existing) return undefined;
    const current = fromDoc(existing, id);
    if (!isFinishable(current, staleBefore)) return undefined;
    tx.update(MESSAGE_LEDGER, id, { released_at: null, taken_at: now });
    return { ...current, released_at: null, taken_at: now };
  });
}

const isFinishable = (claim: Claim, staleBefore: Date): boolean =>
  claim.status === 'claimed' &&
  (claim.released_at !== null || lastTakenAt(claim).getTime() < staleBefore.getTime());

/**
 * Unfinished claims a run may finish at `now`, oldest first: released ones, and ones last taken before
 * `staleBefore` (a crash between claim and record; pass a cut-off far enough in the past that another
 * instance's post in flight is left alone). A claim past its retention (`expire_at`) is too old to post.
 */
export async function listUnfinished(
  store: DocumentStore,
  staleBefore: Date,
  now: Date,
  limit = 100,
): Promise<Claim[]> {
  // Unfinished claims are few (a post in flight, or one a failure left), so the choice is made here.
  const docs = await store.query(MESSAGE_LEDGER, {
    where: [['status', '==', 'claimed']],
    orderBy: [{ field: 'claimed_at' }],
    limit,
  });
  return docs
    .filter((d) => !isExpired(d.data, now))
    .map((d) => fromDoc(d.data, d.id))
    .filter((c) => isFinishable(c, staleBefore));
}
