// The Store port in memory, for the replay: a season's incidents, retry items, ledger and leases in a few
// maps, with Firestore's query semantics (the same evaluateQuery the embedded store filters with) and its
// transaction rules (reads first, writes applied together, one transaction at a time). The replay calls
// the Store thousands of times a simulated day; a DuckDB round trip each made the sweeper alone cost
// minutes over a season. Nothing outlives the process.

import {
  AlreadyExistsError,
  assertCollection,
  assertDocId,
  assertQuery,
  type DocData,
  type DocumentStore,
  NotFoundError,
  normalizeDoc,
  type QuerySpec,
  type StoredDoc,
  StoreError,
  type Transaction,
} from '../store/port.js';
import { evaluateQuery } from '../store/query-eval.js';

type Write =
  | { kind: 'create' | 'set'; collection: string; id: string; data: DocData }
  | { kind: 'update'; collection: string; id: string; data: DocData }
  | { kind: 'delete'; collection: string; id: string };

export function createMemoryStore(): DocumentStore & { deleteAll(): Promise<void> } {
  const collections = new Map<string, Map<string, DocData>>();
  const coll = (name: string) => {
    let c = collections.get(name);
    if (!c) {
      c = new Map();
      collections.set(name, c);
    }
    return c;
  };
  const get = (collection: string, id: string): DocData | undefined => {
    assertCollection(collection);
    assertDocId(id);
    const doc = collections.get(collection)?.get(id);
    return doc === undefined ? undefined : structuredClone(doc);
  };
  const query = (collection: string, spec: QuerySpec): StoredDoc[] => {
    assertCollection(collection);
    assertQuery(spec);
    const docs = [...(collections.get(collection) ?? new Map<string, DocData>()).entries()].map(
      ([id, data]) => ({ id, data }),
    );
    return evaluateQuery(docs, spec).map((d) => ({ id: d.id, data: structuredClone(d.data) }));
  };
  // One transaction at a time: a transaction's reads and writes see no one else's half-done work.
  let queue: Promise<unknown> = Promise.resolve();

  return {
    engine: 'duckdb',
    async get(collection, id) {
      return get(collection, id);
    },
    async query(collection, spec) {
      return query(collection, spec);
    },
    runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        const writes: Write[] = [];
        const readable = () => {
          if (writes.length > 0)
            throw new StoreError('transactions require all reads to be executed before all writes');
        };
        const write = (w: Write) => {
          assertCollection(w.collection);
          assertDocId(w.id);
          if (w.kind === 'update' && Object.keys(w.data).length === 0)
            throw new StoreError('update needs at least one field');
          writes.push(w.kind === 'delete' ? w : { ...w, data: normalizeDoc(w.data) });
        };
        const tx: Transaction = {
          async get(collection, id) {
            readable();
            return get(collection, id);
          },
          async query(collection, spec) {
            readable();
            return query(collection, spec);
          },
          create: (collection, id, data) => write({ kind: 'create', collection, id, data }),
          set: (collection, id, data) => write({ kind: 'set', collection, id, data }),
          update: (collection, id, data) => write({ kind: 'update', collection, id, data }),
          delete: (collection, id) => write({ kind: 'delete', collection, id }),
        };
        const result = await fn(tx);
        // Check every write before applying any: a transaction is all or nothing.
        const exists = new Map<string, boolean>();
        const key = (w: Write) => `${w.collection}\u0000${w.id}`;
        const has = (w: Write) => exists.get(key(w)) ?? coll(w.collection).has(w.id);
        for (const w of writes) {
          if (w.kind === 'create' && has(w)) throw new AlreadyExistsError(w.collection, w.id);
          if (w.kind === 'update' && !has(w)) throw new NotFoundError(w.collection, w.id);
          exists.set(key(w), w.kind !== 'delete');
        }
        for (const w of writes) {
          const c = coll(w.collection);
          if (w.kind === 'delete') c.delete(w.id);
          else if (w.kind === 'update')
            c.set(w.id, { ...(c.get(w.id) as DocData), ...structuredClone(w.data) });
          else c.set(w.id, structuredClone(w.data));
        }
        return result;
      };
      const next = queue.then(run, run);
      queue = next.catch(() => undefined);
      return next;
    },
    async ping() {},
    async close() {},
    async deleteAll() {
      collections.clear();
    },
  };
}
