import { AsyncLocalStorage } from 'node:async_hooks';
import type { DuckDBConnection } from '@duckdb/node-api';
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
const UPSERT_SQL = `INSERT INTO shotclock.documents (collection, id, data, updated_at)
  VALUES ($collection, $id, $data::JSON, CURRENT_TIMESTAMP)
  ON CONFLICT (collection, id) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`;
const DELETE_SQL = 'DELETE FROM shotclock.documents WHERE collection = $collection AND id = $id';

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
 * Every operation runs under one in-process mutex, so transactions are serial (trivially serializable) and the
 * transaction function runs exactly once. Writes are buffered and applied between BEGIN and COMMIT.
 */
export async function createDuckDbStore(connection: DuckDBConnection): Promise<DocumentStore> {
  for (const sql of SCHEMA_SQL) await connection.run(sql);
  const lock = createMutex();
  let closed = false;

  const exclusive = <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreError(`store is closed (${what})`));
    return lock.run(what, fn);
  };

  const getDoc = async (collection: string, id: string): Promise<DocData | undefined> => {
    assertCollection(collection);
    assertDocId(id);
    const reader = await connection.runAndReadAll(GET_SQL, { collection, id });
    const row = reader.getRowObjectsJS()[0];
    return row ? decodeDoc(String(row.data)) : undefined;
  };

  const queryDocs = async (collection: string, spec: QuerySpec): Promise<StoredDoc[]> => {
    assertCollection(collection);
    assertQuery(spec);
    const pushed = (spec.where ?? []).find(([, op, value]) => op === '==' && typeof value === 'string');
    const reader = await connection.runAndReadAll(SCAN_SQL, {
      collection,
      path: pushed ? `$.${pushed[0]}` : null,
      value: pushed ? (pushed[2] as string) : null,
    });
    const docs = reader.getRowObjectsJS().map((r) => ({ id: String(r.id), data: decodeDoc(String(r.data)) }));
    return evaluateQuery(docs, spec);
  };

  const applyWrites = async (writes: readonly Write[]): Promise<void> => {
    // Fold the buffered writes into one final state per document, checking create/update preconditions.
    const finals = new Map<string, { collection: string; id: string; data: DocData | undefined }>();
    for (const w of writes) {
      const key = `${w.collection}/${w.id}`;
      const current = finals.has(key) ? finals.get(key)?.data : await getDoc(w.collection, w.id);
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
      if (data === undefined) await connection.run(DELETE_SQL, { collection, id });
      else await connection.run(UPSERT_SQL, { collection, id, data: encodeDoc(data) });
    }
  };

  return {
    engine: 'duckdb',
    get: (collection, id) => exclusive('get', () => getDoc(collection, id)),
    query: (collection, spec) => exclusive('query', () => queryDocs(collection, spec)),
    runTransaction: (fn) =>
      exclusive('runTransaction', async () => {
        const writes: Write[] = [];
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
            return getDoc(collection, id);
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
        await connection.run('BEGIN TRANSACTION');
        try {
          const result = await fn(tx);
          await applyWrites(writes);
          await connection.run('COMMIT');
          return result;
        } catch (err) {
          // A failed COMMIT has already ended the transaction; the original error is the one to report.
          await connection.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    ping: () => exclusive('ping', async () => void (await connection.run('SELECT 1'))),
    close: async () => {
      // Wait for in-flight work, then refuse new work; the connection belongs to the caller.
      await lock.run('close', async () => {
        closed = true;
      });
    },
  };
}

/**
 * A FIFO async mutex. A call made while the same async context already holds it (e.g. `store.get` inside a
 * transaction function instead of `tx.get`) would wait on itself forever, so it fails with a clear error.
 */
function createMutex() {
  const holder = new AsyncLocalStorage<boolean>();
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run<T>(what: string, fn: () => Promise<T>): Promise<T> {
      if (holder.getStore()) {
        return Promise.reject(
          new StoreError(`store.${what} called inside a transaction: use the tx argument`),
        );
      }
      const result = tail.then(() => holder.run(true, fn));
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
