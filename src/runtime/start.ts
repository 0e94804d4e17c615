import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { afterAck } from '../bot/after-ack.js';
import { createBoltApp, startBoltApp } from '../bot/app.js';
import { healthRoutes } from '../bot/health.js';
import { homeViewers } from '../bot/home.js';
import type { HttpRoute } from '../bot/http.js';
import { resolveBotIdentity } from '../bot/identity.js';
import { taskRoutes } from '../bot/task-routes.js';
import type { Config } from '../config.js';
import type { JobName } from '../jobs/registry.js';
import { createClockScheduler, createCronScheduler, type SchedulerHooks } from '../jobs/scheduler.js';
import { type Logger, newRunLogContext, withLogContext } from '../log.js';
import {
  describeResult,
  isInterrupted,
  isQuietRun,
  runJobNow,
  scheduledJobs,
} from '../pipeline/scheduled-jobs.js';
import type { Services } from '../services.js';
import type { Adapters, Ui } from './adapters.js';
import { buildServices } from './services.js';
import { createSlotLeases } from './slot-lease.js';

export interface RunningBot {
  readonly url: string;
  readonly app: App;
  readonly services: Services;
  /** Run a job now (the demo's first pass, tests, `shotclock run`). */
  runJob(job: JobName, at?: Date): Promise<string>;
  /**
   * Graceful stop: no new slots; running jobs finish what is in flight (a post to Slack) and leave the rest,
   * handing their slots back for another instance; task deliveries finish; leases released; close.
   */
  stop(): Promise<void>;
}

/** Build the services, start Bolt with the bot's routes, then the task queue and the scheduler. */
export async function startShotclock(
  config: Config,
  adapters: Adapters,
  ui: Ui,
  log: Logger,
  listen: { port: number; host: string },
): Promise<RunningBot> {
  const { clock } = adapters;
  const startedAt = clock.now();
  // Lets a running job stop between alerts and between auto-heal actions on shutdown: Slack's pacing makes
  // each take ~1 s, and a burst would outlast the shutdown deadline.
  const stopping = new AbortController();
  const wiring = buildServices({
    config,
    adapters,
    log,
    stopSignal: stopping.signal,
    createData: ui.createData,
  });
  const { services } = wiring;
  const home = homeViewers(services, () => wiring.slackClient.get());
  const routes: HttpRoute[] = [
    ...healthRoutes([
      { name: 'store', check: () => adapters.store.ping() },
      { name: 'warehouse', check: () => adapters.warehouse.ping() },
    ]),
    ...taskRoutes(services, (headers) => adapters.verifyTaskCaller(headers)),
    ...(adapters.extraRoutes ?? []),
  ];
  // Known ids (the demo's sandbox) skip the question; otherwise a bad token or an unreachable Slack stops
  // the start here with a clear message rather than in Bolt's constructor as an unhandled rejection.
  const identity =
    adapters.slack.botId && adapters.slack.botUserId
      ? { botId: adapters.slack.botId, botUserId: adapters.slack.botUserId }
      : await resolveBotIdentity(adapters.slack);
  const bolt = { ...adapters.slack, ...listen, traceProject: config.gcp?.projectId };
  const app = createBoltApp({
    ...bolt,
    ...identity,
    routes,
    surfaces: [...ui.surfaces(services), home.surface],
    log,
  });
  wiring.slackClient.set(app.client);
  const server = await startBoltApp(app, bolt);
  const url = localUrl(server, listen);
  const tasks = await adapters.makeTasks(url);
  wiring.tasks.set(tasks);
  tasks.start?.();

  const leases = createSlotLeases(services.store, adapters.instanceId, clock);
  const hooks = runHooks(leases, log, config.gcp?.projectId);
  const options = {
    afterCheckRun: home.refresh,
    watch: { slack: () => wiring.chat.health(), watchingSince: startedAt },
  };
  const jobs = scheduledJobs(services, options);
  const scheduler =
    adapters.scheduler === 'cron'
      ? createCronScheduler(jobs, hooks)
      : createClockScheduler(jobs, clock, hooks);
  scheduler.start();

  let stopped = false;
  /** Runs started outside the scheduler (runJob): a stop waits for them too. */
  const direct = new Set<Promise<unknown>>();
  return {
    url,
    app,
    services,
    async runJob(job, at = clock.now()) {
      const run = runJobNow(services, job, at, options);
      direct.add(run);
      try {
        const line = describeResult(job, await run);
        log.info(line, { job });
        return line;
      } finally {
        direct.delete(run);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopping.abort();
      await scheduler.stop();
      await Promise.allSettled([...direct]);
      await tasks.stop?.();
      await leases.releaseAll();
      await app.stop();
      // Answers still owed for requests already acked (they need the store and warehouse open).
      await afterAck.drain();
      await tasks.close();
      await adapters.close();
    },
  };
}

/** What the scheduler does around each run: its log context, the slot's lease, the result's log line. */
function runHooks(
  leases: ReturnType<typeof createSlotLeases>,
  log: Logger,
  traceProject: string | undefined,
): SchedulerHooks {
  return {
    // Each run's lines (gate, the job deep down, its result) carry the job, the slot and the run's own id.
    around: (job, slot, work) =>
      withLogContext({ ...newRunLogContext(traceProject), job, slot: slot.toISOString() }, work),
    gate: leases.gate,
    onResult: (job, slot, result, error) => {
      const fields = { job, slot: slot.toISOString() };
      if (error) log.error(`job ${job} failed`, { ...fields, error });
      else if (isQuietRun(result)) log.debug(describeResult(job, result), fields);
      else log.info(describeResult(job, result), fields);
      // A run the stop cut short hands its slot back: whoever runs next does what it left.
      const done = !error && isInterrupted(result) ? leases.handBack(job, slot) : leases.finished(job, slot);
      void done.catch((e: unknown) => log.warn('lease finish failed', { job, error: e }));
    },
    resumable: () => leases.resumable(),
    onResumeError: (error) => log.warn('listing handed-back slots failed', { error }),
  };
}

/** The URL the bot's own server answers on (the local queue posts tasks to it). */
function localUrl(server: Server | undefined, listen: { port: number; host: string }): string {
  const address = server?.address() as AddressInfo | null | undefined;
  const port = address?.port ?? listen.port;
  return `http://${listen.host === '0.0.0.0' ? '127.0.0.1' : listen.host}:${port}`;
}
