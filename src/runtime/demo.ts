import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AcceleratedClock } from '../clock-accelerated.js';
import type { Config } from '../config.js';
import { addDays, etInstant } from '../jobs/time.js';
import type { Logger } from '../log.js';
import { type Sandbox, startSandbox } from '../sandbox/server.js';
import { createSimulatedServices, loadScenario, loadSimulation } from '../sim/index.js';
import { DEFAULT_SCENARIO_FILE } from '../sim/scenario.js';
import { simulatedPorts } from '../sim/scraper-service.js';
import { verifyLocalTaskCaller } from '../tasks/verify.js';
import type { Ui } from './adapters.js';
import { openEmbedded, removeEmbeddedDb } from './embedded.js';
import { type RunningBot, startShotclock } from './start.js';

/** Days of pipeline history simulated before the demo date: the checks look back up to 14 + 14 days. */
const HISTORY_DAYS = 35;
/**
 * The demo replays the morning after the demo date's games, from just before the 06:00 ET completeness run,
 * so the overnight collection's problems are there and the morning's jobs play out in order.
 */
const DEMO_START_ET = '05:50';
const DEMO_SIGNING_SECRET = 'shotclock-demo-signing-secret';
const DEMO_BOT_TOKEN = 'xoxb-shotclock-demo';
const DEMO_OPERATOR_GROUP = 'S01ONCALL';

export interface DemoOptions {
  readonly reset: boolean;
  /** Sandbox page port (the bot takes the next free one). */
  readonly port: number;
  readonly host: string;
  readonly botPort?: number;
  readonly log: Logger;
  /** Print to the terminal (the demo's "where to look" lines). */
  readonly say: (line: string) => void;
}

export interface RunningDemo {
  readonly sandbox: Sandbox;
  readonly bot: RunningBot;
  readonly clock: AcceleratedClock;
  stop(): Promise<void>;
}

/**
 * `npm start` with nothing configured: the embedded warehouse seeded by the simulator at the demo date, the
 * simulated scraper service, the local task queue, the local Slack sandbox, and simulated time running
 * fast enough that a 4 h retry backoff plays out in seconds.
 */
export async function startDemo(baseConfig: Config, ui: Ui, options: DemoOptions): Promise<RunningDemo> {
  const { log, say } = options;
  const config: Config = {
    ...baseConfig,
    alerts: {
      ...baseConfig.alerts,
      operatorGroupId: baseConfig.alerts.operatorGroupId ?? DEMO_OPERATOR_GROUP,
    },
  };
  const { dbPath, demoDate, demoSeed, secondsPerSimHour } = config.embedded;
  if (options.reset) {
    removeEmbeddedDb(dbPath);
    say(`reset: removed ${dbPath}`);
  }
  const embedded = await openEmbedded(dbPath);
  const morningAfter = addDays(demoDate, 1);
  const simStart = etInstant(morningAfter, DEMO_START_ET);
  // The pipeline keeps working while the demo runs: the warehouse holds what it writes until this time, and
  // every check reads as of the clock (its queries filter on @now), so the day unfolds as time passes.
  const seededUntil = etInstant(addDays(morningAfter, 1), DEMO_START_ET);
  const scenario = loadScenario(DEFAULT_SCENARIO_FILE);
  await seedOnce(embedded.admin, { demoDate, demoSeed }, async () => {
    const from = addDays(demoDate, -HISTORY_DAYS);
    say(
      `seeding the embedded warehouse: ${from} → ${morningAfter}, the pipeline's writes until ${addDays(morningAfter, 1)} ${DEMO_START_ET} ET (seed ${demoSeed})…`,
    );
    const counts = await loadSimulation(
      { from, until: morningAfter, now: seededUntil, scenario, seed: demoSeed },
      embedded.warehouse,
    );
    say(`seeded ${Object.values(counts).reduce((a, b) => a + b, 0)} rows`);
  });
  // The sandbox lives in memory, so incidents and task rows of an earlier run point at messages that are
  // gone: start those fresh and keep the (slow to build) warehouse.
  await embedded.store.deleteAll();
  await embedded.admin.run('DROP TABLE IF EXISTS shotclock.tasks');

  const factor = 3600 / secondsPerSimHour;
  const clock = new AcceleratedClock(simStart, factor);
  const services = createSimulatedServices({
    sink: embedded.warehouse,
    scenario,
    seed: demoSeed,
    clock,
    loadedAsOf: seededUntil,
  });
  const tasksSecret = config.embedded.localTasksSecret ?? randomBytes(24).toString('hex');

  let botUrl = '';
  const sandbox = await startSandbox({
    port: options.port,
    host: options.host,
    botEventsUrl: () => `${botUrl}/slack/events`,
    signingSecret: DEMO_SIGNING_SECRET,
    botToken: DEMO_BOT_TOKEN,
    onCall: (method, result) => {
      if (method.startsWith('chat.') || method.startsWith('views.'))
        log.info(`slack ${method}${result.ok ? '' : ` → ${result.error ?? result.status}`}`);
    },
    info: () =>
      `simulated time ${clock.now().toISOString().slice(0, 16).replace('T', ' ')} UTC · ${secondsPerSimHour} s per simulated hour`,
  });

  const bot = await startShotclock(
    config,
    {
      warehouse: embedded.warehouse,
      store: embedded.store,
      clock,
      ...simulatedPorts(services),
      makeTasks: (url) => embedded.makeTasks(url, clock, tasksSecret, log),
      verifyTaskCaller: (headers) => verifyLocalTaskCaller(headers, tasksSecret),
      slack: {
        transport: 'http',
        botToken: DEMO_BOT_TOKEN,
        signingSecret: DEMO_SIGNING_SECRET,
        slackApiUrl: sandbox.apiUrl,
        botId: 'B0BOT',
        botUserId: 'U0BOT',
      },
      alertChannel: 'C01ALERTS',
      scheduler: 'clock',
      // A retry attempt's in-flight window, in simulated time: two real seconds of work.
      inFlightMs: 2_000 * factor,
      instanceId: `${hostname()}:${process.pid}`,
      close: () => embedded.close(),
    },
    ui,
    log,
    { port: options.botPort ?? 0, host: '127.0.0.1' },
  );
  botUrl = bot.url;
  say(`shotclock demo: open ${sandbox.url} (local Slack sandbox; bot at ${bot.url})`);
  say(
    `simulated time starts ${morningAfter} ${DEMO_START_ET} ET (the morning after ${demoDate}'s games), ${secondsPerSimHour} s per simulated hour; Ctrl-C stops`,
  );
  // The overnight gaps check runs at once, so the first alerts are there when the page opens.
  void bot.runJob('gaps').catch((error: unknown) => log.error('first gaps run failed', { error }));

  return {
    sandbox,
    bot,
    clock,
    async stop() {
      await bot.stop();
      await sandbox.close();
    },
  };
}

/** Seed the warehouse once per (demo date, seed); a restart reuses it. */
async function seedOnce(
  admin: DuckDBConnection,
  key: { demoDate: string; demoSeed: number },
  seed: () => Promise<void>,
): Promise<void> {
  await admin.run('CREATE TABLE IF NOT EXISTS shotclock.demo_seed (demo_date VARCHAR, seed BIGINT)');
  const reader = await admin.runAndReadAll('SELECT demo_date, seed FROM shotclock.demo_seed');
  const [row] = reader.getRowObjects();
  if (row && row.demo_date === key.demoDate && Number(row.seed) === key.demoSeed) return;
  if (row)
    throw new Error(
      `the embedded database was seeded for ${String(row.demo_date)} (seed ${String(row.seed)}); start with --reset to reseed`,
    );
  await seed();
  await admin.run('INSERT INTO shotclock.demo_seed VALUES ($1, $2)', [key.demoDate, key.demoSeed]);
}
