// `shotclock sim --from DATE --until DATE [--scenario FILE] [--seed N] [--db PATH] [--now ISO]`: simulate
// what the pipeline wrote for those game dates (as of --now) into the embedded warehouse, and print the
// rows per table; the scenario's truth for those dates (what `replay` scores alerts against) goes beside the
// warehouse file, x.duckdb → x.truth.json. Deterministic for a seed. A progress bar on a TTY; plain lines otherwise.
// Only the command is declared here; its work (./sim-run.ts) is imported when it runs.
import type { Command } from 'commander';
import { DEFAULT_SEED } from '../sim/seed.js';
import type { SimCommandDeps, SimOptions } from './sim-run.js';

export function registerSimCommand(program: Command, deps: SimCommandDeps): Command {
  return program
    .command('sim')
    .description(
      'Simulate the pipeline for a range of game dates into the embedded warehouse (deterministic).',
    )
    .option('--from <YYYY-MM-DD>', 'first game date (ET), required')
    .option('--until <YYYY-MM-DD>', 'last game date (ET), required')
    .option('--scenario <FILE>', 'incident scenario YAML (default: data/scenarios/default.yaml)')
    .option('--seed <N>', `seed for the generated data (default ${DEFAULT_SEED})`)
    .option(
      '--db <PATH>',
      "the DuckDB file to write (default: the configured embedded warehouse); the scenario's truth for the dates goes beside it as <name>.truth.json",
    )
    .option(
      '--now <ISO-TIME>',
      'simulate as of this time: nothing later is written (default: 12:00 ET after --until)',
    )
    .configureOutput({
      writeOut: (s) => void deps.stdout.write(s),
      writeErr: (s) => void deps.stderr.write(s),
    })
    .action(async (opts: SimOptions, cmd: Command) => {
      const { runSimCommand } = await import('./sim-run.js');
      await runSimCommand(deps, opts, cmd);
    });
}
