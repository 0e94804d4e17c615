import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as audit from '../../src/store/audit.js';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import * as incidents from '../../src/store/incidents.js';
import { type CompositeIndex, type IndexNeed, requiredIndex, serves } from '../../src/store/indexes.js';
import * as leases from '../../src/store/leases.js';
import * as ledger from '../../src/store/message-ledger.js';
import type { DocumentStore, QuerySpec } from '../../src/store/port.js';
import * as retryQueue from '../../src/store/retry-queue.js';

const root = join(import.meta.dirname, '../..');
const REPOSITORIES = ['incidents', 'retry-queue', 'audit', 'leases', 'message-ledger'].map(
  (name) => `src/store/${name}.ts`,
);
const declared = JSON.parse(readFileSync(join(root, 'firestore.indexes.json'), 'utf8')) as {
  indexes: CompositeIndex[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; indexes: unknown[] }[];
};

/** A store that remembers the shape of every query issued through it (inside transactions too). */
function recording(
  store: DocumentStore,
  seen: Map<string, { collection: string; spec: QuerySpec }>,
): DocumentStore {
  const record = (collection: string, spec: QuerySpec) => {
    const shape = JSON.stringify([
      collection,
      (spec.where ?? []).map(([f, op]) => [f, op]),
      spec.orderBy ?? [],
      spec.limit !== undefined,
    ]);
    seen.set(shape, { collection, spec });
  };
  return {
    ...store,
    query(collection, spec) {
      record(collection, spec);
      return store.query(collection, spec);
    },
    runTransaction: (fn) =>
      store.runTransaction((tx) =>
        fn({
          ...tx,
          query(collection, spec) {
            record(collection, spec);
            return tx.query(collection, spec);
          },
        }),
      ),
  };
}

describe('firestore.indexes.json', () => {
  const seen = new Map<string, { collection: string; spec: QuerySpec }>();
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const store = recording(await createDuckDbStore(connection), seen);
    const now = new Date('2026-01-19T12:00:00Z');
    // Every repository function that queries; the source count below catches one added without a line here.
    await incidents.listOpen(store);
    await incidents.listResolvedSince(store, now);
    await ledger.listUnfinished(store, now, now);
    await retryQueue.listDue(store, now);
    await retryQueue.listByStatus(store, ['pending', 'retrying']);
    await audit.listByIncident(store, 'inc#1');
    await leases.listHandedBack(store, now);
    await leases.anyAfter(store, 'job:gaps:2026-01-19T13:00:00.000Z', 'job:gaps:');
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it('exercises every query the repositories contain', () => {
    const inSource = REPOSITORIES.map(
      (file) => readFileSync(join(root, file), 'utf8').match(/\.query\(/g)?.length ?? 0,
    );
    expect(seen.size).toBe(inSource.reduce((a, b) => a + b, 0));
  });

  it('declares a composite index for every query that needs one, and none that no query needs', () => {
    const needs = [...seen.values()].flatMap(({ collection, spec }) => requiredIndex(collection, spec) ?? []);
    const missing = needs.filter((need) => !declared.indexes.some((d) => serves(d, need)));
    expect(missing).toEqual([]);
    const unused = declared.indexes.filter((d) => !needs.some((need) => serves(d, need)));
    expect(unused).toEqual([]);
  });

  it('exempts from indexing only fields that no query filters or sorts on', () => {
    const used = [...seen.values()].flatMap(({ collection, spec }) => [
      ...(spec.where ?? []).map(([f]) => `${collection}/${f}`),
      ...(spec.orderBy ?? []).map((o) => `${collection}/${o.field}`),
    ]);
    for (const o of declared.fieldOverrides.filter((f) => f.indexes.length === 0)) {
      const prefix = `${o.collectionGroup}/${o.fieldPath}`;
      expect(used.filter((u) => u === prefix || u.startsWith(`${prefix}.`))).toEqual([]);
    }
  });
});

describe('requiredIndex', () => {
  const need = (spec: QuerySpec) => requiredIndex('c', spec);
  it('needs none for equality-only filters or a single sorted field', () => {
    expect(need({ where: [['a', '==', 1]] })).toBeUndefined();
    expect(
      need({
        where: [
          ['a', '==', 1],
          ['b', 'in', [1, 2]],
        ],
      }),
    ).toBeUndefined();
    expect(need({ where: [['t', '>=', 1]], orderBy: [{ field: 't' }] })).toBeUndefined();
    expect(need({ orderBy: [{ field: 't', direction: 'desc' }], limit: 5 })).toBeUndefined();
  });

  it('puts equality fields first, then explicit and implicit (range) orderings', () => {
    expect(
      need({
        where: [
          ['s', '==', 1],
          ['t', '<=', 2],
        ],
      }),
    ).toEqual({
      collectionGroup: 'c',
      equality: ['s'],
      sorted: [{ fieldPath: 't', order: 'ASCENDING' }],
    } satisfies IndexNeed);
    expect(need({ where: [['s', 'in', [1]]], orderBy: [{ field: 'x', direction: 'desc' }] })?.sorted).toEqual(
      [{ fieldPath: 'x', order: 'DESCENDING' }],
    );
  });

  it('rejects a declared index with the wrong direction, order or collection', () => {
    const required = need({
      where: [['s', '==', 1]],
      orderBy: [{ field: 't', direction: 'desc' }],
    }) as IndexNeed;
    const index = (
      collectionGroup: string,
      fields: [string, 'ASCENDING' | 'DESCENDING'][],
    ): CompositeIndex => ({
      collectionGroup,
      queryScope: 'COLLECTION',
      fields: fields.map(([fieldPath, order]) => ({ fieldPath, order })),
    });
    expect(
      serves(
        index('c', [
          ['s', 'ASCENDING'],
          ['t', 'DESCENDING'],
        ]),
        required,
      ),
    ).toBe(true);
    expect(
      serves(
        index('c', [
          ['s', 'ASCENDING'],
          ['t', 'ASCENDING'],
        ]),
        required,
      ),
    ).toBe(false);
    expect(
      serves(
        index('c', [
          ['t', 'DESCENDING'],
          ['s', 'ASCENDING'],
        ]),
        required,
      ),
    ).toBe(false);
    expect(
      serves(
        index('d', [
          ['s', 'ASCENDING'],
          ['t', 'DESCENDING'],
        ]),
        required,
      ),
    ).toBe(false);
  });
});
