import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbStore, type DuckDbStore } from '../../src/store/duckdb.js';
import { describeStoreContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'shotclock-store-'));
let instance: DuckDBInstance | undefined;
let connection: DuckDBConnection | undefined;
let store: DuckDbStore | undefined;

describeStoreContract('DuckDB', {
  async open() {
    instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
    // The store gets a connection of its own, as main.ts gives it one beside the warehouse's.
    connection = await instance.connect();
    store = await createDuckDbStore(connection);
    return store;
  },
  async reset() {
    await store?.deleteAll();
  },
  async close() {
    connection?.closeSync();
    instance?.closeSync();
    rmSync(dir, { recursive: true, force: true });
  },
});
