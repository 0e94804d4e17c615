import { AsyncLocalStorage } from 'node:async_hooks';
import { type DuckDBConnection, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { decodeDoc, encodeDoc } from './json-codec.js';
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
} from './port.js';
import { evaluateQuery } from './query-eval.js';

const SCHEMA_SQL = [
  'CREATE SCHEMA IF NOT EXISTS shotclock',
  `CREATE TABLE IF NOT EXISTS shotclock.documents (
     collection VARCHAR NOT NULL,
     id VARCHAR NOT NULL,
     data JSON NOT NULL,
     updated_at TIMESTAMPTZ NOT NULL,
     PRIMARY KEY (collection, id)
   )`,
];
const GET_SQL =
  'SELECT data::VARCHAR AS data FROM shotclock.documents WHERE collection = $collection AND id = $id';
// One optional string-equality filter is pushed down to narrow the scan; the exact semantics (types, ranges,
// order, limit) are evaluateQuery's, shared with the Firestore contract.
const SCAN_SQL = `SELECT id, data::VARCHAR AS data FROM shotclock.documents
  WHERE collection = $collection AND ($path IS NULL OR json_extract_string(data, $path) = $value)`;
// A batch's writes in two statements, whatever their number: DuckDB spends ~2 ms on any single-row write.
const UPSERT_MANY_SQL = `INSERT OR REPLACE INTO shotclock.documents (collection, id, data, updated_at)
  SELECT c, i, d::JSON, CURRENT_TIMESTAMP FROM (SELECT unnest($c) AS c, unnest($i) AS i, unnest($d) AS d)`;
const DELETE_MANY_SQL = `DELETE FROM shotclock.documents AS doc
  USING (SELECT unnest($c) AS c, unnest($i) AS i) AS gone WHERE doc.collection = gone.c AND doc.id = gone.i`;
const VARCHARS = LIST(VARCHAR);

type Write =
  | { kind: 'create' | 'set' | 'update'; collection: string; id: string; data: DocData }
  | { kind: 'delete'; collection: string; id: string };

/**
 * The embedded Store: documents as JSON rows in `shotclock.documents`, in the DuckDB file the process owns.
 *
 * Give it a connection of its OWN (`instance.connect()` on the process's one DuckDBInstance): a DuckDB
 * transaction belongs to a connection, so a connection shared with the warehouse would pull the warehouse's
 * statements into store transactions (and roll them back with ours). The caller owns the connection and closes
 * it; `close()` only stops this store.
 *
 * Every operation runs in one in-process queue, so transactions are serial (trivially serializable) and the
 * transaction function runs exactly once. Writes are buffered and applied only when the function succeeds.
 *
 * Group commit: DuckDB spends ~2 ms on any single-row write and ~2 ms more on a COMMIT with writes, which
 * capped the store at ~200 transactions/s however many callers waited. So the operations waiting in the
 * queue run one after another as one batch: their writes are staged in memory (later operations of the
 * batch read them), written in two statements and committed in one DuckDB transaction when the queue is
 * empty (or MAX_BATCH ran), and each caller is answered only after that COMMIT: nobody ever sees a result
 * that is not durable. A failed write or COMMIT fails every operation of the batch, and nothing of it is
 * stored; a transaction function that throws leaves no writes behind and the batch goes on.
 */
/** The embedded Store, plus what only the embedded one can do. */
export interface DuckDbStore extends DocumentStore {
  /** Delete every document (the demo starts its incidents fresh); through the queue, so the cache agrees. */
  deleteAll(): Promise<void>;
}

export async function createDuckDbStore(connection: DuckDBConnection): Promise<DuckDbStore> {
  for (const sql of SCHEMA_SQL) await connection.run(sql);
  /** The batch's writes not yet in DuckDB: collection → id → the encoded document, or null (deleted). */
  const staged = new Map<string, Map<string, string | null>>();
  const flush = async () => {
    const upserts = { c: [] as string[], i: [] as string[], d: [] as string[] };
    const deletes = { c: [] as string[], i: [] as string[] };
    for (const [collection, docs] of staged) {
      for (const [id, encoded] of docs) {
        if (encoded === null) {
          deletes.c.push(collection);
          deletes.i.push(id);
        } else {
          upserts.c.push(collection);
          upserts.i.push(id);
          upserts.d.push(encoded);
        }
      }
    }
    const lists = (columns: Record<string, string[]>) => ({
      values: Object.fromEntries(Object.entries(columns).map(([k, v]) => [k, listValue(v)])),
      types: Object.fromEntries(Object.keys(columns).map((k) => [k, VARCHARS])),
    });
    if (deletes.c.length > 0) {
      const { values, types } = lists(deletes);
      await connection.run(DELETE_MANY_SQL, values, types);
    }
    if (upserts.c.length > 0) {
      const { values, types } = lists(upserts);
      await connection.run(UPSERT_MANY_SQL, values, types);
    }
  };
  // Point reads dominate (~0.6 ms each in DuckDB): the documents read or written lately are kept here.
  // This process owns the DuckDB file and every write goes through this store, so the cache only ever
  // holds what was committed (updated after each COMMIT); bounded, least recently used out first.
  let cache = createDocCache(MAX_CACHED_DOCS);
  const committed = () => {
    for (const [collection, docs] of staged)
      for (const [id, encoded] of docs) cache.set(collection, id, encoded);
    staged.clear();
  };
  // A rolled-back batch may have read uncommitted state into the cache (after deleteAll): start it afresh.
  const discard = () => {
    staged.clear();
    cache = createDocCache(MAX_CACHED_DOCS);
  };
  const commits = createCommitQueue(connection, { flush, committed, discard });
  let closed = false;

  const exclusive = <T>(what: string, fn: () => Promise<T>, writes = false): Promise<T> => {
    if (closed) return Promise.reject(new StoreError(`store is closed (${what})`));
    return commits.run(what, fn, writes);
  };

  const getDoc = async (collection: string, id: string): Promise<DocData | undefined> => {
    assertCollection(collection);
    assertDocId(id);
    const known = staged.get(collection)?.get(id) ?? cache.get(collection, id);
    if (known !== undefined) return known === null ? undefined : decodeDoc(known);
    const reader = await commits.sql(() => connection.runAndReadAll(GET_SQL, { collection, id }));
    const row = reader.getRowObjectsJS()[0];
    const encoded = row ? String(row.data) : null;
    cache.set(collection, id, encoded);
    return encoded === null ? undefined : decodeDoc(encoded);
  };

  const queryDocs = async (collection: string, spec: QuerySpec): Promise<StoredDoc[]> => {
    assertCollection(collection);
    assertQuery(spec);
    const pushed = (spec.where ?? []).find(([, op, value]) => op === '==' && typeof value === 'string');
    const reader = await commits.sql(() =>
      connection.runAndReadAll(SCAN_SQL, {
        collection,
        path: pushed ? `$.${pushed[0]}` : null,
        value: pushed ? (pushed[2] as string) : null,
      }),
    );
    const docs = reader.getRowObjectsJS().map((r) => ({ id: String(r.id), data: decodeDoc(String(r.data)) }));
    const mine = staged.get(collection);
    if (!mine) return evaluateQuery(docs, spec);
    // The batch's own writes win over what DuckDB holds (evaluateQuery applies every filter again).
    const byId = new Map(docs.map((d) => [d.id, d]));
    for (const [id, encoded] of mine) {
      if (encoded === null) byId.delete(id);
      else byId.set(id, { id, data: decodeDoc(encoded) });
    }
    return evaluateQuery([...byId.values()], spec);
  };

  const applyWrites = async (
    writes: readonly Write[],
    read: ReadonlyMap<string, DocData | undefined>,
  ): Promise<void> => {
    // Fold the buffered writes into one final state per document, checking create/update preconditions
    // (all of them before the first write). A document the transaction read is not read again: nothing
    // else ran in between. A plain set or delete needs no current state at all.
    const finals = new Map<string, { collection: string; id: string; data: DocData | undefined }>();
    for (const w of writes) {
      const key = `${w.collection}/${w.id}`;
      const needsCurrent = w.kind === 'create' || w.kind === 'update';
      const current = finals.has(key)
        ? finals.get(key)?.data
        : read.has(key)
          ? read.get(key)
          : needsCurrent
            ? await getDoc(w.collection, w.id)
            : undefined;
      let next: DocData | undefined;
      if (w.kind === 'create') {
        if (current !== undefined) throw new AlreadyExistsError(w.collection, w.id);
        next = w.data;
      } else if (w.kind === 'update') {
        if (current === undefined) throw new NotFoundError(w.collection, w.id);
        next = normalizeDoc({ ...current, ...w.data });
      } else if (w.kind === 'set') {
        next = w.data;
      }
      finals.set(key, { collection: w.collection, id: w.id, data: next });
    }
    for (const { collection, id, data } of finals.values()) {
      const docs = staged.get(collection) ?? new Map<string, string | null>();
      staged.set(collection, docs);
      docs.set(id, data === undefined ? null : encodeDoc(data));
    }
  };

  return {
    engine: 'duckdb',
    get: (collection, id) => exclusive('get', () => getDoc(collection, id)),
    query: (collection, spec) => exclusive('query', () => queryDocs(collection, spec)),
    runTransaction: (fn) =>
      exclusive(
        'runTransaction',
        async () => {
          const writes: Write[] = [];
          const read = new Map<string, DocData | undefined>();
          const readable = () => {
            if (writes.length > 0) {
              throw new StoreError('transactions require all reads to be executed before all writes');
            }
          };
          const queue = (w: Write) => {
            assertCollection(w.collection);
            assertDocId(w.id);
            writes.push(w);
          };
          const tx: Transaction = {
            get: async (collection, id) => {
              readable();
              const data = await getDoc(collection, id);
              read.set(`${collection}/${id}`, data);
              return data;
            },
            query: async (collection, spec) => {
              readable();
              return queryDocs(collection, spec);
            },
            create: (collection, id, data) =>
              queue({ kind: 'create', collection, id, data: normalizeDoc(data) }),
            set: (collection, id, data) => queue({ kind: 'set', collection, id, data: normalizeDoc(data) }),
            update: (collection, id, fields) => {
              if (Object.keys(fields).length === 0) throw new StoreError('update needs at least one field');
              queue({ kind: 'update', collection, id, data: normalizeDoc(fields) });
            },
            delete: (collection, id) => queue({ kind: 'delete', collection, id }),
          };
          // BEGIN and COMMIT are the commit queue's; a throw here leaves no writes (they apply last).
          const result = await fn(tx);
          await applyWrites(writes, read);
          return result;
        },
        true,
      ),
    deleteAll: () =>
      exclusive(
        'deleteAll',
        async () => {
          await commits.sql(() => connection.run('DELETE FROM shotclock.documents'));
          staged.clear(); // earlier operations of this batch come before the delete
          cache = createDocCache(MAX_CACHED_DOCS);
        },
        true,
      ),
    ping: () => exclusive('ping', async () => void (await commits.sql(() => connection.run('SELECT 1')))),
    close: async () => {
      // Wait for in-flight work, then refuse new work; the connection belongs to the caller.
      await commits.run('close', async () => {
        closed = true;
      });
    },
  };
}

/** Documents the read cache keeps (a few MB: the documents are small). */
const MAX_CACHED_DOCS = 5_000;

/** Encoded documents by collection and id; null = known not to exist. Least recently used out first. */
function createDocCache(max: number) {
  const entries = new Map<string, string | null>();
  const keyOf = (collection: string, id: string) => `${collection}\u0000${id}`;
  return {
    get(collection: string, id: string): string | null | undefined {
      const key = keyOf(collection, id);
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(collection: string, id: string, encoded: string | null): void {
      const key = keyOf(collection, id);
      entries.delete(key);
      entries.set(key, encoded);
      if (entries.size > max) entries.delete(entries.keys().next().value as string);
    },
  };
}

/** Operations one batch runs before it commits, so a steady stream of callers still gets answers. */
const MAX_BATCH = 64;

interface Queued {
  readonly what: string;
  /** A transaction (may write): runs inside the batch's DuckDB transaction. */
  readonly writes: boolean;
  readonly fn: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The FIFO queue every store operation runs in, with group commit (see createDuckDbStore). An operation
 * made while the same async context is running one (e.g. `store.get` inside a transaction function instead
 * of `tx.get`) would wait on itself forever, so it fails with a clear error. Hand-written: the batching
 * is specific to DuckDB's transaction-per-connection model.
 */
function createCommitQueue(
  connection: DuckDBConnection,
  staging: { flush(): Promise<void>; committed(): void; discard(): void },
) {
  const holder = new AsyncLocalStorage<boolean>();
  const waiting: Queued[] = [];
  let pumping = false;
  /** Set when a statement of the running batch failed in DuckDB: its transaction is unusable. */
  let poisoned: unknown;

  const pump = async () => {
    if (pumping) return;
    pumping = true;
    try {
      while (waiting.length > 0) await runBatch();
    } finally {
      pumping = false;
    }
  };

  const runBatch = async () => {
    const done: Array<{ op: Queued; ok: true; value: unknown } | { op: Queued; ok: false; error: unknown }> =
      [];
    // Reads before the first transaction of a batch need no DuckDB transaction: they are answered at once.
    let open = false;
    let aborted: unknown;
    poisoned = undefined;
    while (waiting.length > 0 && done.length < MAX_BATCH) {
      const op = waiting.shift() as Queued;
      if (!open && op.writes) {
        try {
          await connection.run('BEGIN TRANSACTION');
          open = true;
        } catch (error) {
          op.reject(error);
          continue;
        }
      }
      let outcome: (typeof done)[number];
      try {
        outcome = { op, ok: true, value: await holder.run(true, op.fn) };
      } catch (error) {
        outcome = { op, ok: false, error };
      }
      if (!open) {
        if (outcome.ok) op.resolve(outcome.value);
        else op.reject(outcome.error);
        continue;
      }
      done.push(outcome);
      // A precondition or the caller's own error leaves the batch fine (writes apply last); a failed
      // statement does not.
      if (poisoned !== undefined) {
        aborted = poisoned;
        break;
      }
    }
    if (!open) return;
    if (aborted === undefined) {
      try {
        await staging.flush();
        await connection.run('COMMIT');
        staging.committed();
      } catch (error) {
        aborted = error;
      }
    }
    if (aborted !== undefined) {
      staging.discard();
      await connection.run('ROLLBACK').catch(() => undefined);
      const lost = new StoreError(`the store could not commit: ${String(aborted)}; nothing of it was stored`);
      for (const d of done) d.op.reject(d.ok ? lost : d.error);
      return;
    }
    for (const d of done) {
      if (d.ok) d.op.resolve(d.value);
      else d.op.reject(d.error);
    }
  };

  return {
    /** Run a statement of the current batch, remembering a failure (see `poisoned`). */
    async sql<T>(statement: () => Promise<T>): Promise<T> {
      try {
        return await statement();
      } catch (error) {
        poisoned ??= error;
        throw error;
      }
    },
    run<T>(what: string, fn: () => Promise<T>, writes = false): Promise<T> {
      if (holder.getStore()) {
        return Promise.reject(
          new StoreError(`store.${what} called inside a transaction: use the tx argument`),
        );
      }
      return new Promise<T>((resolve, reject) => {
        waiting.push({ what, writes, fn, resolve: resolve as (value: unknown) => void, reject });
        void pump();
      });
    },
  };
}
