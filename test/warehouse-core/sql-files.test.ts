import { describe, expect, it } from 'vitest';
import { duckDbDdl } from '../../src/warehouse/duckdb-write.js';
import { loadSchema, parseTableDdl } from '../../src/warehouse/schema.js';
import { parseSqlFile } from '../../src/warehouse/sql-files.js';

describe('parseSqlFile', () => {
  it('reads the parameter declarations of the header', () => {
    const file = parseSqlFile(
      'checks/x.sql',
      '-- what it does\n-- @param report_date DATE\n-- @param scrapers ARRAY<STRING>\n--@param now TIMESTAMP\nSELECT 1',
    );
    expect(file.params).toEqual({ report_date: 'DATE', scrapers: 'ARRAY<STRING>', now: 'TIMESTAMP' });
  });

  it('rejects an unknown type, naming file and line', () => {
    expect(() => parseSqlFile('checks/y.sql', 'SELECT 1\n-- @param d DATETIME2')).toThrow(
      /checks\/y\.sql:2: unknown parameter type DATETIME2/,
    );
  });
});

describe('schema', () => {
  it('reads every pipeline table of docs/pipeline.md from sql/schema', () => {
    const names = loadSchema().map((t) => t.fullName);
    expect(names).toEqual(
      expect.arrayContaining([
        'nba_orchestration.phase1_scraper_runs',
        'nba_orchestration.scraper_failures',
        'nba_orchestration.workflow_executions',
        'nba_monitoring.scrape_events',
        'nba_orchestration.proxy_circuit_breaker',
        'nba_orchestration.proxy_health_metrics',
        'nba_raw.nbac_schedule',
        'nba_raw.nbac_gamebook_player_stats',
        'nba_raw.bdl_player_boxscores',
        'nba_reference.processor_run_history',
        'nba_orchestration.reprocess_attempts',
        'nba_predictions.player_prop_predictions',
        'nba_predictions.prediction_accuracy',
      ]),
    );
  });

  it("keeps the pipeline team's scrape_events columns and NOT NULL flags", () => {
    const events = loadSchema().find((t) => t.fullName === 'nba_monitoring.scrape_events');
    expect(events?.columns.find((c) => c.name === 'target_date')).toEqual({
      name: 'target_date',
      type: 'DATE',
      nullable: false,
    });
    expect(events?.columns.find((c) => c.name === 'error_details')).toEqual({
      name: 'error_details',
      type: 'JSON',
      nullable: true,
    });
    expect(events?.ddl).toMatch(/PARTITION BY target_date\s+CLUSTER BY scraper_name, status/);
  });

  it('declares require_partition_filter on the large fact tables (docs/pipeline.md#tables)', () => {
    const required = loadSchema().filter((t) => t.requirePartitionFilter);
    expect(required.map((t) => t.fullName)).toEqual([
      'nba_monitoring.scrape_events',
      'nba_orchestration.phase1_scraper_runs',
      'nba_orchestration.reprocess_attempts',
      'nba_predictions.player_prop_predictions',
      'nba_predictions.prediction_accuracy',
      'nba_raw.bdl_player_boxscores',
      'nba_raw.nbac_gamebook_player_stats',
      'nba_reference.processor_run_history',
    ]);
    // DuckDB has no partitions: its DDL keeps the columns and drops the BigQuery-only clauses.
    for (const table of required) expect(duckDbDdl(table)).not.toMatch(/OPTIONS|PARTITION|CLUSTER/);
  });

  it('refuses require_partition_filter on a table without PARTITION BY', () => {
    const ddl = 'CREATE TABLE IF NOT EXISTS a.b (\n  x INT64\n)\nOPTIONS (require_partition_filter = TRUE);';
    expect(() => parseTableDdl('b.sql', ddl)).toThrow(
      /b\.sql: require_partition_filter = TRUE needs a PARTITION BY/,
    );
    const partitioned = ddl.replace(')\nOPTIONS', ')\nPARTITION BY d\nOPTIONS').replace('x INT64', 'd DATE');
    expect(parseTableDdl('b.sql', partitioned)).toMatchObject({
      partitionColumn: 'd',
      requirePartitionFilter: true,
    });
  });

  it('refuses a column it cannot read rather than guessing', () => {
    expect(() =>
      parseTableDdl('bad.sql', 'CREATE TABLE IF NOT EXISTS a.b (\n  x STRUCT<y INT64>\n);'),
    ).toThrow(/cannot read column/);
  });
});
