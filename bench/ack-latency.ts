// Case 4, interaction ack latency: signed slash commands (/scrape-status) and button clicks (Acknowledge on
// an open incident) from 50 concurrent clients on loopback, against (a) the bot's Bolt app (createBoltApp +
// production's surfaces: commands, buttons, modals, Home; the command's answer reads DashboardData and
// replies through response_url, the click changes the incident in the embedded Store, audits it, threads
// it and answers) and (b) a bare @slack/bolt App on the same HTTP receiver that only acks, with a listener
// for each kind of request the bot answers. Latency = request sent → HTTP response (Bolt answers the
// request when ack() is called). Every data and Store call checks that its request was already acked.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { App } from '@slack/bolt';
import { afterAck } from '../src/bot/after-ack.js';
import { createBoltApp, startBoltApp } from '../src/bot/app.js';
import type { ChatPort } from '../src/chat/port.js';
import { systemClock } from '../src/clock.js';
import { readConfig } from '../src/config.js';
import type { DashboardData } from '../src/dashboard/port.js';
import { createLogger } from '../src/log.js';
import { defaultUi } from '../src/runtime/ui.js';
import type { Services } from '../src/services.js';
import { createDuckDbStore } from '../src/store/duckdb.js';
import * as incidents from '../src/store/incidents.js';
import type { DocumentStore } from '../src/store/port.js';
import { ACTION_IDS, encodeActionValue } from '../src/views/action-ids.js';
import { zonedFormatter } from '../src/views/format.js';
import { CLIENTS, type ClientReply, type ClientRequest, type Interaction, SECRET } from './ack-client.js';
import { type BenchResult, collectGarbage, fmt, log, percentile } from './lib.js';

const WARMUP = 200;
/** Requests per measured round per app; rounds alternate between the apps so drift hits both alike. */
const PER_ROUND = 500;
const ROUNDS = 20;
const DATA_DELAY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * The bot's answers after the ack (deferred, data delay, respond()) must not spill into the next round,
 * and every round starts from a collected heap: a major GC made due by the garbage of earlier rounds'
 * after-ack work would otherwise stall whichever app's round it happens to land in (one 30-70 ms pause
 * moves a 10,000-sample p99 by itself). A major GC that a round's own requests cause still lands in it.
 */
async function settle() {
  while (afterAck.pending > 0) await sleep(20);
  collectGarbage();
  await sleep(50);
}

/** A process running bench/ack-client.ts under tsx, one request/reply at a time over IPC. */
function forkAckClient(args: string[]) {
  const child: ChildProcess = fork(new URL('./ack-client.ts', import.meta.url), args, {
    execArgv: ['--import', 'tsx'],
    // `--import tsx` resolves from the working directory: the repo root, wherever the bench was started.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = <T>() =>
    new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`bench process exited ${code}`));
      child.once('exit', onExit);
      child.once('message', (m: T) => {
        child.off('exit', onExit);
        resolve(m);
      });
    });
  const ask = <T>(request: unknown) => {
    const reply = next<T>();
    child.send(request as object);
    return reply;
  };
  const alive = () => child.exitCode === null && child.connected;
  return { next, ask, alive };
}

/** The load process, and Slack's side of response_url in a third process (see bench/ack-client.ts). */
async function startClient() {
  const sink = forkAckClient(['--sink']);
  const { url } = await sink.next<{ kind: 'sink'; url: string }>();
  const load = forkAckClient([`--response-url=${url}`]);
  await load.next<ClientReply>(); // ready
  let stopped: number | undefined;
  return {
    async load(port: number, count: number, interaction: Interaction) {
      const reply = await load.ask<ClientReply>({
        kind: 'load',
        port,
        count,
        interaction,
      } satisfies ClientRequest);
      if (reply.kind !== 'loaded') throw new Error(`load process answered ${reply.kind}`);
      return reply;
    },
    async stop(): Promise<number> {
      if (stopped !== undefined) return stopped;
      if (load.alive()) await load.ask<ClientReply>({ kind: 'stop' } satisfies ClientRequest);
      const reply = sink.alive() ? await sink.ask<ClientReply>({ kind: 'stop' }) : undefined;
      stopped = reply?.kind === 'stopped' ? reply.responses : 0;
      return stopped;
    },
  };
}

/**
 * The baseline's listeners: one that only acks for each kind of request the bot answers (commands,
 * buttons, modal submissions, the Home event). Bolt runs every listener's middleware for every request,
 * so a baseline with fewer kinds would charge Bolt's own cost of the bot's features to the bot.
 */
function ackOnly(app: App): void {
  app.command(/.*/, async ({ ack }) => void (await ack()));
  app.action(/.*/, async ({ ack }) => void (await ack()));
  app.view(/.*/, async ({ ack }) => void (await ack()));
  app.event('app_home_opened', async () => {});
}

/** A Store whose every call first checks that the request it serves was already acked. */
function checkedStore(store: DocumentStore, check: () => void): DocumentStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]) => {
        check();
        return value.apply(target, args);
      };
    },
  });
}

/** Slack's Web API side of the click's thread reply and alert edit: answered at once, nothing kept. */
const quietChat: ChatPort = {
  post: async (m) => ({ channel: m.channel, ts: `${Date.now() / 1000}` }),
  update: async () => {},
  findByIntent: async () => undefined,
  uploadImage: async () => ({ shared: false }),
};

interface Series {
  readonly label: string;
  readonly interaction: Interaction;
  readonly bot: number[];
  readonly bare: number[];
  readonly wired: number[];
  failures: number;
}

export async function benchAckLatency(): Promise<BenchResult[]> {
  const client = await startClient();
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-ack-'));
  const instance = await DuckDBInstance.create(join(dir, 'store.duckdb'));

  // Which HTTP request a call serves: Bolt runs the listener in the async context of the request, so a
  // data or Store call can see whether that request's response (the ack) had already been sent.
  const requestOf = new AsyncLocalStorage<ServerResponse>();
  let dataCalls = 0;
  let beforeAck = 0;
  const checkAcked = () => {
    const res = requestOf.getStore();
    if (!res) return; // not serving a request (seeding, shutdown)
    dataCalls++;
    if (!res.writableFinished) beforeAck++;
  };
  const slow = <T>(value: T) =>
    new Promise<T>((resolve) => {
      checkAcked();
      setTimeout(() => resolve(value), DATA_DELAY_MS);
    });
  const data: DashboardData = {
    scraperStatus: (asOf) => slow({ value: [], asOf }),
    pipelineHealth: () => Promise.reject(new Error('not used by the bench')),
    breakers: (asOf) => slow({ value: [], asOf }),
    retryQueue: () => slow([]),
    home: () => Promise.reject(new Error('not used by the bench')),
    digest: () => Promise.reject(new Error('not used by the bench')),
  };
  const rawStore = await createDuckDbStore(await instance.connect());
  const store = checkedStore(rawStore, checkAcked);
  const { incident } = await incidents.open(rawStore, {
    finding: {
      check: 'source_discrepancy',
      key: 'source_discrepancy:bdl_box_scores:2026-01-19',
      severity: 'error',
      title: 'BDL box scores missing 3 of 9 games on 2026-01-19',
      subject: { scraper: 'bdl_box_scores', date: '2026-01-19' },
      facts: { bdl_games: 6, nbac_games: 9 },
      actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' }],
    },
    now: new Date(),
    rootIncidentId: null,
  });
  await incidents.update(rawStore, incident.id, {
    message: { channel: 'C01ALERTS', ts: '1700000000.000100' },
  });

  let errorsLogged = 0;
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    secrets: [],
    write: () => void errorsLogged++,
  });
  const notUsed = () => Promise.reject(new Error('not used'));
  const deps: Services = {
    config: readConfig({}),
    store,
    warehouse: { query: () => Promise.reject(new Error('not used')) } as unknown as Services['warehouse'],
    tasks: { enqueue: () => Promise.reject(new Error('not used')), close: async () => {} },
    chat: quietChat,
    clock: systemClock,
    fmt: zonedFormatter(),
    log: logger,
    data,
    operators: { isOperator: async () => true, mentions: [] },
    routing: { defaultChannel: 'C01ALERTS' },
    incidentMessages: {
      alert: () => ({ text: 'alert' }),
      reply: () => undefined,
      refresh: async () => {},
      resolveRecovered: async () => {},
    },
    scraper: { scrape: notUsed },
    processor: { run: notUsed },
    verifier: { verify: notUsed },
    inFlightMs: 60_000,
    stopSignal: new AbortController().signal,
  };
  const common = {
    transport: 'http' as const,
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    botId: 'B0BENCH',
    botUserId: 'U0BOT',
    port: 0,
    host: '127.0.0.1',
    routes: [],
    log: logger,
  };
  // Production's surfaces, all of them: Bolt runs every listener's middleware for every request.
  const bot = createBoltApp({ ...common, surfaces: defaultUi.surfaces(deps) });
  const bare = new App({ token: 'xoxb-bench', signingSecret: SECRET, botId: 'B0BENCH', botUserId: 'U0BOT' });
  ackOnly(bare);
  // The bot's wiring with the same ack-only listeners: splits the bot's cost into wiring vs its listeners.
  const wired = createBoltApp({ ...common, surfaces: [ackOnly] });
  const botServer = await startBoltApp(bot, common);
  const wiredServer = await startBoltApp(wired, common);
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as unknown as Server;
  if (!botServer || !wiredServer) throw new Error('the bot app started no HTTP server');
  // The same instrumentation on all three servers, so its cost (async context on every request) is in
  // the baseline too; only the bot's data and Store calls read it.
  for (const server of [botServer, wiredServer, bareServer])
    server.prependListener('request', (_req, res) => requestOf.enterWith(res));
  const portOf = (server: Server) => (server.address() as AddressInfo).port;
  const [botPort, barePort, wiredPort] = [portOf(botServer), portOf(bareServer), portOf(wiredServer)];

  const series: Series[] = [
    { label: '/scrape-status', interaction: { kind: 'command' }, bot: [], bare: [], wired: [], failures: 0 },
    {
      label: 'Acknowledge click',
      interaction: {
        kind: 'click',
        actionId: ACTION_IDS.ack,
        value: encodeActionValue({ a: 'ack', incidentId: incident.id }).value,
      },
      bot: [],
      bare: [],
      wired: [],
      failures: 0,
    },
  ];
  try {
    for (const s of series) {
      await client.load(botPort, WARMUP, s.interaction);
      await client.load(barePort, WARMUP, s.interaction);
      await client.load(wiredPort, WARMUP, s.interaction);
      await settle();
      // Rotate the order each round, so whatever follows a round (GC of its garbage) lands on each app alike.
      const apps = [
        { port: botPort, into: s.bot },
        { port: barePort, into: s.bare },
        { port: wiredPort, into: s.wired },
      ];
      for (let r = 0; r < ROUNDS; r++) {
        for (let k = 0; k < apps.length; k++) {
          const app = apps[(r + k) % apps.length] as (typeof apps)[number];
          const round = await client.load(app.port, PER_ROUND, s.interaction);
          app.into.push(...round.ms);
          s.failures += round.failures;
          await settle();
        }
      }
    }
    const responses = await client.stop();
    return series.flatMap((s) => {
      const bot = { p50: percentile(s.bot, 50), p99: percentile(s.bot, 99), max: Math.max(...s.bot) };
      const bare = { p50: percentile(s.bare, 50), p99: percentile(s.bare, 99) };
      const wired = { p50: percentile(s.wired, 50), p99: percentile(s.wired, 99) };
      log(
        `  ack latency ${s.label} @${CLIENTS}: bot p50 ${fmt(bot.p50, 2)} ms p99 ${fmt(bot.p99, 2)} ms (max ${fmt(bot.max)}), ` +
          `createBoltApp ack-only p50 ${fmt(wired.p50, 2)} ms p99 ${fmt(wired.p99, 2)} ms, ` +
          `bare p50 ${fmt(bare.p50, 2)} ms p99 ${fmt(bare.p99, 2)} ms; failures ${s.failures}`,
      );
      const notes = [
        `${s.bot.length} bot and ${s.bare.length} bare requests, ${CLIENTS} concurrent keep-alive clients, ${ROUNDS} alternating rounds after ${WARMUP} warm-up each; non-200 or errors: ${s.failures}`,
        s.interaction.kind === 'command'
          ? `bot = createBoltApp + the production surfaces; /scrape-status: ack, then DashboardData answering in ${DATA_DELAY_MS} ms, then respond() to a local response_url`
          : 'bot = createBoltApp + the production surfaces; Acknowledge: ack, then the incident change in the embedded DuckDB Store, its audit entry, the thread reply and the answer',
      ];
      if (s === series[series.length - 1])
        notes.push(
          `data and Store calls made before their request was acked: ${beforeAck} of ${dataCalls}; response_url answers ${responses}; warnings/errors logged ${errorsLogged}`,
        );
      return [
        {
          case: `ack latency p99, ${s.label} @${CLIENTS}`,
          measured: bot.p99,
          baseline: bare.p99,
          unit: 'ms',
          ratio: bot.p99 / bare.p99,
          target: 1.3,
          notes,
          details: { bot, bare, wired, failures: s.failures, dataCalls, beforeAck, responses, errorsLogged },
          holds: beforeAck === 0 && s.failures === 0,
        },
        {
          case: `ack latency p50, ${s.label} @${CLIENTS}`,
          measured: bot.p50,
          baseline: bare.p50,
          unit: 'ms',
          ratio: bot.p50 / bare.p50,
        },
        {
          case: `ack latency p99, createBoltApp ack-only, ${s.label} @${CLIENTS}`,
          measured: wired.p99,
          baseline: bare.p99,
          unit: 'ms',
          ratio: wired.p99 / bare.p99,
          notes: [
            "the bot's Bolt wiring (logger, error handler, client options, log context, after-ack tracking) with the baseline's ack-only listeners",
          ],
        },
      ];
    });
  } finally {
    await bot.stop();
    await wired.stop();
    await bare.stop();
    await client.stop();
    await afterAck.drain();
    await rawStore.close();
    instance.closeSync();
    rmSync(dir, { recursive: true, force: true });
  }
}
