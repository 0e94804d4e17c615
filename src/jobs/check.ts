import type { QueryDef, SqlFile, SqlParams } from '../warehouse/port.js';
import { boundTitle, type Finding } from './finding.js';
import type { Presentation } from './presentation.js';
import type { Thresholds } from './thresholds.js';

/** What every check is evaluated against: the pipeline date (ET), the current time and the thresholds. */
export interface CheckContext {
  /** The pipeline date being checked, `YYYY-MM-DD` in ET (the time module's zone). */
  readonly date: string;
  readonly now: Date;
  readonly thresholds: Thresholds;
}

/**
 * A check is one `sql/checks/<name>.sql` plus a pure evaluator. `params` maps the context to the
 * query's declared parameters (typed from the file's header); `evaluate` turns rows into findings with no
 * I/O and no clock of its own.
 */
export interface Check<Row = unknown, F extends SqlFile = SqlFile> {
  readonly name: string;
  readonly description: string;
  readonly query: QueryDef<Row, F>;
  params(ctx: CheckContext): SqlParams[F];
  evaluate(rows: readonly Row[], ctx: CheckContext): Finding[];
  /**
   * How its findings read in an alert: a sentence and at most five key fields (src/jobs/presentation.ts).
   * Every registered check declares one (test/views/alert-presentation.test.ts); without one an alert shows
   * the title and the first facts.
   */
  readonly presentation?: Presentation;
}

/**
 * Keeps each check's row type while the registry holds `Check<unknown>`, and bounds every finding's title
 * (findingKey bounds the keys): a check puts names from the warehouse into its titles, and a 10 kB scraper
 * name must still make a one-line alert.
 */
export function defineCheck<Row, F extends SqlFile>(check: Check<Row, F>): Check<Row, F> {
  return {
    ...check,
    evaluate: (rows, ctx) => check.evaluate(rows, ctx).map((f) => ({ ...f, title: boundTitle(f.title) })),
  };
}
