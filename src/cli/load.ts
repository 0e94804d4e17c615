// `shotclock load <dataset.table> <file.csv|.ndjson|.jsonl> [--db PATH] [--replace]` and
// `shotclock load <dir> [--db PATH] [--replace]`: load rows into the embedded warehouse, e.g. a BigQuery export
// to reproduce a production incident locally. All or nothing: every file is parsed and checked first (errors
// say file:line and why), then all rows are written in one transaction. Safe to repeat: a file loaded before
// is refused, or with --replace replaces the dates it covers (see src/warehouse/duckdb-load.ts).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  AlreadyLoadedError,
  contentHash,
  type LoadFile,
  type LoadOutcome,
} from '../warehouse/duckdb-load.js';
import { checkRows, decodeUtf8, LoadError, parseCsv, parseNdjson } from '../warehouse/load-rows.js';
import { loadSchema, type TableSchema } from '../warehouse/schema.js';
import type { Output } from './check.js';
import { dataError, usageError } from './exit.js';

export interface LoadCommandDeps {
  /** The embedded warehouse at `dbPath`, or at the configured default path. */
  openWarehouse(dbPath?: string): Promise<{
    loadFiles(files: readonly LoadFile[], options: { replace: boolean; now: Date }): Promise<LoadOutcome[]>;
    close(): Promise<void>;
  }>;
  readonly stdout: Output;
  readonly stderr: Output;
  /** Root of sql/ (tests). */
  readonly sqlDir?: string;
  /** The time recorded with each loaded file (defaults to the system clock). */
  readonly now?: () => Date;
}

export interface LoadSource {
  readonly table: string;
  readonly file: string;
}

/** A mistake in the command line itself (no such directory, a file of another kind): a usage error. */
export class LoadUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LoadUsageError';
  }
}

export interface LoadPlan {
  readonly sources: LoadSource[];
  /** Entries of the directory that are not `<dataset>.<table>.<ext>` files of a known dataset. */
  readonly skipped: string[];
}

const EXTENSIONS = /\.(csv|ndjson|jsonl|json)$/;
const TABLE_FILE = /^(([a-z_][a-z0-9_]*)\.[a-z_][a-z0-9_]*)\.(csv|ndjson|jsonl|json)$/i;

/**
 * Which files go into which tables: one named file, or every `<dataset>.<table>.<ext>` file of a directory
 * whose dataset is the pipeline's. Anything else in the directory (a README, an expectations file) is
 * skipped and listed; a file of a known dataset with an unknown table is loaded, so a misspelt table name
 * fails instead of vanishing.
 */
export function planLoad(target: string, file: string | undefined, tables: readonly TableSchema[]): LoadPlan {
  if (file !== undefined) {
    if (!EXTENSIONS.test(file)) throw new LoadUsageError(`${file}: expected a .csv, .ndjson or .jsonl file`);
    return { sources: [{ table: target, file }], skipped: [] };
  }
  if (!statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    throw new LoadUsageError(`${target}: not a directory (or give <dataset.table> <file>)`);
  }
  const datasets = new Set(tables.map((t) => t.dataset));
  const sources: LoadSource[] = [];
  const skipped: string[] = [];
  for (const name of readdirSync(target).sort()) {
    const match = TABLE_FILE.exec(name);
    const path = join(target, name);
    const isTableFile = match?.[1] && match[2] && datasets.has(match[2]) && statSync(path).isFile();
    if (isTableFile) sources.push({ table: match[1] as string, file: path });
    else skipped.push(name);
  }
  if (sources.length === 0) {
    throw new LoadUsageError(`${target}: no <dataset>.<table>.jsonl files of the pipeline's datasets`);
  }
  return { sources, skipped };
}

/** Parses and checks every source (throws LoadError naming file:line); returns each file's rows and hash. */
export function readSources(sources: readonly LoadSource[], tables: readonly TableSchema[]): LoadFile[] {
  const out: LoadFile[] = [];
  for (const { table: name, file } of sources) {
    const table = tables.find((t) => t.fullName === name);
    if (!table) {
      throw new LoadError(
        `${file}: unknown table ${name} (tables: ${tables.map((t) => t.fullName).join(', ')})`,
      );
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new LoadError(`${file}: cannot read (${(e as Error).message})`);
    }
    const text = decodeUtf8(file, bytes);
    const csv = file.endsWith('.csv');
    const { rows, lines } = csv ? parseCsv(file, text) : parseNdjson(file, text);
    out.push({
      table: name,
      file,
      sha256: contentHash(bytes),
      rows: checkRows(file, table, rows, lines, csv),
    });
  }
  return out;
}

const span = (dates: readonly string[]) =>
  dates.length === 0
    ? ''
    : ` for ${dates[0]}${dates.length > 1 ? ` .. ${dates[dates.length - 1]} (${dates.length} dates)` : ''}`;

/** One line per file saying what the load did: appended, appended beside rows already there, or replaced. */
export function describeOutcome(o: LoadOutcome): string {
  const what = `${o.rows} rows into ${o.table}${span(o.dates)} from ${o.file}`;
  if (o.replaced) {
    const old = o.dates.length === 0 ? `all ${o.existingRows} rows` : `${o.existingRows} rows`;
    return `replaced ${old} of ${o.table}${span(o.dates)} with ${o.rows} rows from ${o.file}`;
  }
  if (o.existingRows === 0) return `loaded ${what}`;
  return `loaded ${what}, beside ${o.existingRows} rows already there (--replace replaces them instead)`;
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
    .option(
      '--replace',
      'replace the rows of the dates each file covers (a table without partitions: all its rows); without it a file loaded before is refused',
    )
    .configureOutput({
      writeOut: (s) => void deps.stdout.write(s),
      writeErr: (s) => void deps.stderr.write(s),
    })
    .action(
      async (
        target: string,
        file: string | undefined,
        opts: { db?: string; replace?: boolean },
        cmd: Command,
      ) => {
        const tables = loadSchema(deps.sqlDir);
        let plan: LoadPlan;
        let files: LoadFile[];
        try {
          plan = planLoad(target, file, tables);
          files = readSources(plan.sources, tables);
        } catch (e) {
          if (e instanceof LoadUsageError) usageError(cmd, e.message);
          if (e instanceof LoadError) dataError(cmd, `${e.message}; nothing was loaded`);
          throw e;
        }
        if (plan.skipped.length > 0) {
          deps.stdout.write(`skipped (not <dataset>.<table>.jsonl): ${plan.skipped.join(', ')}\n`);
        }
        let warehouse: Awaited<ReturnType<LoadCommandDeps['openWarehouse']>>;
        try {
          warehouse = await deps.openWarehouse(opts.db);
        } catch (e) {
          dataError(cmd, `${(e as Error).message}; nothing was loaded`);
        }
        let outcomes: LoadOutcome[];
        try {
          outcomes = await warehouse.loadFiles(files, {
            replace: opts.replace === true,
            now: (deps.now ?? (() => new Date()))(),
          });
        } catch (e) {
          const hint = e instanceof AlreadyLoadedError ? '; --replace replaces the dates it covers' : '';
          dataError(cmd, `${(e as Error).message}; nothing was loaded${hint}`);
        } finally {
          await warehouse.close();
        }
        for (const outcome of outcomes) deps.stdout.write(`${describeOutcome(outcome)}\n`);
      },
    );
}
