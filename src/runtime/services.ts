// The composition root's one job besides starting servers: build the Services record from the mode's
// adapters. Two pieces exist only once the bot is up (Slack's Web API client, once Bolt's app is built;
// the task queue, once the server knows its URL): they are late-bound here, so the record is whole from
// the start and listeners registered before the server listens hold the same objects.

import type { App } from '@slack/bolt';
import type { Routing } from '../alerts/port.js';
import { createOperators } from '../bot/operators.js';
import { SlackChat } from '../chat/slack.js';
import { WatchedChat } from '../chat/watched.js';
import type { Config } from '../config.js';
import type { DashboardData } from '../dashboard/port.js';
import { createSnapshots, type Snapshots } from '../dashboard/snapshot.js';
import type { Logger } from '../log.js';
import { createIncidentMessages } from '../pipeline/incident-messages.js';
import { createWarehouseVerifier } from '../recovery/warehouse-verifier.js';
import type { Services } from '../services.js';
import { withRetention } from '../store/retention.js';
import type { TaskQueue } from '../tasks/port.js';
import { zonedFormatter } from '../views/format.js';
import { withSurface } from '../warehouse/surface.js';
import type { Adapters, ManagedTaskQueue } from './adapters.js';

/** A value that exists later than the record that holds it; using it earlier is a wiring bug. */
export class Late<T> {
  private value: T | undefined;
  constructor(private readonly what: string) {}
  set(value: T): void {
    this.value = value;
  }
  get(): T {
    if (this.value === undefined) throw new Error(`${this.what} not started yet`);
    return this.value;
  }
  peek(): T | undefined {
    return this.value;
  }
}

export interface Wiring {
  readonly services: Services;
  /** The chat port that counts failed Slack calls, for the self-health watchdog. */
  readonly chat: WatchedChat;
  readonly slackClient: Late<App['client']>;
  readonly tasks: Late<ManagedTaskQueue>;
}

export function buildServices(input: {
  readonly config: Config;
  readonly adapters: Adapters;
  readonly log: Logger;
  readonly stopSignal: AbortSignal;
  readonly createData: (
    services: Pick<Services, 'warehouse' | 'store' | 'config'>,
    snapshots: Snapshots,
  ) => DashboardData;
}): Wiring {
  const { config, adapters, log } = input;
  const { warehouse, clock } = adapters;
  // Every document the bot writes to a retained collection carries its expiry (Firestore TTL, the prune).
  const store = withRetention(adapters.store, config.retention);
  const slackClient = new Late<App['client']>('Slack app');
  const lateTasks = new Late<ManagedTaskQueue>('task queue');
  const client = new Proxy({} as App['client'], { get: (_t, prop) => Reflect.get(slackClient.get(), prop) });
  // Counted for the self-health watchdog; a 429 SlackChat waited out is not a failure.
  const chat = new WatchedChat(
    new SlackChat(client, {
      onRateLimited: (method, s) => log.warn(`slack ${method} rate limited, waiting ${s} s`),
    }),
    { clock, log, config },
  );
  const tasks: TaskQueue = {
    enqueue: (task) => lateTasks.get().enqueue(task),
    prune: async (before) => (await lateTasks.peek()?.prune?.(before)) ?? 0,
    close: async () => lateTasks.peek()?.close(),
  };
  const routing: Routing = {
    defaultChannel: adapters.alertChannel,
    criticalChannel: config.alerts.criticalChannel,
    criticalMention: config.alerts.criticalMention
      ? `<!subteam^${config.alerts.criticalMention}>`
      : undefined,
  };
  const fmt = zonedFormatter();
  const services: Services = {
    config,
    warehouse,
    store,
    tasks,
    chat,
    clock,
    fmt,
    log,
    scraper: adapters.scraper,
    processor: adapters.processor,
    verifier: createWarehouseVerifier(warehouse, { timeoutMs: 60_000 }),
    // One snapshot for the process: Home and every command share its readings (src/dashboard/snapshot.ts);
    // each reading's BigQuery jobs carry the label of who took it (home unless said: job, command).
    data: input.createData(
      { warehouse: withSurface(warehouse, 'home'), store, config },
      createSnapshots(config.server.dashboardCacheMs),
    ),
    operators: createOperators(config, client),
    routing,
    incidentMessages: createIncidentMessages({ store, chat, clock, fmt, config }),
    inFlightMs: adapters.inFlightMs,
    stopSignal: input.stopSignal,
  };
  return { services, chat, slackClient, tasks: lateTasks };
}
