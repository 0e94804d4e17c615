import { Command } from 'commander';

// Each subcommand lives in its own file under src/cli and registers itself here.
const program = new Command()
  .name('shotclock')
  .description('Slack chat-ops bot that keeps an NBA stats / props data pipeline on Google Cloud healthy.')
  .showHelpAfterError()
  .exitOverride((err) => {
    // commander already printed the message; usage errors exit 2 like other CLIs.
    process.exit(err.exitCode === 0 ? 0 : 2);
  });

await program.parseAsync(process.argv);
