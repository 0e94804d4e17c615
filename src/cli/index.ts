import { ConfigError } from '../config.js';
import { configFromEnv } from '../main.js';
import { openDuckDbWarehouse } from '../warehouse/duckdb.js';
import { registerCheckCommand } from './check.js';
import { registerLoadCommand } from './load.js';
import { createProgram, exitOnBrokenPipe } from './program.js';
import { registerReplayCommand } from './replay.js';
import { registerSimCommand } from './sim.js';
import { registerStartCommand } from './start.js';

// Each subcommand lives in its own file under src/cli and registers itself here.
const program = createProgram((code) => process.exit(code));
exitOnBrokenPipe(process.stdout, (code) => process.exit(code));

/** Config is read when a command needs it, so `--help` works in a half-configured shell. */
function config() {
  try {
    return configFromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

const openEmbeddedWarehouse = (db?: string) => openDuckDbWarehouse({ path: db ?? config().embedded.dbPath });
const io = { stdout: process.stdout, stderr: process.stderr };

registerStartCommand(program, { config, ...io });
registerCheckCommand(program, {
  ...io,
  get thresholds() {
    return config().thresholds;
  },
  // check only reads: a mistyped --db must not create an empty warehouse that reads as healthy.
  openWarehouse: (db) => openDuckDbWarehouse({ path: db ?? config().embedded.dbPath, create: false }),
});
registerSimCommand(program, {
  ...io,
  openSink: openEmbeddedWarehouse,
  warehousePath: (db) => db ?? config().embedded.dbPath,
});
registerLoadCommand(program, { ...io, openWarehouse: openEmbeddedWarehouse });
registerReplayCommand(program, io);

await program.parseAsync(process.argv);
