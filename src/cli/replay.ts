// `shotclock replay --from DATE --until DATE [--scenario FILE] [--seed N] [--json FILE]`: run the real bot's
// scheduled jobs over a window of simulated game dates as fast as the machine allows, and score every alert
// against the scenario's truth. The scorecard table on stdout; progress on stderr (a bar on a TTY, a line a
// week otherwise). Only the command is declared here; its work (./replay-run.ts) is imported when it runs.
import type { Command } from 'commander';
import { DEFAULT_SEED } from '../sim/seed.js';
import type { ReplayCommandDeps, ReplayOptions } from './replay-run.js';

const HELP = `
What it does:
  Simulates the pipeline's tables for the window (and the 28 days before it, which the checks look back
  over) into an in-memory DuckDB, then runs the bot's scheduled jobs slot by slot on a manual clock: the
  checks (each reads the warehouse as it was at its run's time), delivery into a sandbox Slack, auto-heal,
  retries and backfills through the simulated services, the digest. Nothing is posted anywhere, nothing is
  written but --json.

The scorecard:
  per truth incident  detected (yes / partly / MISSED), first alert, delay after the warehouse first showed
                      the problem, severity, top-level messages and thread replies, resolved, BURIED (a
                      critical alert visible only inside a thread)
  false positives     alerts that concern no incident of the scenario
  totals              recall, precision, delay p50/p95, top-level messages per day (incident / clean days),
                      messages per incident, overnight messages, buried criticals, warehouse queries/day

Examples:
  npx shotclock replay --from 2025-10-21 --until 2026-04-12
  npx shotclock replay --from 2026-01-15 --until 2026-01-22 --json scorecard.json
`;

export function registerReplayCommand(program: Command, deps: ReplayCommandDeps): Command {
  return program
    .command('replay')
    .description(
      "Replay the bot's scheduled jobs over simulated game dates and score its alerts against the scenario's truth.",
    )
    .option('--from <YYYY-MM-DD>', 'first game date (ET), required')
    .option('--until <YYYY-MM-DD>', 'last game date (ET), required')
    .option('--scenario <FILE>', 'incident scenario YAML (default: data/scenarios/default.yaml)')
    .option('--seed <N>', `seed for the generated data (default ${DEFAULT_SEED})`)
    .option('--json <FILE>', 'also write the scorecard as JSON (per incident, per false positive, totals)')
    .addHelpText('after', HELP)
    .configureOutput({
      writeOut: (s) => void deps.stdout.write(s),
      writeErr: (s) => void deps.stderr.write(s),
    })
    .action(async (opts: ReplayOptions, cmd: Command) => {
      const { runReplayCommand } = await import('./replay-run.js');
      await runReplayCommand(deps, opts, cmd);
    });
}
