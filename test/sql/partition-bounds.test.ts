// BigQuery bills by bytes scanned, and a table is scanned only in the partitions its partition column's filter
// keeps: every query of sql/ that reads or writes a partitioned table (PARTITION BY in sql/schema) must bound
// that column from below and from above, or it scans the table's whole history (and fails outright on the
// tables that declare require_partition_filter, docs/pipeline.md#tables). Proved on ZetaSQL's resolved AST
// (test/support/partition-bounds.ts says what counts as a bound), not on the text: the fixtures below show a
// missing side, a bound the analyzer sees is not one (OR, after a window function, in a comment) and a DML
// statement all fail, and the bound shapes the project uses all pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParamType, ParsedSqlFile } from '../../src/warehouse/port.js';
import { loadSchema } from '../../src/warehouse/schema.js';
import { listSqlFiles, loadSqlFile } from '../../src/warehouse/sql-files.js';
import { missingBounds, type PartitionColumns, partitionReads } from '../support/partition-bounds.js';
import { describeFailure, startZetaSql, type ZetaSql } from '../support/zetasql.js';

const QUERY_FILES = listSqlFiles('').filter((name) => !name.startsWith('schema/'));
const TABLES = loadSchema();
const PARTITIONED: PartitionColumns = new Map(
  TABLES.flatMap((t) => (t.partitionColumn ? [[t.fullName, t.partitionColumn] as const] : [])),
);

let zeta: ZetaSql | undefined;
beforeAll(async () => {
  zeta = await startZetaSql(TABLES);
});
afterAll(async () => {
  await zeta?.stop();
});

/** Each read of a partitioned table, `ok` or what it lacks. */
async function verdicts(file: ParsedSqlFile): Promise<string[]> {
  if (!zeta) throw new Error('ZetaSQL server did not start (see the beforeAll error)');
  const analysis = await zeta.analyze(file);
  if (!analysis.ok) throw new Error(describeFailure(file.name, analysis));
  return partitionReads(analysis.resolved, PARTITIONED).map((read) => missingBounds(read) ?? 'ok');
}

describe('every sql/ query bounds the partition column of each partitioned table it reads, on both sides', () => {
  it('has partitioned tables and queries to check', () => {
    expect(PARTITIONED.size).toBeGreaterThan(0);
    expect(QUERY_FILES.length).toBeGreaterThan(0);
  });

  for (const name of QUERY_FILES) {
    it(name, async () => {
      const results = await verdicts(loadSqlFile(name));
      expect(
        results.filter((r) => r !== 'ok'),
        `sql/${name}`,
      ).toEqual([]);
    });
  }
});

const P: Record<string, ParamType> = {
  from: 'DATE',
  through: 'DATE',
  now: 'TIMESTAMP',
  ids: 'ARRAY<STRING>',
};
const fixture = (text: string): ParsedSqlFile => ({ name: 'fixture.sql', text, params: P });

/** Fixture queries and the verdict for each partitioned read, in the order ZetaSQL resolves them. */
const FIXTURES: ReadonlyArray<readonly [string, string, readonly string[]]> = [
  [
    'a lower bound only',
    'SELECT COUNT(*) FROM nba_monitoring.scrape_events WHERE target_date >= @from AND started_at <= @now',
    ['nba_monitoring.scrape_events: no upper bound on target_date'],
  ],
  [
    'an upper bound only, the lower one in a comment and a string',
    `SELECT COUNT(*) FROM nba_monitoring.scrape_events -- WHERE target_date >= @from
     WHERE target_date <= @through AND error_message != 'target_date >= @from'`,
    ['nba_monitoring.scrape_events: no lower bound on target_date'],
  ],
  [
    'no filter at all',
    'SELECT COUNT(*) FROM nba_raw.nbac_schedule',
    ['nba_raw.nbac_schedule: no lower and no upper bound on game_date'],
  ],
  [
    'a bound inside OR',
    `SELECT COUNT(*) FROM nba_raw.nbac_schedule
     WHERE game_date BETWEEN @from AND @through OR game_status = 3`,
    ['nba_raw.nbac_schedule: no lower and no upper bound on game_date'],
  ],
  [
    'a bound by another column, not a constant',
    `SELECT COUNT(*) FROM nba_reference.processor_run_history
     WHERE data_date >= @from AND data_date <= DATE(completed_at)`,
    ['nba_reference.processor_run_history: no upper bound on data_date'],
  ],
  [
    'a bound applied after a window function, which reads every partition first',
    `SELECT * FROM (
       SELECT data_date, ROW_NUMBER() OVER (ORDER BY started_at) AS n FROM nba_reference.processor_run_history
     ) WHERE data_date BETWEEN @from AND @through`,
    ['nba_reference.processor_run_history: no lower and no upper bound on data_date'],
  ],
  [
    'a same-named column of the other table bounded, not this one',
    `SELECT COUNT(*) FROM nba_raw.nbac_schedule AS s
     JOIN nba_raw.bdl_player_boxscores AS b ON b.game_id = s.game_id
     WHERE s.game_date BETWEEN @from AND @through`,
    ['ok', 'nba_raw.bdl_player_boxscores: no lower and no upper bound on game_date'],
  ],
  [
    'the WHERE on the null-supplying side of a LEFT JOIN (not credited), its ON (credited)',
    `SELECT COUNT(*) FROM nba_raw.nbac_schedule AS s
     LEFT JOIN nba_raw.bdl_player_boxscores AS b ON b.game_id = s.game_id AND b.game_date >= @from
     WHERE s.game_date BETWEEN @from AND @through AND b.game_date <= @through`,
    ['ok', 'nba_raw.bdl_player_boxscores: no upper bound on game_date'],
  ],
  [
    'an UPDATE without a partition filter',
    `UPDATE nba_orchestration.reprocess_attempts SET circuit_breaker_tripped = FALSE
     WHERE entity_id IN UNNEST(@ids)`,
    ['nba_orchestration.reprocess_attempts: no lower and no upper bound on analysis_date'],
  ],
  [
    'a scalar subquery reads its table on its own',
    `SELECT (SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date = @from) AS games,
       (SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date > @from) AS later`,
    ['ok', 'nba_raw.nbac_schedule: no upper bound on game_date'],
  ],
  [
    'bounds the project uses: BETWEEN, =, IN UNNEST, < and >= around functions of parameters, in a CTE',
    `WITH e AS (
       SELECT scraper_name FROM nba_monitoring.scrape_events
       WHERE target_date BETWEEN DATE_SUB(@from, INTERVAL 1 DAY) AND @through
     )
     SELECT e.scraper_name FROM e
     JOIN nba_orchestration.workflow_executions AS w
       ON w.workflow_name = e.scraper_name AND w.execution_time > TIMESTAMP_SUB(@now, INTERVAL 24 HOUR)
     JOIN nba_raw.nbac_schedule AS s ON s.game_id = e.scraper_name
     WHERE w.execution_time <= @now AND s.game_date IN UNNEST([@from, @through])`,
    ['ok', 'ok', 'ok'],
  ],
  [
    'an UPDATE bounded in its WHERE; an unpartitioned table needs nothing',
    `UPDATE nba_orchestration.reprocess_attempts SET circuit_breaker_tripped = FALSE
     WHERE analysis_date >= @from AND analysis_date < @through
       AND processor_name IN (SELECT proxy_provider FROM nba_orchestration.proxy_circuit_breaker)`,
    ['ok'],
  ],
];

describe('the partition-bound proof', () => {
  for (const [what, text, expected] of FIXTURES) {
    it(what, async () => expect(await verdicts(fixture(text))).toEqual(expected));
  }
});
