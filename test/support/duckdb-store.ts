import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import type { DocumentStore } from '../../src/store/port.js';

/** A throwaway embedded Store on a DuckDB file under the OS temp dir. */
export async function tempDuckDbStore(): Promise<{ store: DocumentStore; cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-store-'));
  const instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));
  const store = await createDuckDbStore(await instance.connect());
  return {
    store,
    async cleanup() {
      await store.close();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
