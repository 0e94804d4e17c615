// One day of the bot in operation, replayed on DuckDB with the scan accounting (scan-accounting.ts): the
// scheduled jobs on their default crons (with their retry tasks and App Home's refresh after each check
// run), and simulated operators opening App Home and running slash commands at random times of the working
// day. The same pieces as the season replay (src/replay/run.ts): a manual clock, the simulated pipeline in
// an in-memory DuckDB, the in-memory Store, the sandbox chat and the replay's task queue; the dashboards'
// data is built as the composition root builds it, with the configured snapshot.
import type { Surface as BoltSurface } from '../src/bot/app.js';
import { answerCommand } from '../src/bot/commands.js';
import { homeViewers, publishHome } from '../src/bot/home.js';
import { WatchedChat } from '../src/chat/watched.js';
import { ManualClock } from '../src/clock.js';
import { readConfig } from '../src/config.js';
import { createSnapshots } from '../src/dashboard/snapshot.js';
import { cronSlots } from '../src/jobs/cron-slots.js';
import { addDays, etDate, etInstant } from '../src/jobs/time.js';
import { createLogger } from '../src/log.js';
import { createIncidentMessages } from '../src/pipeline/incident-messages.js';
import { scheduledJobs } from '../src/pipeline/scheduled-jobs.js';
import { SELF_HEALTH_JOB } from '../src/pipeline/self-health-job.js';
import { handleRecoveryTask } from '../src/recovery/task-routes.js';
import { createWarehouseVerifier } from '../src/recovery/warehouse-verifier.js';
import { SandboxChat } from '../src/replay/chat.js';
import { createMemoryStore } from '../src/replay/memory-store.js';
import { ReplayTaskQueue } from '../src/replay/tasks.js';
import { defaultUi } from '../src/runtime/ui.js';
import type { Services } from '../src/services.js';
import { createContext, TABLES } from '../src/sim/context.js';
import { proxyBreakerRows } from '../src/sim/gen-proxy.js';
import { loadSimulation } from '../src/sim/load.js';
import { mulberry32 } from '../src/sim/rng.js';
import type { Scenario } from '../src/sim/scenario.js';
import { loadSchedule } from '../src/sim/schedule.js';
import { createSimulatedServices } from '../src/sim/scraper-service.js';
import { DEFAULT_SEED } from '../src/sim/seed.js';
import { type Command, parseCommand } from '../src/views/commands.js';
import { zonedFormatter } from '../src/views/format.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import { type StatementScan, scanAccounting } from './scan-accounting.js';

/** Days of pipeline history before the day: the checks and Home look back up to 14 days (baselines 14 more). */
const HISTORY_DAYS = 28;
/** Operators open Home and run commands between 08:00 and 23:00 ET. */
const WORKDAY_ET = { fromHour: 8, hours: 15 } as const;

export interface OperationDayOptions {
  /** The ET date of operation (00:00 to 24:00 ET); its checks concern it and the days before. */
  readonly day: string;
  readonly scenario: Scenario;
  /** DASHBOARD_CACHE_SECONDS (0: no snapshot). */
  readonly cacheSeconds: number;
  /**
   * The refresh as it was before the snapshot: Home built anew for every user who ever opened it, after
   * each check run (instead of once, for those who opened it in the last day).
   */
  readonly refreshEveryViewer?: boolean;
  readonly operators: number;
  readonly homeOpensPerOperator: number;
  readonly commandsPerOperator: number;
  readonly seed?: number;
}

export interface OperationDay {
  readonly statements: readonly StatementScan[];
  /** Rows the simulation wrote per table, per day of the loaded history (for scaling to production). */
  readonly simRowsPerDay: Record<string, number>;
  readonly homeOpens: number;
  readonly commands: number;
  readonly jobRuns: number;
  /** The days the warehouse holds (the loaded history through the day). */
  readonly held: { readonly from: string; readonly until: string };
  readonly unprofiled: readonly string[];
}

/** What operators type: one of these at random (a date two days back stands for a named date). */
const COMMAND_MIX = (day: string): readonly (readonly [Command, string])[] => [
  ['/scrape-status', ''],
  ['/breakers', ''],
  ['/pipeline-health', ''],
  ['/pipeline-health', addDays(day, -2)],
  ['/retry-queue', ''],
];

export async function replayOperationDay(options: OperationDayOptions): Promise<OperationDay> {
  const seed = options.seed ?? DEFAULT_SEED;
  const config = readConfig({ DASHBOARD_CACHE_SECONDS: String(options.cacheSeconds) });
  const start = etInstant(options.day, '00:00');
  const end = etInstant(addDays(options.day, 1), '00:00');
  const clock = new ManualClock(start);
  const accounting = scanAccounting();
  const duck = await openDuckDbWarehouse({ path: ':memory:', probe: accounting.probe });
  const admin = await duck.connect();
  const store = createMemoryStore();
  try {
    const loaded = await loadSimulation(
      {
        from: addDays(options.day, -HISTORY_DAYS),
        until: options.day,
        now: end,
        scenario: options.scenario,
        seed,
      },
      duck,
    );
    const simRowsPerDay = Object.fromEntries(
      Object.entries(loaded).map(([table, rows]) => [table, rows / (HISTORY_DAYS + 1)]),
    );
    const { scenario } = options;
    const sim = createSimulatedServices({ sink: duck, scenario, seed, clock, loadedAsOf: start });
    const fmt = zonedFormatter();
    // Silent: the figures are the scans, and a replayed day's warnings are the season replay's business.
    const log = createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} });
    // Watched as in production (the self-health job, left out here, reads what it counted).
    const chat = new WatchedChat(new SandboxChat(clock), { clock, log, config });
    const tasks = new ReplayTaskQueue(clock);
    const services: Services = {
      config,
      log,
      warehouse: duck,
      clock,
      fmt,
      store,
      chat,
      routing: { defaultChannel: 'C01ALERTS', criticalChannel: undefined },
      tasks,
      scraper: { scrape: async (request) => sim.scrape(request) },
      processor: {
        run: async (request) => {
          const answer = await sim.runProcessor(request);
          return { ...answer, records: answer.records_processed };
        },
      },
      verifier: createWarehouseVerifier(duck, { timeoutMs: 60_000 }),
      data: defaultUi.createData(
        { warehouse: duck, store, config },
        createSnapshots(config.server.dashboardCacheMs),
      ),
      operators: { isOperator: async () => false, mentions: [] },
      incidentMessages: createIncidentMessages({ store, chat, clock, fmt, config }),
      inFlightMs: config.recovery.scraperTimeoutMs + 60_000,
      stopSignal: new AbortController().signal,
    };

    // App Home as the runtime wires it: who opened it, refreshed after each check run.
    const slack = { views: { publish: async () => ({ ok: true }) } } as never;
    const home = homeViewers(services, () => slack);
    let opened: (args: { event: { user: string; tab: string } }) => Promise<void> = async () => {};
    const fakeApp = {
      event: (_name: string, listener: typeof opened) => {
        opened = listener;
      },
    };
    home.surface(fakeApp as unknown as Parameters<BoltSurface>[0]);

    // The proxy breaker table holds the current state only (the load wrote the state at the day's end):
    // each job run sees it as of its time, as the pipeline keeps it.
    const simContext = createContext({
      seed,
      now: start,
      scenario: options.scenario,
      schedule: loadSchedule(),
    });
    const breakerStateAsOf = async (at: Date) => {
      await admin.run(`DELETE FROM ${TABLES.proxyBreaker}`);
      await duck.insertRows({
        [TABLES.proxyBreaker]: proxyBreakerRows({ ...simContext, now: at.getTime() }),
      });
    };

    const everOpened = new Set<string>();
    const refreshEveryViewer = async () => {
      for (const user of everOpened) await publishHome(services, slack, user);
    };
    // The refresh after a check run is the run's own work now (its reading is what opens and commands
    // share); before the snapshot it was Home's, rebuilt per viewer.
    const jobs = scheduledJobs(services, {
      afterCheckRun: () =>
        options.refreshEveryViewer
          ? accounting.as('home', refreshEveryViewer)
          : accounting.as('job', home.refresh),
      watch: { slack: () => chat.health(), watchingSince: start },
    }).filter((j) => j.name !== SELF_HEALTH_JOB);

    type Event = { readonly at: number; readonly order: number; run(): Promise<unknown> };
    const events: Event[] = jobs.flatMap((job, order) =>
      cronSlots(job.cron, new Date(start.getTime() - 1), end)
        .filter((at) => at < end)
        .map((at) => ({
          at: at.getTime(),
          order,
          run: async () => {
            await breakerStateAsOf(at);
            return accounting.as('job', () => job.run(at));
          },
        })),
    );
    const jobRuns = events.length;
    const random = mulberry32(seed);
    const workdayAt = () => start.getTime() + (WORKDAY_ET.fromHour + random() * WORKDAY_ET.hours) * 3_600_000;
    const mix = COMMAND_MIX(options.day);
    for (let o = 0; o < options.operators; o++) {
      const user = `U${String(o).padStart(4, '0')}`;
      for (let i = 0; i < options.homeOpensPerOperator; i++) {
        events.push({
          at: workdayAt(),
          order: jobs.length,
          run: () =>
            accounting.as('home', async () => {
              everOpened.add(user);
              await opened({ event: { user, tab: 'home' } });
              await publishHome(services, slack, user);
            }),
        });
      }
      for (let i = 0; i < options.commandsPerOperator; i++) {
        const [command, text] = mix[Math.floor(random() * mix.length)] as (typeof mix)[number];
        events.push({
          at: workdayAt(),
          order: jobs.length,
          run: () =>
            accounting.as('command', () => {
              const request = parseCommand(command, text, etDate(clock.now()));
              return answerCommand(services, command, request, { fresh: text !== '' });
            }),
        });
      }
    }
    events.sort((a, b) => a.at - b.at || a.order - b.order);

    const deliverDueBefore = async (at: number) => {
      for (let due = tasks.nextDue(); due !== undefined && due <= at; due = tasks.nextDue()) {
        clock.set(new Date(Math.max(due, clock.now().getTime())));
        await accounting.as('job', () =>
          tasks.deliverDue((task) =>
            handleRecoveryTask(services, { route: task.route, body: task.body, taskName: task.name }),
          ),
        );
      }
    };
    for (const event of events) {
      await deliverDueBefore(event.at);
      clock.set(new Date(event.at));
      await event.run();
    }
    await deliverDueBefore(end.getTime() - 1);
    return {
      statements: accounting.statements,
      simRowsPerDay,
      homeOpens: options.operators * options.homeOpensPerOperator,
      commands: options.operators * options.commandsPerOperator,
      jobRuns,
      held: { from: addDays(options.day, -HISTORY_DAYS), until: options.day },
      unprofiled: accounting.unprofiled,
    };
  } finally {
    admin.closeSync();
    await store.close();
    await duck.close();
    accounting.close();
  }
}
