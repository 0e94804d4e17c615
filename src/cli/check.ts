// `shotclock check <name|all> --date YYYY-MM-DD [--at ISO-TIME] [--db PATH] [--json]`: run checks as of a
// pipeline date and a time, print the findings, post nothing.
import type { Command } from 'commander';
import { z } from 'zod';
import type { Check } from '../jobs/check.js';
import type { Finding } from '../jobs/finding.js';
import { ALL_CHECKS, findCheck } from '../jobs/registry.js';
import { runChecks } from '../jobs/run-checks.js';
import type { Thresholds } from '../jobs/thresholds.js';
import { addDays, etDate, etInstant, isIsoDate } from '../jobs/time.js';
import { defineQuery, type Warehouse, WarehouseNotFoundError } from '../warehouse/port.js';
import { dataError, usageError } from './exit.js';

export interface Output {
  write(text: string): unknown;
}

export interface CheckCommandDeps {
  /**
   * The configured warehouse, or the embedded one at `dbPath` when --db is given; an existing one only
   * (WarehouseNotFoundError otherwise): check reads, it never creates.
   */
  openWarehouse(dbPath?: string): Promise<Warehouse & { readonly path?: string }>;
  readonly thresholds: Thresholds;
  readonly stdout: Output;
  readonly stderr: Output;
  /** The current time (defaults to the system clock). */
  readonly now?: () => Date;
  readonly timeoutMs?: number;
}

export const dataWindowQuery = defineQuery(
  'status/data_window.sql',
  z.object({ rows_in_window: z.number().int() }),
);

/** The first date any check looks at for `date`: the longest lookback among them. */
export function dataWindowStart(date: string, t: Thresholds): string {
  const days = Math.max(
    t.gradingBaselineDays + 1,
    t.gapLookbackDays,
    t.boxscoreWindowDays,
    t.discrepancyLookbackDays,
  );
  return addDays(date, -days);
}
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export type ParsedArgs =
  | { ok: true; checks: Check<unknown>[]; date: string; at: Date }
  | { ok: false; message: string };

/**
 * Validate the arguments (pure). The as-of time is --at, else now, except for a date already past in ET,
 * which is seen at 12:00 ET that day (after the morning runs, as an operator would have seen it).
 */
export function parseCheckArgs(name: string, opts: { date?: string; at?: string }, now: Date): ParsedArgs {
  const valid = ['all', ...ALL_CHECKS.map((c) => c.name)].join(', ');
  const check = findCheck(name);
  if (name !== 'all' && !check) return { ok: false, message: `unknown check '${name}'; valid: ${valid}` };
  const checks = check ? [check] : [...ALL_CHECKS];
  const date = opts.date;
  // Validated here rather than as a commander required option, so every usage error exits 2.
  if (date === undefined) return { ok: false, message: '--date YYYY-MM-DD is required' };
  if (!isIsoDate(date)) {
    return { ok: false, message: `--date must be a real date YYYY-MM-DD, got '${date}'` };
  }
  if (opts.at !== undefined) {
    const m = ISO_INSTANT.exec(opts.at);
    const at = new Date(opts.at);
    if (!m?.[1] || !isIsoDate(m[1]) || Number.isNaN(at.getTime())) {
      return {
        ok: false,
        message: `--at must be an ISO time with a zone, e.g. 2026-01-18T14:00:00Z, got '${opts.at}'`,
      };
    }
    return { ok: true, checks, date, at };
  }
  const at = date < etDate(now) ? etInstant(date, '12:00') : now;
  return { ok: true, checks, date, at };
}

/** The check names `<name>` accepts, with what each looks at, for `check --help`. */
export function checksHelp(): string {
  const width = Math.max(...ALL_CHECKS.map((c) => c.name.length));
  const lines = ALL_CHECKS.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`);
  return `\nChecks (<name>, or all of them with 'all'):\n${lines.join('\n')}\n`;
}

const SEVERITY_ORDER = { critical: 0, error: 1, warning: 2, info: 3 } as const;

/** Findings as an aligned plain-text table, worst first. */
export function formatFindingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.\n';
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const rows = [
    ['SEVERITY', 'CHECK', 'KEY', 'TITLE'],
    ...sorted.map((f) => [f.severity, f.check, f.key, f.title]),
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join('  '));
  return `${lines.join('\n')}\n`;
}

export function registerCheckCommand(program: Command, deps: CheckCommandDeps): Command {
  return program
    .command('check')
    .description('Run checks as of a pipeline date (ET) and time; prints findings, posts nothing.')
    .argument('<name>', `a check name or 'all'`)
    .option('--date <YYYY-MM-DD>', 'the pipeline date to check (ET), required')
    .option('--at <ISO-TIME>', 'the current time to check as of (default: now, or 12:00 ET of a past --date)')
    .option('--db <PATH>', 'use the embedded DuckDB warehouse at PATH')
    .option('--json', 'print the findings as a JSON array')
    .addHelpText('after', checksHelp)
    .configureOutput({
      writeOut: (s) => void deps.stdout.write(s),
      writeErr: (s) => void deps.stderr.write(s),
    })
    .action(
      async (
        name: string,
        opts: { date?: string; at?: string; db?: string; json?: boolean },
        cmd: Command,
      ) => {
        const parsed = parseCheckArgs(name, opts, (deps.now ?? (() => new Date()))());
        if (!parsed.ok) usageError(cmd, parsed.message);
        let warehouse: Awaited<ReturnType<CheckCommandDeps['openWarehouse']>>;
        try {
          warehouse = await deps.openWarehouse(opts.db);
        } catch (e) {
          if (e instanceof WarehouseNotFoundError) {
            usageError(
              cmd,
              `${e.message}; check reads an existing warehouse (shotclock load or sim makes one)`,
            );
          }
          dataError(cmd, e instanceof Error ? e.message : String(e));
        }
        try {
          // An empty warehouse, or one without these dates, would read as a healthy pipeline.
          const from = dataWindowStart(parsed.date, deps.thresholds);
          const [seen] = await warehouse.query(dataWindowQuery, {
            window_start: from,
            report_date: parsed.date,
            since: etInstant(from, '00:00'),
            now: parsed.at,
          });
          if (!seen || seen.rows_in_window === 0) {
            const where = warehouse.path ?? opts.db ?? 'the configured warehouse';
            usageError(
              cmd,
              `${where} has no pipeline data for ${from} .. ${parsed.date}; load an export (shotclock load) or pick another --date`,
            );
          }
          const { findings } = await runChecks(
            { warehouse },
            parsed.checks,
            { date: parsed.date, now: parsed.at, thresholds: deps.thresholds },
            { timeoutMs: deps.timeoutMs },
          );
          if (opts.json) {
            deps.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
          } else {
            const what =
              parsed.checks.length === 1
                ? `check ${parsed.checks[0]?.name}`
                : `${parsed.checks.length} checks`;
            deps.stdout.write(`${what} for ${parsed.date} as of ${parsed.at.toISOString()}\n\n`);
            deps.stdout.write(formatFindingsTable(findings));
          }
        } finally {
          await warehouse.close();
        }
      },
    );
}
