import { rmSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { createDuckDbStore, type DuckDbStore } from '../store/duckdb.js';
import { createLocalTaskQueue, type LocalTaskQueue } from '../tasks/local.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../warehouse/duckdb.js';

export interface Embedded {
  readonly warehouse: DuckDbWarehouse;
  readonly store: DuckDbStore;
  /** A connection of our own for small embedded bookkeeping (demo state). */
  readonly admin: DuckDBConnection;
  makeTasks(botUrl: string, clock: Clock, secret: string, log: Logger): Promise<LocalTaskQueue>;
  close(): Promise<void>;
}

/** Delete the embedded database (`--reset`): the DuckDB file and its write-ahead log. */
export function removeEmbeddedDb(path: string): void {
  for (const file of [path, `${path}.wal`]) rmSync(file, { force: true });
}

/**
 * The embedded default: one DuckDB file holds the warehouse, the Store and the task queue. One process owns
 * the file, so each part gets its own connection on the same instance.
 */
export async function openEmbedded(dbPath: string): Promise<Embedded> {
  const warehouse = await openDuckDbWarehouse({ path: dbPath });
  // Every connection is closed with the database: one left open keeps the file locked for other processes.
  const storeConnection = await warehouse.connect();
  const store = await createDuckDbStore(storeConnection);
  const admin = await warehouse.connect();
  const connections: DuckDBConnection[] = [storeConnection, admin];
  return {
    warehouse,
    store,
    admin,
    async makeTasks(botUrl, clock, secret, log) {
      const connection = await warehouse.connect();
      connections.push(connection);
      return createLocalTaskQueue({
        connection,
        clock,
        baseUrl: botUrl,
        secret,
        maxAttempts: 5,
        pollMs: 200,
        logger: log.child({ component: 'local-tasks' }),
        queueName: 'shotclock-local',
      });
    },
    async close() {
      await store.close();
      for (const c of connections) c.closeSync();
      await warehouse.close();
    },
  };
}
