import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_DIR } from './sql-files.js';

export type ColumnType = 'STRING' | 'INT64' | 'FLOAT64' | 'BOOL' | 'DATE' | 'TIMESTAMP' | 'JSON';
const COLUMN_TYPES: readonly ColumnType[] = [
  'STRING',
  'INT64',
  'FLOAT64',
  'BOOL',
  'DATE',
  'TIMESTAMP',
  'JSON',
];

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
}

export interface TableSchema {
  readonly dataset: string;
  readonly table: string;
  /** `dataset.table`, the name queries use. */
  readonly fullName: string;
  readonly columns: readonly Column[];
  /**
   * The column the table is partitioned by (`PARTITION BY col` or `PARTITION BY DATE(col)`: a day of it,
   * in UTC as in BigQuery); undefined for an unpartitioned table.
   */
  readonly partitionColumn?: string;
  /**
   * `OPTIONS (require_partition_filter = TRUE)`: BigQuery refuses a query that does not filter the partition
   * column (docs/pipeline.md#tables). DuckDB has no partitions; its DDL is built from the columns alone.
   */
  readonly requirePartitionFilter: boolean;
  /** The BigQuery DDL as written in `sql/schema/<dataset>.<table>.sql`. */
  readonly ddl: string;
}

// The schema files are our own, written in one narrow shape (one column per line, no nested types),
// so a line-oriented reader is enough; ZetaSQL validates the same files in tests.
const CREATE = /CREATE TABLE IF NOT EXISTS\s+([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\s*\(/i;
const COLUMN = /^([a-z_][a-z0-9_]*)\s+([A-Z0-9]+)(\s+NOT NULL)?\s*,?\s*(--.*)?$/i;
const PARTITION = /^\s*PARTITION BY\s+(?:DATE\(\s*([a-z_][a-z0-9_]*)\s*\)|([a-z_][a-z0-9_]*))/im;
const REQUIRE_PARTITION_FILTER = /^\s*OPTIONS\s*\([^)]*\brequire_partition_filter\s*=\s*TRUE\b/im;

export function parseTableDdl(fileName: string, ddl: string): TableSchema {
  const create = CREATE.exec(ddl);
  if (!create?.[1] || !create[2])
    throw new Error(`${fileName}: expected "CREATE TABLE IF NOT EXISTS dataset.table ("`);
  const [dataset, table] = [create[1], create[2]];
  const body = ddl.slice(create.index + create[0].length);
  const columns: Column[] = [];
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('--')) continue;
    if (line.startsWith(')')) break;
    const match = COLUMN.exec(line);
    const type = match?.[2]?.toUpperCase() as ColumnType | undefined;
    if (!match?.[1] || !type || !COLUMN_TYPES.includes(type)) {
      throw new Error(`${fileName}: cannot read column definition "${line}"`);
    }
    columns.push({ name: match[1], type, nullable: !match[3] });
  }
  if (columns.length === 0) throw new Error(`${fileName}: table ${dataset}.${table} has no columns`);
  const partition = PARTITION.exec(body);
  const partitionColumn = partition?.[1] ?? partition?.[2];
  if (partitionColumn && !columns.some((c) => c.name === partitionColumn)) {
    throw new Error(`${fileName}: PARTITION BY names ${partitionColumn}, which is not a column`);
  }
  const requirePartitionFilter = REQUIRE_PARTITION_FILTER.test(body);
  if (requirePartitionFilter && !partitionColumn) {
    throw new Error(`${fileName}: require_partition_filter = TRUE needs a PARTITION BY`);
  }
  return {
    dataset,
    table,
    fullName: `${dataset}.${table}`,
    columns,
    ddl,
    partitionColumn,
    requirePartitionFilter,
  };
}

/** Every table of the pipeline, from `sql/schema/*.sql`, sorted by name. */
export function loadSchema(sqlDir = SQL_DIR): TableSchema[] {
  const dir = join(sqlDir, 'schema');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => parseTableDdl(f, readFileSync(join(dir, f), 'utf8')));
}
