// The work of `shotclock replay` (see ./replay.ts for the command and its options). Loaded only when the
// command runs: the replay, the simulator and the progress bar stay out of every other command's process.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { addDays, dateRange, etDate } from '../jobs/time.js';
import { runReplay } from '../replay/run.js';
import { formatScorecard, type Scorecard, score } from '../replay/scorecard.js';
import { assertScenarioFits, loadScenario, type Scenario, ScenarioError } from '../sim/scenario.js';
import { loadSchedule } from '../sim/schedule.js';
import type { Output } from './check.js';
import { dataError, usageError } from './exit.js';
import { parseSimArgs } from './sim-run.js';

/** Without a TTY, one progress line per this many simulated days. */
export const PLAIN_PROGRESS_DAYS = 7;

export type ReplayOptions = {
  from?: string;
  until?: string;
  seed?: string;
  scenario?: string;
  json?: string;
};

export interface ReplayCommandDeps {
  readonly stdout: Output & { isTTY?: boolean };
  readonly stderr: Output & { isTTY?: boolean };
}

export interface ReplayArgs {
  readonly from: string;
  readonly until: string;
  readonly seed: number;
  readonly scenarioFile: string;
  readonly json?: string;
}

/** Validate the options (pure): the dates, window and seed as `sim` takes them; every problem names its option. */
export function parseReplayArgs(
  opts: ReplayOptions,
): { ok: true; args: ReplayArgs } | { ok: false; message: string } {
  const parsed = parseSimArgs({
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.until !== undefined ? { until: opts.until } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.scenario !== undefined ? { scenario: opts.scenario } : {}),
  });
  if (!parsed.ok) return parsed;
  if (opts.json !== undefined && opts.json.trim() === '')
    return { ok: false, message: '--json needs a file name' };
  const { from, until, seed, scenarioFile } = parsed.args;
  return { ok: true, args: { from, until, seed, scenarioFile, ...(opts.json ? { json: opts.json } : {}) } };
}

export async function runReplayCommand(
  deps: ReplayCommandDeps,
  opts: ReplayOptions,
  cmd: Command,
): Promise<void> {
  const parsed = parseReplayArgs(opts);
  if (!parsed.ok) usageError(cmd, parsed.message);
  const { from, until, seed, scenarioFile, json } = parsed.args;
  if (!existsSync(scenarioFile)) usageError(cmd, `--scenario ${scenarioFile}: no such file`);
  let scenario: Scenario;
  try {
    scenario = loadScenario(scenarioFile);
    assertScenarioFits(scenario, loadSchedule(), scenarioFile);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    dataError(cmd, err.message);
  }
  // Refuse a --json the end could not write before the run, not after it.
  if (json !== undefined) {
    const dir = dirname(json);
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      dataError(cmd, `--json ${json}: no such directory ${dir}`);
    if (existsSync(json) && statSync(json).isDirectory()) dataError(cmd, `--json ${json} is a directory`);
  }

  const days = dateRange(from, addDays(until, 1)).length;
  deps.stderr.write(
    `replaying ${from} .. ${until} (scenario ${scenario.name}, seed ${seed}): simulating the warehouse…\n`,
  );
  const bar = deps.stderr.isTTY
    ? new SingleBar({
        format: 'replay [{bar}] {value}/{total} days  {date}',
        stream: deps.stderr as unknown as NodeJS.WritableStream,
        hideCursor: true,
      })
    : undefined;
  let lastLine = 0;
  let card: Scorecard;
  try {
    bar?.start(days, 0, { date: from });
    const run = await runReplay({
      from,
      until,
      scenario,
      seed,
      onProgress: (done, total, at) => {
        const day = Math.min(days, Math.floor((done / total) * days + 1e-9));
        if (bar) bar.update(day, { date: etDate(at) });
        else if (day >= lastLine + PLAIN_PROGRESS_DAYS || (day === days && lastLine < days)) {
          lastLine = day;
          deps.stderr.write(`replay: ${day}/${days} days (${etDate(at)})\n`);
        }
      },
    });
    bar?.stop();
    card = score(run);
  } finally {
    bar?.stop();
  }
  deps.stdout.write(formatScorecard(card));
  if (json !== undefined) {
    try {
      writeFileSync(json, `${JSON.stringify(card, null, 2)}\n`);
    } catch (err) {
      dataError(cmd, `--json ${json}: ${(err as Error).message}`);
    }
    deps.stderr.write(`wrote ${json}\n`);
  }
}
