// The real Bolt app (HTTP transport, signature checks on) with the bot's surfaces, against the local Slack
// sandbox: drivers send signed payloads, the bot's WebClient calls the sandbox's Web API. Deps are the
// embedded DuckDB store, a recording task queue, a fake DashboardData with plain rows and a manual clock.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type App, webApi } from '@slack/bolt';
import { createBoltApp, type Surface, startBoltApp } from '../../src/bot/app.js';
import { createOperators } from '../../src/bot/operators.js';
import { SAFE_CLIENT_OPTIONS, SlackChat } from '../../src/chat/slack.js';
import { ManualClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import type { DashboardData } from '../../src/dashboard/port.js';
import type { Finding } from '../../src/jobs/finding.js';
import { createLogger } from '../../src/log.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { BOT } from '../../src/sandbox/state.js';
import type { Services } from '../../src/services.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import type { EnqueueResult, TaskQueue, TaskRequest } from '../../src/tasks/port.js';
import { buildAlert } from '../../src/views/alert.js';
import { zonedFormatter } from '../../src/views/format.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';

export const SECRET = 'surface-test-secret';
export const TOKEN = 'xoxb-surface-test';
export const ALERTS = 'C01ALERTS';
/** In the sandbox's S01ONCALL group: an operator. */
export const ALICE = 'U01ALICE';
/** Not an operator. */
export const BOB = 'U02BOB';

/** Records every enqueue; a name seen before answers 'exists' like Cloud Tasks. */
export class RecordingTasks implements TaskQueue {
  readonly tasks: TaskRequest[] = [];
  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    if (this.tasks.some((t) => t.name === task.name)) return 'exists';
    this.tasks.push(task);
    return 'created';
  }
  async close(): Promise<void> {}
}

export function fakeData(overrides: Partial<DashboardData> = {}): DashboardData {
  const now = new Date('2026-01-20T13:00:00Z');
  // Read for the asker (as of their `now`), so the views carry no "as of" line.
  return {
    scraperStatus: async (asOf) => ({
      asOf,
      value: [
        { scraper: 'bdl_box_scores', state: 'red', gapCount: 3, lastSuccessAt: now, recentError: null },
        { scraper: 'nbac_schedule', state: 'green', gapCount: 0, lastSuccessAt: now, recentError: null },
      ],
    }),
    pipelineHealth: async (date, asOf) => ({
      asOf,
      value: {
        date,
        gamesScheduled: 9,
        phases: [
          {
            phase: 2,
            name: 'raw',
            state: 'yellow',
            metrics: [{ label: 'box scores', value: 6, expected: 9 }],
          },
        ],
      },
    }),
    breakers: async (asOf) => ({
      asOf,
      value: [
        {
          kind: 'proxy',
          provider: 'proxyfuel',
          target: 'stats.nba.com',
          state: 'OPEN',
          failures: 12,
          openedAt: now,
        },
      ],
    }),
    retryQueue: async () => [],
    home: async () => ({ openIncidents: [], scrapers: [], breakers: [], retryItems: [], healed24h: [] }),
    digest: async () => {
      throw new Error('not used');
    },
    ...overrides,
  };
}

export const FINDING: Finding = {
  check: 'boxscore_completeness',
  key: 'boxscore_completeness:bdl_box_scores:2026-01-19',
  severity: 'error',
  title: 'BDL box scores: 6 of 9 games on 2026-01-19',
  subject: { scraper: 'bdl_box_scores', date: '2026-01-19' },
  facts: { expected_games: 9, received_games: 6 },
  actions: [
    { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' },
    { kind: 'backfill', scraper: 'bdl_box_scores', from: '2026-01-17', until: '2026-01-19' },
    { kind: 'reset_breaker', breaker: 'entity', processor: 'player_boxscores', entities: ['p1', 'p2'] },
  ],
};

export interface Harness {
  readonly sandbox: Sandbox;
  readonly app: App;
  readonly deps: Services;
  readonly store: DocumentStore;
  readonly tasks: RecordingTasks;
  readonly clock: ManualClock;
  readonly logs: string[];
  readonly executed: { file: string; params: unknown }[];
  /** Rows each DML statement reports changed (2 unless a test sets it: 0 is "nothing to change"). */
  readonly dml: { rows: number | null };
  readonly eventsUrl: string;
  /** Open an incident for `finding` and post its alert as the bot would; returns its id and message ts. */
  seedIncident(finding?: Finding): Promise<{ id: string; ts: string }>;
  close(): Promise<void>;
}

export async function startHarness(
  surfaces: (deps: Services) => Surface[],
  data: DashboardData = fakeData(),
): Promise<Harness> {
  let botUrl = '';
  const sandbox = await startSandbox({
    port: 0,
    host: '127.0.0.1',
    botEventsUrl: () => botUrl,
    signingSecret: SECRET,
    botToken: TOKEN,
    rateLimit: false,
  });
  const { store, cleanup } = await tempDuckDbStore();
  const client = new webApi.WebClient(TOKEN, { ...SAFE_CLIENT_OPTIONS, slackApiUrl: sandbox.apiUrl });
  const chat = new SlackChat(client, { minPostIntervalMs: 0 });
  const clock = new ManualClock('2026-01-20T14:00:00Z');
  const fmt = zonedFormatter();
  const logs: string[] = [];
  const log = createLogger({ level: 'debug', format: 'json', secrets: [], write: (l) => logs.push(l) });
  const tasks = new RecordingTasks();
  const executed: { file: string; params: unknown }[] = [];
  const dml: { rows: number | null } = { rows: 2 };
  const warehouse = {
    execute: async (file: string, params: unknown) => {
      executed.push({ file, params });
      return dml.rows;
    },
  } as unknown as Warehouse;
  const base = readConfig({});
  const config = {
    ...base,
    alerts: { ...base.alerts, operatorGroupId: 'S01ONCALL' },
    recovery: {
      backoffHours: [4, 12, 24],
      processorBackoffMinutes: [30, 30, 30],
      backfillMaxDays: 7,
      scraperTimeoutMs: 1000,
    },
  };
  const unused = (what: string) => () => Promise.reject(new Error(`${what} is not used by the surfaces`));
  const deps: Services = {
    config,
    store,
    warehouse,
    tasks,
    chat,
    clock,
    fmt,
    log,
    data,
    operators: createOperators(config, client),
    routing: { defaultChannel: ALERTS },
    scraper: { scrape: unused('the scraper service') },
    processor: { run: unused('the processor service') },
    verifier: { verify: unused('the warehouse verifier') },
    inFlightMs: 60_000,
    stopSignal: new AbortController().signal,
    incidentMessages: {
      alert: (incident, now) => buildAlert({ incident, now, fmt }),
      reply: () => undefined,
      resolveRecovered: async () => {},
      refresh: async (id) => {
        const incident = await incidents.get(store, id);
        if (!incident?.message) return;
        const view = buildAlert({ incident, now: clock.now(), fmt });
        await chat.update({ ...incident.message, ...view });
      },
    },
  };
  const app = createBoltApp({
    transport: 'http',
    botToken: TOKEN,
    signingSecret: SECRET,
    botId: BOT.botId,
    botUserId: BOT.userId,
    slackApiUrl: sandbox.apiUrl,
    port: 0,
    host: '127.0.0.1',
    routes: [],
    surfaces: surfaces(deps),
    log,
  });
  const server = (await startBoltApp(app, { port: 0, host: '127.0.0.1', transport: 'http' })) as Server;
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  return {
    sandbox,
    app,
    deps,
    store,
    tasks,
    clock,
    logs,
    executed,
    dml,
    eventsUrl: botUrl,
    async seedIncident(finding = FINDING) {
      const { incident } = await incidents.open(store, { finding, now: clock.now() });
      const view = buildAlert({ incident, now: clock.now(), fmt });
      const posted = await chat.post({ channel: ALERTS, ...view }, `post:${incident.id}`);
      await incidents.update(store, incident.id, { message: posted });
      return { id: incident.id, ts: posted.ts };
    },
    async close() {
      await app.stop();
      await sandbox.close();
      await cleanup();
    },
  };
}

/** Poll until `check` passes (listeners run after the ack, so their effects land a moment later). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 3000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
