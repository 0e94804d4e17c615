// The work of `shotclock sim` (see ./sim.ts for the command and its options). Loaded only when the
// command runs: the simulator, its scenario parser and the progress bar stay out of every other command's
// process, `start` included.
import { existsSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { isIsoDate } from '../jobs/time.js';
import { ALL_TABLES } from '../sim/context.js';
import { dateRange } from '../sim/et.js';
import { defaultNow } from '../sim/generate.js';
import { loadSimulation } from '../sim/load.js';
import {
  assertScenarioFits,
  DEFAULT_SCENARIO_FILE,
  loadScenario,
  type Scenario,
  ScenarioError,
} from '../sim/scenario.js';
import { loadSchedule } from '../sim/schedule.js';
import { DEFAULT_SEED } from '../sim/seed.js';
import { scenarioTruth } from '../sim/truth.js';
import type { RowSink } from '../warehouse/port.js';
import type { Output } from './check.js';
import { dataError, usageError } from './exit.js';

const MAX_DAYS = 366;
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface SimArgs {
  readonly from: string;
  readonly until: string;
  readonly seed: number;
  readonly now: Date;
  readonly scenarioFile: string;
}

/** Validate the options (pure); every problem is a usage error naming the option. */
export function parseSimArgs(opts: {
  from?: string;
  until?: string;
  seed?: string;
  now?: string;
  scenario?: string;
}): { ok: true; args: SimArgs } | { ok: false; message: string } {
  for (const name of ['from', 'until'] as const) {
    const v = opts[name];
    if (v === undefined) return { ok: false, message: `--${name} YYYY-MM-DD is required` };
    if (!isIsoDate(v)) return { ok: false, message: `--${name} must be a real date YYYY-MM-DD, got '${v}'` };
  }
  const from = opts.from as string;
  const until = opts.until as string;
  if (until < from) return { ok: false, message: `--until ${until} is before --from ${from}` };
  if (dateRange(from, until).length > MAX_DAYS)
    return { ok: false, message: `at most ${MAX_DAYS} days at once` };
  let seed = DEFAULT_SEED;
  if (opts.seed !== undefined) {
    if (!/^\d{1,10}$/.test(opts.seed) || Number(opts.seed) > 0xffffffff) {
      return { ok: false, message: `--seed must be a whole number 0..4294967295, got '${opts.seed}'` };
    }
    seed = Number(opts.seed);
  }
  let now = defaultNow(until);
  if (opts.now !== undefined) {
    const m = ISO_INSTANT.exec(opts.now);
    now = new Date(opts.now);
    if (!m?.[1] || !isIsoDate(m[1]) || Number.isNaN(now.getTime())) {
      return {
        ok: false,
        message: `--now must be an ISO time with a zone, e.g. 2026-01-19T17:00:00Z, got '${opts.now}'`,
      };
    }
  }
  return { ok: true, args: { from, until, seed, now, scenarioFile: opts.scenario ?? DEFAULT_SCENARIO_FILE } };
}

/** Rows per table, aligned, with a total line. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const width = Math.max(...ALL_TABLES.map((t) => t.length), 'total'.length);
  const lines = ALL_TABLES.map((t) => `${t.padEnd(width)}  ${String(counts[t] ?? 0).padStart(8)}`);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return `${lines.join('\n')}\n${'total'.padEnd(width)}  ${String(total).padStart(8)}\n`;
}

export type SimOptions = {
  from?: string;
  until?: string;
  seed?: string;
  now?: string;
  scenario?: string;
  db?: string;
};

/** Validate, load the scenario, simulate into the sink; usage errors go through commander (exit 2). */
export interface SimCommandDeps {
  /** The embedded warehouse at `dbPath` (the configured default when omitted), as a sink to write into. */
  openSink(dbPath?: string): Promise<RowSink & { close(): Promise<void> }>;
  readonly stdout: Output & { isTTY?: boolean };
  readonly stderr: Output & { isTTY?: boolean };
  /** Monotonic ms for the elapsed time printed at the end. */
  readonly elapsed?: () => number;
  /** The warehouse file `openSink(dbPath)` opens: the scenario's truth is written beside it. */
  readonly warehousePath?: (dbPath?: string) => string;
}

/** Where the truth of a simulated warehouse goes: `data/x.duckdb` → `data/x.truth.json`; none in memory. */
export function truthPathFor(dbPath: string): string | undefined {
  if (dbPath === ':memory:' || dbPath === '') return undefined;
  return `${dbPath.replace(/\.duckdb$/, '')}.truth.json`;
}

export async function runSimCommand(deps: SimCommandDeps, opts: SimOptions, cmd: Command): Promise<void> {
  const parsed = parseSimArgs(opts);
  if (!parsed.ok) {
    usageError(cmd, parsed.message);
  }
  const scenarioFile = parsed.args.scenarioFile;
  if (!existsSync(scenarioFile)) {
    usageError(cmd, `--scenario ${scenarioFile}: no such file`);
  }
  let scenario: Scenario;
  try {
    scenario = loadScenario(scenarioFile);
    assertScenarioFits(scenario, loadSchedule(), scenarioFile);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    // What the scenario file says is data: exit 1, without the usage text.
    dataError(cmd, err.message);
  }
  const elapsed = deps.elapsed ?? (() => performance.now());
  const started = elapsed();
  const { from, until, seed, now } = parsed.args;
  deps.stdout.write(
    `simulating ${from} .. ${until} as of ${now.toISOString()} (scenario ${scenario.name}, seed ${seed})\n`,
  );
  const sink = await deps.openSink(opts.db);
  const bar = deps.stderr.isTTY
    ? new SingleBar({
        format: 'sim [{bar}] {value}/{total} dates  {date}',
        stream: deps.stderr as unknown as NodeJS.WritableStream,
        hideCursor: true,
      })
    : undefined;
  try {
    bar?.start(dateRange(from, until).length, 0, { date: from });
    const counts = await loadSimulation({ from, until, seed, now, scenario }, sink, (done, _total, date) =>
      bar?.update(done, { date }),
    );
    bar?.stop();
    deps.stdout.write(formatCounts(counts));
    const truthFile = deps.warehousePath && truthPathFor(deps.warehousePath(opts.db));
    if (truthFile) {
      // The scenario's incidents concerning these dates, as the replay's scorecard judges alerts by them.
      const incidents = scenarioTruth({ scenario, seed, from, until });
      try {
        writeFileSync(
          truthFile,
          `${JSON.stringify({ scenario: scenario.name, seed, from, until, incidents }, null, 2)}\n`,
        );
      } catch (err) {
        dataError(cmd, `cannot write the truth file ${truthFile}: ${(err as Error).message}`);
      }
      deps.stdout.write(`truth: ${incidents.length} incidents in ${truthFile}\n`);
    }
    deps.stdout.write(`done in ${((elapsed() - started) / 1000).toFixed(1)} s\n`);
  } finally {
    bar?.stop();
    await sink.close();
  }
}
