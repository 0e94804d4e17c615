// `shotclock load <dataset.table> <file.csv|.ndjson|.jsonl> [--db PATH]` and `shotclock load <dir> [--db PATH]`:
// load rows into the embedded warehouse, e.g. a BigQuery export to reproduce a production incident locally.
// All or nothing: every file is parsed and checked first (errors say file:line and why), then all rows are
// written in one transaction.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { checkRows, LoadError, parseCsv, parseNdjson } from '../warehouse/load-rows.js';
import type { RowSink, TableRows } from '../warehouse/port.js';
import { loadSchema, type TableSchema } from '../warehouse/schema.js';
import type { Output } from './check.js';

export interface LoadCommandDeps {
  /** The embedded warehouse at `dbPath`, or at the configured default path. */
  openWarehouse(dbPath?: string): Promise<RowSink & { close(): Promise<void> }>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Root of sql/ (tests). */
  readonly sqlDir?: string;
}

export interface LoadSource {
  readonly table: string;
  readonly file: string;
}

const EXTENSIONS = /\.(csv|ndjson|jsonl|json)$/;
const TABLE_FILE = /^([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\.(csv|ndjson|jsonl|json)$/i;

/** Which files go into which tables: one named file, or every `<dataset>.<table>.<ext>` of a directory. */
export function planLoad(target: string, file: string | undefined): LoadSource[] {
  if (file !== undefined) {
    if (!EXTENSIONS.test(file)) throw new LoadError(`${file}: expected a .csv, .ndjson or .jsonl file`);
    return [{ table: target, file }];
  }
  if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LoadError(`${target}: not a directory (or give <dataset.table> <file>)`);
  }
  const sources = readdirSync(target)
    .filter((name) => EXTENSIONS.test(name))
    .sort()
    .map((name) => {
      const table = TABLE_FILE.exec(name)?.[1];
      if (!table) throw new LoadError(`${join(target, name)}: name it <dataset>.<table>.jsonl`);
      return { table, file: join(target, name) };
    });
  if (sources.length === 0) throw new LoadError(`${target}: no <dataset>.<table>.jsonl files`);
  return sources;
}

/** Parses and checks every source (throws LoadError naming file:line); returns the rows by table. */
export function readSources(sources: readonly LoadSource[], tables: readonly TableSchema[]): TableRows {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { table: name, file } of sources) {
    const table = tables.find((t) => t.fullName === name);
    if (!table) {
      throw new LoadError(
        `${file}: unknown table ${name} (tables: ${tables.map((t) => t.fullName).join(', ')})`,
      );
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new LoadError(`${file}: cannot read (${(e as Error).message})`);
    }
    const csv = file.endsWith('.csv');
    const { rows, lines } = csv ? parseCsv(file, text) : parseNdjson(file, text);
    const checked = checkRows(file, table, rows, lines, csv);
    out[name] = [...(out[name] ?? []), ...checked];
  }
  return out;
}

export function registerLoadCommand(program: Command, deps: LoadCommandDeps): Command {
  return program
    .command('load')
    .description(
      'Load rows into the embedded DuckDB warehouse, all or nothing: a <dataset.table> and a .csv/.ndjson/.jsonl ' +
        'file, or a directory of <dataset>.<table>.jsonl files (BigQuery JSON export format).',
    )
    .argument('<target>', 'dataset.table, or a directory of <dataset>.<table>.jsonl files')
    .argument('[file]', 'the .csv, .ndjson or .jsonl file to load into <target>')
    .option('--db <PATH>', 'the DuckDB file to load into (default: the configured embedded warehouse)')
    .configureOutput({
      writeOut: (s) => void deps.stdout.write(s),
      writeErr: (s) => void deps.stderr.write(s),
    })
    .action(async (target: string, file: string | undefined, opts: { db?: string }, cmd: Command) => {
      let rows: TableRows;
      try {
        rows = readSources(planLoad(target, file), loadSchema(deps.sqlDir));
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        cmd.error(`error: ${e.message}; nothing was loaded`, { exitCode: 1, code: 'shotclock.load' });
        return;
      }
      const warehouse = await deps.openWarehouse(opts.db);
      try {
        await warehouse.insertRows(rows);
      } catch (e) {
        cmd.error(`error: ${(e as Error).message}; nothing was loaded`, {
          exitCode: 1,
          code: 'shotclock.load',
        });
        return;
      } finally {
        await warehouse.close();
      }
      for (const [table, list] of Object.entries(rows))
        deps.stdout.write(`loaded ${list.length} rows into ${table}\n`);
    });
}
