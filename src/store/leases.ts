import { z } from 'zod';
import { parseDoc } from './doc-schema.js';
import { type DocData, type DocumentStore, docId } from './port.js';

export const LEASES = 'leases';

/**
 * A named lease, e.g. `job:scraper_gaps:2026-01-19T04:00` (one scheduled slot of one job): the instance that
 * acquires it runs the slot. A holder that crashes loses it when `expires_at` passes; one that finishes marks it
 * finished, so a late instance never runs the same slot again. Expiry is compared here against the injected
 * time, not left to Firestore's TTL deletion (which lags up to a day).
 */
export const leaseSchema = z.object({
  name: z.string(),
  holder: z.string(),
  acquired_at: z.date(),
  expires_at: z.date(),
  finished_at: z.date().nullable(),
  /**
   * Set when the holder stopped before the slot's work was done (graceful shutdown): the lease is free at
   * once and listed by `listHandedBack`, so another instance runs the slot now. Absent on other leases.
   */
  handed_back_at: z.date().nullable().default(null),
});
export type Lease = z.infer<typeof leaseSchema>;

const fromDoc = (data: DocData, id: string): Lease => parseDoc(leaseSchema, data, `${LEASES}/${id}`);

export async function get(store: DocumentStore, name: string): Promise<Lease | undefined> {
  const data = await store.get(LEASES, docId(name));
  return data ? fromDoc(data, name) : undefined;
}

export interface AcquireInput {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  readonly now: Date;
}

/**
 * True for exactly one of any number of concurrent acquirers. The holder may call again to extend its lease;
 * anyone may take over a lease whose expiry has passed; nobody takes a finished one.
 */
export function acquire(store: DocumentStore, input: AcquireInput): Promise<boolean> {
  const id = docId(input.name);
  return store.runTransaction(async (tx) => {
    const data = await tx.get(LEASES, id);
    const current = data ? fromDoc(data, id) : undefined;
    if (current) {
      if (current.finished_at !== null) return false;
      const mine = current.holder === input.holder;
      if (!mine && current.expires_at.getTime() > input.now.getTime()) return false;
    }
    const lease: Lease = {
      name: input.name,
      holder: input.holder,
      acquired_at: current?.holder === input.holder ? current.acquired_at : input.now,
      expires_at: new Date(input.now.getTime() + input.ttlMs),
      finished_at: null,
      handed_back_at: null,
    };
    tx.set(LEASES, id, lease);
    return true;
  });
}

/** Give up an unfinished lease (graceful shutdown) so another instance can take the slot now. Holder only. */
export function release(store: DocumentStore, name: string, holder: string): Promise<boolean> {
  const id = docId(name);
  return store.runTransaction(async (tx) => {
    const data = await tx.get(LEASES, id);
    if (!data) return false;
    const current = fromDoc(data, id);
    if (current.holder !== holder || current.finished_at !== null) return false;
    tx.delete(LEASES, id);
    return true;
  });
}

/** The slot's work is done: keep the lease as a record so no instance runs the slot again. Holder only. */
export function finish(store: DocumentStore, name: string, holder: string, now: Date): Promise<boolean> {
  const id = docId(name);
  return store.runTransaction(async (tx) => {
    const data = await tx.get(LEASES, id);
    if (!data) return false;
    const current = fromDoc(data, id);
    if (current.holder !== holder || current.finished_at !== null) return false;
    tx.update(LEASES, id, { finished_at: now });
    return true;
  });
}

/**
 * The holder stopped before the slot's work was done (graceful shutdown with work left): the lease expires
 * now, so anyone may take it, and is marked so `listHandedBack` finds it. Holder only, unfinished only.
 */
export function handBack(store: DocumentStore, name: string, holder: string, now: Date): Promise<boolean> {
  const id = docId(name);
  return store.runTransaction(async (tx) => {
    const data = await tx.get(LEASES, id);
    if (!data) return false;
    const current = fromDoc(data, id);
    if (current.holder !== holder || current.finished_at !== null) return false;
    tx.update(LEASES, id, { expires_at: now, handed_back_at: now });
    return true;
  });
}

/** Leases handed back since `since` and not taken again (taking one clears its mark), oldest first. */
export async function listHandedBack(store: DocumentStore, since: Date): Promise<Lease[]> {
  // One range filter: Firestore's automatic single-field index serves it; hand-backs are rare.
  const docs = await store.query(LEASES, { where: [['handed_back_at', '>=', since]] });
  return docs
    .map((d) => fromDoc(d.data, d.id))
    .filter((l) => l.finished_at === null)
    .sort((a, b) => (a.handed_back_at?.getTime() ?? 0) - (b.handed_back_at?.getTime() ?? 0));
}

/** Whether any lease named after `name` within its prefix exists (a later slot of the same job was taken). */
export async function anyAfter(store: DocumentStore, name: string, prefix: string): Promise<boolean> {
  // Names sort by slot within a job (ISO times): one range on `name`, served by the automatic index.
  const docs = await store.query(LEASES, {
    where: [
      ['name', '>', name],
      ['name', '<', `${prefix}\uf8ff`],
    ],
    limit: 1,
  });
  return docs.length > 0;
}
