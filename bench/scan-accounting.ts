// What each warehouse statement scanned, by the surface that asked (scheduled job, App Home, slash
// command), read from DuckDB's own profiling: every statement's connection gets `enable_profiling =
// 'json'`, and each TABLE_SCAN operator of the profile says which table it read, how many rows
// (`operator_rows_scanned`) and the filters DuckDB pushed into the scan (what BigQuery prunes partitions by).
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryProbe } from '../src/warehouse/duckdb.js';

export const SURFACES = ['job', 'home', 'command'] as const;
export type Surface = (typeof SURFACES)[number];

/** One TABLE_SCAN: the table (`dataset.table`), rows read, and its pushed-down filters (DuckDB's text). */
export interface TableScan {
  readonly table: string;
  readonly rows: number;
  readonly filters: readonly string[];
}

/** One statement: who asked, its SQL file, and its table scans. */
export interface StatementScan {
  readonly surface: Surface;
  readonly file: string;
  readonly scans: readonly TableScan[];
}

interface ProfileNode {
  readonly operator_type?: string;
  readonly operator_rows_scanned?: number;
  readonly extra_info?: { readonly Table?: string; readonly Filters?: string | readonly string[] };
  readonly children?: readonly ProfileNode[];
}

/** The table scans of one query profile (DuckDB names tables `catalog.dataset.table`). */
export function scansOf(profile: ProfileNode): TableScan[] {
  const scans: TableScan[] = [];
  const walk = (node: ProfileNode) => {
    const table = node.extra_info?.Table;
    if (node.operator_type === 'TABLE_SCAN' && table) {
      const filters = node.extra_info?.Filters ?? [];
      scans.push({
        table: table.split('.').slice(-2).join('.'),
        rows: node.operator_rows_scanned ?? 0,
        filters: typeof filters === 'string' ? [filters] : filters,
      });
    }
    for (const child of node.children ?? []) walk(child);
  };
  walk(profile);
  return scans;
}

/**
 * A probe for openDuckDbWarehouse that profiles every statement and charges its scans to the surface the
 * caller runs under (`as(surface, work)`; statements outside any count as 'job').
 */
export function scanAccounting() {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-scans-'));
  const current = new AsyncLocalStorage<Surface>();
  const outputs = new WeakMap<DuckDBConnection, string>();
  const statements: StatementScan[] = [];
  const unprofiled: string[] = [];
  let n = 0;
  const probe: QueryProbe = {
    async before(connection) {
      const out = join(dir, `${n++}.json`);
      outputs.set(connection, out);
      await connection.run(`SET enable_profiling = 'json'`);
      await connection.run(`SET profiling_output = '${out}'`);
    },
    async after(connection, file) {
      const out = outputs.get(connection);
      if (!out) return;
      let profile: ProfileNode;
      try {
        profile = JSON.parse(readFileSync(out, 'utf8')) as ProfileNode;
      } catch {
        // A statement that failed before it ran leaves no profile (and the caller sees its error).
        unprofiled.push(file);
        return;
      } finally {
        rmSync(out, { force: true });
      }
      statements.push({ surface: current.getStore() ?? 'job', file, scans: scansOf(profile) });
    },
  };
  return {
    probe,
    statements,
    /** Files of statements that left no profile (failed). */
    unprofiled,
    as: <T>(surface: Surface, work: () => Promise<T>) => current.run(surface, work),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
