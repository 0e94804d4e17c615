import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import * as leases from '../../src/store/leases.js';

const dir = mkdtempSync(join(tmpdir(), 'shotclock-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DuckDB store specifics', () => {
  it('keeps documents across a restart of the process that owns the file', async () => {
    const file = join(dir, 'restart.duckdb');
    const now = new Date('2026-01-19T04:00:00Z');
    const first = await DuckDBInstance.create(file);
    const c1 = await first.connect();
    const s1 = await createDuckDbStore(c1);
    expect(await leases.acquire(s1, { name: 'job:x', holder: 'a', ttlMs: 60_000, now })).toBe(true);
    await s1.close();
    c1.closeSync();
    first.closeSync();

    const second = await DuckDBInstance.create(file);
    const c2 = await second.connect();
    const s2 = await createDuckDbStore(c2);
    expect(await leases.get(s2, 'job:x')).toMatchObject({
      holder: 'a',
      expires_at: new Date('2026-01-19T04:01:00Z'),
    });
    expect(await leases.acquire(s2, { name: 'job:x', holder: 'b', ttlMs: 60_000, now })).toBe(false);
    await s2.close();
    await expect(s2.get('leases', 'job:x')).rejects.toThrow(/closed/);
    c2.closeSync();
    second.closeSync();
  });

  it('fails clearly, instead of waiting on itself, when a transaction calls the store instead of tx', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const store = await createDuckDbStore(connection);
    const wrong = store.runTransaction(async () => store.get('things', 'a'));
    await expect(wrong).rejects.toThrow(/inside a transaction: use the tx argument/);
    // The store is still usable afterwards.
    await store.runTransaction(async (tx) => tx.set('things', 'a', { v: 1 }));
    expect(await store.get('things', 'a')).toEqual({ v: 1 });
    connection.closeSync();
    instance.closeSync();
  });
});
