// Retention of the Store's bookkeeping: audit entries, message-ledger entries and slot leases carry an
// `expire_at` time from when they are written; Firestore deletes them through TTL policies on that field
// (firestore.ttl.json, README "Deploying to Cloud Run"), and `pruneExpired` deletes them in any Store (the
// embedded one has no TTL) from the retry sweeper's runs. Firestore's TTL deletion lags up to a day, so a
// reader for which an expired document would change what the bot does skips it itself (expiry.ts).
import { AUDIT_LOG } from './audit.js';
import { EXPIRE_AT } from './expiry.js';
import { LEASES } from './leases.js';
import { MESSAGE_LEDGER } from './message-ledger.js';
import type { DocData, DocumentStore, Transaction } from './port.js';

/** How long each kind of record is kept (configuration: AUDIT_RETENTION_DAYS, RETENTION_DAYS). */
export interface Retention {
  /** Audit entries: who did what, kept longest. */
  readonly auditMs: number;
  /** Message-ledger entries, slot leases and finished local task rows. */
  readonly recordsMs: number;
}

interface Rule {
  readonly keep: (retention: Retention) => number;
  /** The fields whose time a document's expiry counts from, first present wins. */
  readonly from: readonly string[];
}

/**
 * Per collection: how long, from which time. A ledger entry counts from its post (or its claim while
 * unposted), a lease from the slot's finish (or its expiry while held): the ledger must outlive every
 * intent that may still be retried, which the configuration checks (RETENTION_DAYS).
 */
export const RETAINED: Readonly<Record<string, Rule>> = {
  [AUDIT_LOG]: { keep: (r) => r.auditMs, from: ['at'] },
  [MESSAGE_LEDGER]: { keep: (r) => r.recordsMs, from: ['posted_at', 'claimed_at'] },
  [LEASES]: { keep: (r) => r.recordsMs, from: ['finished_at', 'expires_at'] },
};

/** When a document written with these fields expires, or undefined when none of its rule's times is set. */
export function expiryOf(collection: string, fields: DocData, retention: Retention): Date | undefined {
  const rule = RETAINED[collection];
  if (!rule) return undefined;
  const from = rule.from.map((f) => fields[f]).find((v): v is Date => v instanceof Date);
  return from ? new Date(from.getTime() + rule.keep(retention)) : undefined;
}

/**
 * The Store with `expire_at` stamped on every document its transactions write to a retained collection
 * (created, set, or updated with one of the rule's times), so the repositories and their callers need not
 * know the configured retention. The composition root wraps the Store once (src/runtime/services.ts).
 */
export function withRetention(store: DocumentStore, retention: Retention): DocumentStore {
  const stamp = (collection: string, data: DocData): DocData => {
    const expireAt = expiryOf(collection, data, retention);
    return expireAt ? { ...data, [EXPIRE_AT]: expireAt } : data;
  };
  const wrap = (tx: Transaction): Transaction => ({
    get: (collection, id) => tx.get(collection, id),
    query: (collection, spec) => tx.query(collection, spec),
    create: (collection, id, data) => tx.create(collection, id, stamp(collection, data)),
    set: (collection, id, data) => tx.set(collection, id, stamp(collection, data)),
    update: (collection, id, fields) => tx.update(collection, id, stamp(collection, fields)),
    delete: (collection, id) => tx.delete(collection, id),
  });
  return {
    engine: store.engine,
    get: (collection, id) => store.get(collection, id),
    query: (collection, spec) => store.query(collection, spec),
    runTransaction: (fn) => store.runTransaction((tx) => fn(wrap(tx))),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}

/** Documents one prune transaction deletes at most (Firestore allows 500 writes per transaction). */
const PRUNE_BATCH = 200;

/**
 * Delete every retained document whose `expire_at` has passed, a batch per transaction (found by a query
 * inside it, so a document written anew meanwhile stays). Returns how many went, per collection.
 */
export async function pruneExpired(
  store: DocumentStore,
  now: Date,
  batch = PRUNE_BATCH,
): Promise<Record<string, number>> {
  const pruned: Record<string, number> = {};
  for (const collection of Object.keys(RETAINED)) {
    let count = 0;
    for (;;) {
      const deleted = await store.runTransaction(async (tx) => {
        // One range filter: Firestore's automatic single-field index serves it.
        const expired = await tx.query(collection, { where: [[EXPIRE_AT, '<=', now]], limit: batch });
        for (const d of expired) tx.delete(collection, d.id);
        return expired.length;
      });
      count += deleted;
      if (deleted < batch) break;
    }
    pruned[collection] = count;
  }
  return pruned;
}
