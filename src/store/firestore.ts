import {
  type DocumentReference,
  FieldPath,
  Firestore,
  type Transaction as FirestoreTransaction,
  type Query,
  Timestamp,
} from '@google-cloud/firestore';
import {
  AlreadyExistsError,
  assertCollection,
  assertDocId,
  assertQuery,
  type DocData,
  type DocumentStore,
  type DocValue,
  NotFoundError,
  normalizeDoc,
  type QuerySpec,
  type StoredDoc,
  StoreError,
  type Transaction,
} from './port.js';

export interface FirestoreStoreOptions {
  readonly projectId: string;
  readonly databaseId?: string;
  /** Prepended to every collection name (e.g. `staging_`), so environments can share a database. */
  readonly collectionPrefix?: string;
  /** A client built elsewhere (tests point one at the emulator). The caller then owns and terminates it. */
  readonly firestore?: Firestore;
  /** Attempts per transaction under contention (the client's default is 5). */
  readonly maxTransactionAttempts?: number;
}

const GRPC_NOT_FOUND = 5;
const GRPC_ALREADY_EXISTS = 6;

/** The cloud Store on `@google-cloud/firestore`: transactions are Firestore's, with its retries. */
export function createFirestoreStore(options: FirestoreStoreOptions): DocumentStore {
  const owned = options.firestore === undefined;
  const db =
    options.firestore ??
    new Firestore({
      projectId: options.projectId,
      ...(options.databaseId ? { databaseId: options.databaseId } : {}),
      ignoreUndefinedProperties: true,
    });
  const prefix = options.collectionPrefix ?? '';
  const maxAttempts = options.maxTransactionAttempts ?? 10;

  const ref = (collection: string, id: string) => {
    assertCollection(collection);
    assertDocId(id);
    return db.collection(prefix + collection).doc(id);
  };
  const buildQuery = (collection: string, spec: QuerySpec): Query => {
    assertCollection(collection);
    assertQuery(spec);
    let q: Query = db.collection(prefix + collection);
    for (const [field, op, value] of spec.where ?? []) q = q.where(field, op, value);
    for (const o of spec.orderBy ?? []) q = q.orderBy(o.field, o.direction ?? 'asc');
    if (spec.limit !== undefined) q = q.limit(spec.limit);
    return q;
  };
  const toDocs = (snap: { docs: { id: string; data(): unknown }[] }): StoredDoc[] =>
    snap.docs.map((d) => ({ id: d.id, data: fromFirestore(d.data()) as DocData }));

  return {
    engine: 'firestore',
    async get(collection, id) {
      const snap = await ref(collection, id).get();
      return snap.exists ? (fromFirestore(snap.data()) as DocData) : undefined;
    },
    async query(collection, spec) {
      return toDocs(await buildQuery(collection, spec).get());
    },
    async runTransaction(fn) {
      // The documents this attempt creates or updates, to name the one a failed precondition is about.
      let creates: [string, string][] = [];
      let updates: [string, string][] = [];
      try {
        return await db.runTransaction(
          (ftx) => {
            creates = [];
            updates = [];
            return fn(wrapTransaction(ftx, { ref, buildQuery, toDocs, creates, updates }));
          },
          { maxAttempts },
        );
      } catch (err) {
        throw mapError(err, creates, updates);
      }
    },
    async ping() {
      await db.collection(`${prefix}shotclock_ping`).doc('ping').get();
    },
    async close() {
      if (owned) await db.terminate();
    },
  };
}

interface TxDeps {
  ref: (collection: string, id: string) => DocumentReference;
  buildQuery: (collection: string, spec: QuerySpec) => Query;
  toDocs: (snap: { docs: { id: string; data(): unknown }[] }) => StoredDoc[];
  creates: [string, string][];
  updates: [string, string][];
}

function wrapTransaction(ftx: FirestoreTransaction, deps: TxDeps): Transaction {
  return {
    async get(collection, id) {
      const snap = await ftx.get(deps.ref(collection, id));
      return snap.exists ? (fromFirestore(snap.data()) as DocData) : undefined;
    },
    async query(collection, spec) {
      return deps.toDocs(await ftx.get(deps.buildQuery(collection, spec)));
    },
    create(collection, id, data) {
      ftx.create(deps.ref(collection, id), normalizeDoc(data));
      deps.creates.push([collection, id]);
    },
    set(collection, id, data) {
      ftx.set(deps.ref(collection, id), normalizeDoc(data));
    },
    update(collection, id, fields) {
      // Field paths, not a data object: top-level keys replace whole fields and a dot is not a path.
      const pairs = Object.entries(normalizeDoc(fields)).flatMap(([k, v]) => [new FieldPath(k), v]);
      if (pairs.length === 0) throw new StoreError('update needs at least one field');
      const [first, value, ...rest] = pairs;
      ftx.update(deps.ref(collection, id), first as FieldPath, value, ...rest);
      deps.updates.push([collection, id]);
    },
    delete(collection, id) {
      ftx.delete(deps.ref(collection, id));
    },
  };
}

function mapError(err: unknown, creates: [string, string][], updates: [string, string][]): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : '';
  const named = (candidates: [string, string][]) =>
    candidates.find(([c, id]) => message.includes(`${c}/${id}`)) ?? candidates[0] ?? ['?', '?'];
  if (code === GRPC_ALREADY_EXISTS) {
    const [collection, id] = named(creates);
    return new AlreadyExistsError(collection, id, { cause: err });
  }
  if (code === GRPC_NOT_FOUND && updates.length > 0) {
    const [collection, id] = named(updates);
    return new NotFoundError(collection, id, { cause: err });
  }
  return err;
}

/** Timestamps back to Dates, all the way down. */
function fromFirestore(value: unknown): DocValue {
  if (value instanceof Timestamp) return value.toDate();
  if (Array.isArray(value)) return value.map(fromFirestore);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, DocValue> = {};
    for (const [k, v] of Object.entries(value)) out[k] = fromFirestore(v);
    return out;
  }
  return value as DocValue;
}
