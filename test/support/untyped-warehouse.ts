// The adapter tests run SQL files of their own (written to a temporary sql/ directory), which the generated
// SqlParams does not know, and pass wrong parameters on purpose to prove the adapters' run-time checks.
// This view of a warehouse takes any file name and any parameters; the adapter underneath is unchanged.
import type { z } from 'zod';
import type { Params, QueryOptions, Warehouse } from '../../src/warehouse/port.js';

/** A query over a test's own `.sql` file (what `defineQuery` builds, without the generated file names). */
export interface FixtureQuery<Row> {
  readonly file: string;
  readonly row: z.ZodType<Row>;
}

export const fixtureQuery = <Row>(file: string, row: z.ZodType<Row>): FixtureQuery<Row> => ({ file, row });

export type Untyped<W extends Warehouse> = Omit<W, 'query' | 'execute'> & {
  query<Row>(def: FixtureQuery<Row>, params: Params, options?: QueryOptions): Promise<Row[]>;
  execute(file: string, params: Params, options?: QueryOptions): Promise<number | null>;
};

/** The same warehouse object, typed to accept files and parameters the generated types do not know. */
export const untyped = <W extends Warehouse>(warehouse: W): Untyped<W> => warehouse as unknown as Untyped<W>;
