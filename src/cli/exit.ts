// How the shotclock command line ends: 0 done, 1 the data is wrong (an input file, the warehouse's
// content, a file it cannot write), 2 the command line is wrong (usage). Only a usage error prints the
// usage text after its message; a data error prints its message alone.
import type { Command, CommanderError } from 'commander';

export const EXIT_DATA = 1;
export const EXIT_USAGE = 2;

/** A usage error: the message, then the command's usage (shown by the program's showHelpAfterError). */
export function usageError(cmd: Command, message: string): never {
  cmd.error(`error: ${message}`, { exitCode: EXIT_USAGE, code: 'shotclock.usage' });
}

/** A data error: the message alone, exit 1. */
export function dataError(cmd: Command, message: string): never {
  cmd.showHelpAfterError(false);
  cmd.error(`error: ${message}`, { exitCode: EXIT_DATA, code: 'shotclock.data' });
}

/** The process exit code for a commander error: commander's own parse errors are usage errors. */
export function exitCodeOf(err: Pick<CommanderError, 'exitCode' | 'code'>): number {
  if (err.exitCode === 0) return 0;
  return err.code.startsWith('commander.') ? EXIT_USAGE : err.exitCode;
}
