import { z } from 'zod';
import { docObjectSchema, parseDoc } from './doc-schema.js';
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
 * same message again; a claim left without a ts is finished by the next run (`listUnfinished`).
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

/**
 * Claims still without a ts that were made before `olderThan`, oldest first: a crash between claim and
 * result. Pass a cut-off a little in the past so another instance's in-flight post is left alone.
 */
export async function listUnfinished(store: DocumentStore, olderThan: Date, limit = 100): Promise<Claim[]> {
  const docs = await store.query(MESSAGE_LEDGER, {
    where: [
      ['status', '==', 'claimed'],
      ['claimed_at', '<', olderThan],
    ],
    orderBy: [{ field: 'claimed_at' }],
    limit,
  });
  return docs.map((d) => fromDoc(d.data, d.id));
}
