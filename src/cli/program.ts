// The `shotclock` program without its subcommands: how it reports errors and ends. index.ts registers the
// subcommands with the real dependencies; tests build the same program with their own.
import { Command } from 'commander';
import { exitCodeOf } from './exit.js';

export function createProgram(exit: (code: number) => never): Command {
  return (
    new Command()
      .name('shotclock')
      .description(
        'Slack chat-ops bot that keeps an NBA stats / props data pipeline on Google Cloud healthy.',
      )
      .showHelpAfterError()
      // commander has already printed the message (and the usage, for a usage error).
      .exitOverride((err) => exit(exitCodeOf(err)))
  );
}
