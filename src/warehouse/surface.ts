import type { QueryDef, QueryOptions, QuerySurface, SqlFile, SqlParams, Warehouse } from './port.js';

/**
 * The same warehouse, its queries labelled as run for `surface` unless the caller names another: BigQuery
 * jobs carry the label so bytes can be told apart by who asked (README, "BigQuery guardrails").
 */
export function withSurface(warehouse: Warehouse, surface: QuerySurface): Warehouse {
  const labelled = (options?: QueryOptions): QueryOptions => ({ surface, ...options });
  return {
    engine: warehouse.engine,
    query<Row, F extends SqlFile>(def: QueryDef<Row, F>, params: SqlParams[F], options?: QueryOptions) {
      return warehouse.query(def, params, labelled(options));
    },
    execute<F extends SqlFile>(file: F, params: SqlParams[F], options?: QueryOptions) {
      return warehouse.execute(file, params, labelled(options));
    },
    ping: () => warehouse.ping(),
    close: () => warehouse.close(),
  };
}
