import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { refreshAlert, resolveRecovered } from '../alerts/incident-messages.js';
import { createIncidentRenderer } from '../alerts/render.js';
import { afterAck } from '../bot/after-ack.js';
import { createBoltApp, type Surface, startBoltApp } from '../bot/app.js';
import type { BotDeps, DashboardData } from '../bot/deps.js';
import { healthRoutes } from '../bot/health.js';
import { publishHome } from '../bot/home.js';
import type { HttpRoute } from '../bot/http.js';
import { resolveBotIdentity } from '../bot/identity.js';
import { createOperatorCheck } from '../bot/operators.js';
import { taskRoutes } from '../bot/task-routes.js';
import { SlackChat } from '../chat/slack.js';
import { WatchedChat } from '../chat/watched.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { JobName } from '../jobs/registry.js';
import { createClockScheduler, createCronScheduler, type Scheduler } from '../jobs/scheduler.js';
import { type Logger, newRunLogContext, withLogContext } from '../log.js';
import { describeResult, type JobDeps, runCheckJob, runDigest, scheduledJobs } from '../pipeline/jobs.js';
import { isQuietSelfHealth, selfHealthJob } from '../pipeline/self-health-job.js';
import type { ProcessorService, ScraperService } from '../recovery/ports.js';
import { createWarehouseVerifier } from '../recovery/warehouse-verifier.js';
import type { DocumentStore } from '../store/port.js';
import type { TaskQueue } from '../tasks/port.js';
import type { CallerCheck } from '../tasks/verify.js';
import { zonedFormatter } from '../views/format.js';
import type { Warehouse } from '../warehouse/port.js';
import { createSlotLeases } from './slot-lease.js';

/** A task queue with a lifecycle: the local queue polls and must be stopped; Cloud Tasks only closes. */
export type ManagedTaskQueue = TaskQueue & { start?(): void; stop?(): Promise<void> };

/** The mode-specific pieces (embedded demo, self-hosted, cloud); everything else is the same code. */
export interface Adapters {
  readonly warehouse: Warehouse;
  readonly store: DocumentStore;
  readonly clock: Clock;
  readonly scraper: ScraperService;
  readonly processor: ProcessorService;
  /** Built once the bot's own URL is known: the local queue delivers to it. */
  makeTasks(botUrl: string): Promise<ManagedTaskQueue>;
  verifyTaskCaller(headers: IncomingHttpHeaders): CallerCheck | Promise<CallerCheck>;
  readonly slack: {
    readonly transport: 'http' | 'socket';
    readonly botToken: string;
    readonly signingSecret?: string;
    readonly appToken?: string;
    readonly slackApiUrl?: string;
    /** HTTP mode: listeners finish before the response (platforms that throttle CPU after it). */
    readonly processBeforeResponse?: boolean;
    readonly botId?: string;
    readonly botUserId?: string;
  };
  readonly alertChannel: string;
  /** Real time (node-cron) or the injected clock (demo, tests). */
  readonly scheduler: 'cron' | 'clock';
  /** A retry attempt's in-flight window in the clock's time. */
  readonly inFlightMs: number;
  readonly extraRoutes?: readonly HttpRoute[];
  /** An instance id for slot leases (hostname + pid in production). */
  readonly instanceId: string;
  close(): Promise<void>;
}

/** The UI pieces: built from BotDeps (kept apart so tests can swap them). */
export interface Ui {
  createData(adapters: Adapters, config: Config): DashboardData;
  surfaces(deps: BotDeps): Surface[];
}

export interface RunningBot {
  readonly url: string;
  readonly app: App;
  readonly deps: BotDeps;
  /** Run a job now (the demo's first pass, tests, `shotclock run`). */
  runJob(job: JobName | 'digest', at?: Date): Promise<string>;
  /** Graceful stop: no new slots, wait for running jobs and task deliveries, release leases, close. */
  stop(): Promise<void>;
}

export async function startShotclock(
  config: Config,
  adapters: Adapters,
  ui: Ui,
  log: Logger,
  listen: { port: number; host: string },
): Promise<RunningBot> {
  const fmt = zonedFormatter();
  const { store, warehouse, clock } = adapters;
  let realTasks: ManagedTaskQueue | undefined;
  // Listeners are registered before the server knows its URL; the queue exists before the first click lands.
  const tasks: TaskQueue = {
    enqueue: (task) => {
      if (!realTasks) throw new Error('task queue not started yet');
      return realTasks.enqueue(task);
    },
    close: async () => realTasks?.close(),
  };
  let app: App | undefined;
  const chatClient = () => {
    if (!app) throw new Error('Slack app not started');
    return app.client;
  };
  // Counted for the self-health watchdog; a 429 SlackChat waited out is not a failure.
  const chat = new WatchedChat(
    new SlackChat(new Proxy({} as App['client'], { get: (_t, prop) => Reflect.get(chatClient(), prop) }), {
      onRateLimited: (method, s) => log.warn(`slack ${method} rate limited, waiting ${s} s`),
    }),
    { clock, log, settings: config.selfHealth },
  );
  const startedAt = clock.now();
  const messageDeps = { store, chat, clock, fmt, policies: config.autoHeal.policies };
  const mentions = [
    ...config.alerts.operatorUserIds.map((u) => `<@${u}>`),
    ...(config.alerts.operatorGroupId ? [`<!subteam^${config.alerts.operatorGroupId}>`] : []),
  ];
  const deps: BotDeps = {
    config,
    store,
    warehouse,
    tasks,
    chat,
    clock,
    fmt,
    log,
    data: ui.createData(adapters, config),
    isOperator: createOperatorCheck(
      { userIds: config.alerts.operatorUserIds, groupId: config.alerts.operatorGroupId },
      {
        usergroups: {
          users: { list: (args: { usergroup: string }) => chatClient().usergroups.users.list(args) },
        },
      } as never,
    ),
    operatorMentions: mentions,
    alertChannel: adapters.alertChannel,
    onRecovered: (id) => withLogContext({ incident: id }, () => resolveRecovered(messageDeps, id)),
    refreshAlert: (id) => withLogContext({ incident: id }, () => refreshAlert(messageDeps, id)),
  };
  const verifier = createWarehouseVerifier(warehouse, { timeoutMs: 60_000 });
  const recoveryLog = (line: string, fields?: Record<string, unknown>) => log.info(line, fields);
  const routes: HttpRoute[] = [
    ...healthRoutes([
      { name: 'store', check: () => store.ping() },
      { name: 'warehouse', check: () => warehouse.ping() },
    ]),
    ...taskRoutes({
      verifyCaller: (h) => adapters.verifyTaskCaller(h),
      log,
      recovery: {
        retry: {
          store,
          chat,
          clock,
          tasks,
          scraper: adapters.scraper,
          processor: adapters.processor,
          verifier,
          backoffHours: config.recovery.backoffHours,
          serviceTimeoutMs: config.recovery.scraperTimeoutMs,
          inFlightMs: adapters.inFlightMs,
          fmt,
          operatorMentions: mentions,
          onRecovered: (id) => deps.onRecovered(id),
          onExhausted: (id) => deps.refreshAlert(id),
          log: recoveryLog,
        },
        backfill: {
          store,
          chat,
          clock,
          scraper: adapters.scraper,
          verifier,
          serviceTimeoutMs: config.recovery.scraperTimeoutMs,
          inFlightMs: adapters.inFlightMs,
          log: recoveryLog,
        },
      },
    }),
    ...(adapters.extraRoutes ?? []),
  ];
  // Users who opened App Home on this instance get it refreshed after each check run (bounded: the dashboard
  // is for the people on call, not the whole workspace).
  const homeViewers = new Set<string>();
  const trackHomeViewers: Surface = (bolt) => {
    bolt.event('app_home_opened', async ({ event }) => {
      if (homeViewers.size < 200) homeViewers.add(event.user);
    });
  };
  // Known ids (the demo's sandbox) skip the question; otherwise a bad token or an unreachable Slack stops
  // the start here with a clear message rather than in Bolt's constructor as an unhandled rejection.
  const identity =
    adapters.slack.botId && adapters.slack.botUserId
      ? { botId: adapters.slack.botId, botUserId: adapters.slack.botUserId }
      : await resolveBotIdentity(adapters.slack);
  app = createBoltApp({
    ...adapters.slack,
    ...identity,
    port: listen.port,
    host: listen.host,
    routes,
    surfaces: [...ui.surfaces(deps), trackHomeViewers],
    log,
    traceProject: config.gcp?.projectId,
  });
  const server = await startBoltApp(app, {
    ...adapters.slack,
    ...listen,
    traceProject: config.gcp?.projectId,
  });
  const address = server?.address() as AddressInfo | null | undefined;
  const port = address?.port ?? listen.port;
  const url = `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${port}`;
  realTasks = await adapters.makeTasks(url);
  realTasks.start?.();

  // Lets a running job's auto-heal loop stop between actions on shutdown (Slack pacing makes each take ~1 s).
  const stopping = new AbortController();
  const jobDeps: JobDeps = {
    stopSignal: stopping.signal,
    config,
    warehouse,
    store,
    chat,
    tasks,
    clock,
    fmt,
    render: createIncidentRenderer(fmt, store, config.autoHeal.policies),
    routing: {
      defaultChannel: adapters.alertChannel,
      criticalChannel: config.alerts.criticalChannel,
      criticalMention: config.alerts.criticalMention
        ? `<!subteam^${config.alerts.criticalMention}>`
        : undefined,
    },
    data: deps.data,
    log,
    inFlightMs: adapters.inFlightMs,
    afterRun: async () => {
      for (const user of homeViewers) {
        await publishHome(deps, chatClient(), user).catch((error: unknown) =>
          log.warn('home refresh failed', { user, error: String(error) }),
        );
      }
    },
  };
  const leases = createSlotLeases(store, adapters.instanceId, clock);
  const hooks = {
    // Each run's lines (gate, the job deep down, its result) carry the job, the slot and the run's own id.
    around: (job: string, slot: Date, work: () => Promise<void>) =>
      withLogContext({ ...newRunLogContext(config.gcp?.projectId), job, slot: slot.toISOString() }, work),
    gate: leases.gate,
    onResult: (job: string, slot: Date, result: unknown, error?: unknown) => {
      if (error) log.error(`job ${job} failed`, { slot: slot.toISOString(), error });
      else if (isIdleSweep(result) || isQuietSelfHealth(result))
        log.debug(describeResult(job, result), { job, slot: slot.toISOString() });
      else log.info(describeResult(job, result), { job, slot: slot.toISOString() });
      void leases
        .finished(job, slot)
        .catch((e: unknown) => log.warn('lease finish failed', { job, error: e }));
    },
  };
  const jobs = [
    ...scheduledJobs(jobDeps),
    selfHealthJob(jobDeps, { slack: () => chat.health(), watchingSince: startedAt }),
  ];
  const scheduler: Scheduler =
    adapters.scheduler === 'cron'
      ? createCronScheduler(jobs, hooks)
      : createClockScheduler(jobs, clock, hooks);
  scheduler.start();

  let stopped = false;
  return {
    url,
    app,
    deps,
    async runJob(job, at = clock.now()) {
      const result = job === 'digest' ? await runDigest(jobDeps, at) : await runCheckJob(jobDeps, job, at);
      const line = describeResult(job, result);
      log.info(line, { job });
      return line;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      await scheduler.stop();
      await realTasks?.stop?.();
      await leases.releaseAll();
      await app?.stop();
      // Answers still owed for requests already acked (they need the store and warehouse open).
      await afterAck.drain();
      await realTasks?.close();
      await adapters.close();
    },
  };
}

/** A sweep that found nothing to re-enqueue: not worth a terminal line every 15 minutes. */
function isIdleSweep(result: unknown): boolean {
  const r = result as { overdue?: unknown[]; interrupted?: unknown[] } | undefined;
  return (
    Array.isArray(r?.overdue) &&
    r.overdue.length === 0 &&
    Array.isArray(r.interrupted) &&
    r.interrupted.length === 0
  );
}

export type { Server };
