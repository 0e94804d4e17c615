// firestore.ttl.json declares a TTL policy for every collection whose documents carry an expiry, the README
// gives the exact gcloud command for each, and the prune's queries need no composite index.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import { EXPIRE_AT } from '../../src/store/expiry.js';
import { requiredIndex } from '../../src/store/indexes.js';
import type { DocumentStore, QuerySpec } from '../../src/store/port.js';
import { pruneExpired, RETAINED } from '../../src/store/retention.js';

const root = join(import.meta.dirname, '../..');
const declared = JSON.parse(readFileSync(join(root, 'firestore.ttl.json'), 'utf8')) as {
  ttlPolicies: { collectionGroup: string; fieldPath: string }[];
};
const readme = readFileSync(join(root, 'README.md'), 'utf8');

describe('firestore.ttl.json', () => {
  it('declares a TTL policy on expire_at for exactly the retained collections', () => {
    expect(declared.ttlPolicies.map((p) => p.collectionGroup).sort()).toEqual(Object.keys(RETAINED).sort());
    expect(declared.ttlPolicies.every((p) => p.fieldPath === EXPIRE_AT)).toBe(true);
  });

  it('the README gives the gcloud command for each policy and names the file', () => {
    expect(readme).toContain('firestore.ttl.json');
    for (const { collectionGroup, fieldPath } of declared.ttlPolicies)
      expect(readme).toContain(
        `gcloud firestore fields ttls update ${fieldPath} --collection-group=${collectionGroup} --enable-ttl`,
      );
  });
});

describe('pruneExpired', () => {
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  const seen: { collection: string; spec: QuerySpec }[] = [];

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    connection = await instance.connect();
    const store = await createDuckDbStore(connection);
    const recording: DocumentStore = {
      ...store,
      query: (collection, spec) => {
        seen.push({ collection, spec });
        return store.query(collection, spec);
      },
      runTransaction: (fn) =>
        store.runTransaction((tx) =>
          fn({
            ...tx,
            query: (collection, spec) => {
              seen.push({ collection, spec });
              return tx.query(collection, spec);
            },
          }),
        ),
    };
    await pruneExpired(recording, new Date('2026-01-19T12:00:00Z'));
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
  });

  it("queries each retained collection with one range on expire_at: Firestore's automatic index serves it", () => {
    expect(seen.map((s) => s.collection).sort()).toEqual(Object.keys(RETAINED).sort());
    for (const { collection, spec } of seen) expect(requiredIndex(collection, spec)).toBeUndefined();
  });
});
