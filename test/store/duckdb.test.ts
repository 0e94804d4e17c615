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

describe('DuckDB store group commit', () => {
  /** A store on a connection whose multi-row upsert fails while `failWrites` is set (a full disk, say). */
  async function faultyStore() {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const fault = { failWrites: false };
    const faulty = new Proxy(connection, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver);
        if (key !== 'run' || typeof value !== 'function') return value;
        return (sql: string, ...rest: unknown[]) => {
          if (fault.failWrites && sql.includes('INSERT OR REPLACE')) {
            return Promise.reject(new Error('IO Error: could not write (disk full)'));
          }
          return value.call(target, sql, ...rest);
        };
      },
    });
    const store = await createDuckDbStore(faulty);
    return {
      store,
      fault,
      close: async () => {
        await store.close();
        connection.closeSync();
        instance.closeSync();
      },
    };
  }

  it('answers concurrent transactions in one batch as if serial: 40 increments of one counter make 40', async () => {
    const { store, close } = await faultyStore();
    await Promise.all(
      Array.from({ length: 40 }, () =>
        store.runTransaction(async (tx) => {
          const current = Number((await tx.get('counters', 'c'))?.n ?? 0);
          tx.set('counters', 'c', { n: current + 1 });
        }),
      ),
    );
    expect(await store.get('counters', 'c')).toEqual({ n: 40 });
    await close();
  });

  it('a failed write fails every transaction of its batch and stores none of them; the store goes on', async () => {
    const { store, fault, close } = await faultyStore();
    await store.runTransaction(async (tx) => tx.set('things', 'kept', { v: 1 }));
    fault.failWrites = true;
    const batch = await Promise.allSettled([
      store.runTransaction(async (tx) => tx.set('things', 'a', { v: 1 })),
      store.runTransaction(async (tx) => tx.update('things', 'kept', { v: 2 })),
      store.runTransaction(async () => {
        throw new Error('the caller changed its mind');
      }),
    ]);
    expect(batch.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((batch[0] as PromiseRejectedResult).reason)).toMatch(
      /could not commit.*disk full.*nothing of it/,
    );
    expect(String((batch[2] as PromiseRejectedResult).reason)).toMatch(/changed its mind/);
    fault.failWrites = false;
    // Nothing of the failed batch is visible, through the cache or DuckDB.
    expect(await store.get('things', 'a')).toBeUndefined();
    expect(await store.get('things', 'kept')).toEqual({ v: 1 });
    expect((await store.query('things', {})).map((d) => d.id)).toEqual(['kept']);
    await store.runTransaction(async (tx) => tx.update('things', 'kept', { v: 3 }));
    expect(await store.get('things', 'kept')).toEqual({ v: 3 });
    await close();
  });

  it('a read made while a batch writes is answered after the commit, with the batch’s writes', async () => {
    const { store, close } = await faultyStore();
    const write = store.runTransaction(async (tx) => tx.set('things', 'x', { v: 7 }));
    const read = store.get('things', 'x');
    const listed = store.query('things', { where: [['v', '==', 7]] });
    await write;
    expect(await read).toEqual({ v: 7 });
    expect((await listed).map((d) => d.id)).toEqual(['x']);
    await close();
  });
});
