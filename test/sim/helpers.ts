// Small helpers over generated TableRows for the simulator tests.
import type { TableRows } from '../../src/warehouse/port.js';

export type Row = Record<string, unknown>;

export const rowsOf = (rows: TableRows, table: string): Row[] => (rows[table] ?? []) as Row[];

export const distinct = (rows: readonly Row[], key: (r: Row) => unknown): Set<unknown> =>
  new Set(rows.map(key));

/** Every Date value in every row. */
export function allTimestamps(rows: TableRows): Date[] {
  const out: Date[] = [];
  for (const table of Object.values(rows)) {
    for (const row of table) for (const v of Object.values(row)) if (v instanceof Date) out.push(v);
  }
  return out;
}

/** ET noon of a date, as the checks' CLI defaults "as of". */
export const etNoon = (date: string): Date => new Date(`${date}T17:00:00Z`);
