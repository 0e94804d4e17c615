import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Config } from '../config.js';
import { createLogger } from '../log.js';
import { selfHostedAdapters } from '../runtime/production.js';
import { type RunningBot, startShotclock } from '../runtime/start.js';
import { defaultUi } from '../runtime/ui.js';
import type { Output } from './check.js';

export interface StartCommandDeps {
  config(): Config;
  readonly stdout: Output;
  readonly stderr: Output;
}

/** Stop within this long on SIGTERM/Ctrl-C (Cloud Run gives 10 s before SIGKILL). */
const SHUTDOWN_DEADLINE_MS = 8_000;

export function registerStartCommand(program: Command, deps: StartCommandDeps): Command {
  return program
    .command('start')
    .description(
      'Run the bot. With no Slack or Google Cloud configuration: the embedded demo with a local Slack sandbox.',
    )
    .option('--reset', 'demo: delete the embedded database and start fresh')
    .option('--port <PORT>', 'port of the HTTP server (demo: the sandbox page); default $PORT or 3000')
    .action(async (opts: { reset?: boolean; port?: string }) => {
      const config = deps.config();
      const log = createLogger({
        level: config.server.logLevel,
        format: config.server.logFormat,
        secrets: config.secrets,
      });
      const port = opts.port === undefined ? config.server.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        deps.stderr.write(`error: --port must be a port number, got '${opts.port}'\n`);
        process.exit(2);
      }
      // Signals are taken from the start: one that arrives while starting stops the bot once it is up.
      let stop: (() => Promise<void>) | undefined;
      let stopping = false;
      const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log.info(`${signal}: stopping (finishing running jobs and task deliveries)`);
        const deadline = setTimeout(() => {
          log.error(`did not stop within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS);
        deadline.unref();
        if (stop) void finish(stop);
      };
      const finish = (stopBot: () => Promise<void>) =>
        stopBot().then(
          () => process.exit(0),
          (error: unknown) => {
            log.error('shutdown failed', { error });
            process.exit(1);
          },
        );
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      try {
        // Each mode loads only its own modules (the simulator, the Google clients): less memory and a
        // faster start for the modes that do not need them.
        if (config.mode === 'demo') {
          const { startDemo } = await import('../runtime/demo.js');
          const demo = await startDemo(config, defaultUi, {
            reset: opts.reset === true,
            port,
            host: '127.0.0.1',
            log,
            say: (line) => void deps.stdout.write(`${line}\n`),
          });
          stop = () => demo.stop();
        } else {
          const adapters =
            config.mode === 'cloud'
              ? await (await import('../runtime/cloud.js')).cloudAdapters(config)
              : await selfHostedAdapters(
                  config,
                  log,
                  config.embedded.localTasksSecret ?? randomBytes(24).toString('hex'),
                );
          const bot: RunningBot = await startShotclock(config, adapters, defaultUi, log, {
            port,
            host: config.server.host,
          });
          log.info(`shotclock ${config.mode} listening on ${bot.url}`);
          stop = () => bot.stop();
        }
      } catch (error) {
        // A start that cannot succeed (bad token, Slack or Google unreachable, a port in use) says why
        // in one line and exits non-zero, so the platform restarts it and the log shows what to fix.
        const why = error instanceof Error ? error.message : String(error);
        log.error(`shotclock could not start: ${why}`);
        deps.stderr.write(`error: shotclock could not start: ${why}\n`);
        process.exit(1);
      }
      if (stopping) void finish(stop);
    });
}
