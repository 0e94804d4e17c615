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

/**
 * `shotclock … | head` closes the pipe while shotclock still writes: stop quietly with 0, as other
 * command-line tools do, instead of crashing on EPIPE with a stack trace. Any other stream error still throws.
 */
export function exitOnBrokenPipe(stream: NodeJS.EventEmitter, exit: (code: number) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    exit(0);
  });
}
