// Case 4, interaction ack latency: signed /scrape-status slash commands from 50 concurrent clients on
// loopback, against (a) the bot's Bolt app (createBoltApp + the real commandsSurface, whose answer reads
// DashboardData and replies through response_url) and (b) a bare @slack/bolt App on the same HTTP receiver
// that only acks. Latency = request sent → HTTP response (Bolt answers the request when ack() is called).
// The bot's data answers after DATA_DELAY_MS, and each data call checks that its request was already acked.
import { AsyncLocalStorage } from 'node:async_hooks';
import { type ChildProcess, fork } from 'node:child_process';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { App } from '@slack/bolt';
import { afterAck } from '../src/bot/after-ack.js';
import { createBoltApp, startBoltApp } from '../src/bot/app.js';
import { commandsSurface } from '../src/bot/commands.js';
import type { BotDeps, DashboardData } from '../src/bot/deps.js';
import { systemClock } from '../src/clock.js';
import { createLogger } from '../src/runtime/logger.js';
import { zonedFormatter } from '../src/views/format.js';
import { CLIENTS, type ClientReply, type ClientRequest, SECRET } from './ack-client.js';
import { type BenchResult, fmt, log, percentile } from './lib.js';

const WARMUP = 200;
/** Requests per measured round per app; rounds alternate between the apps so drift hits both alike. */
const PER_ROUND = 1000;
const ROUNDS = 5;
const DATA_DELAY_MS = 250;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** The bot's answers after the ack (deferred, data delay, respond()) must not spill into the next round. */
async function settle() {
  await sleep(DATA_DELAY_MS + 100);
  while (afterAck.pending > 0) await sleep(20);
  await sleep(200);
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
    async load(port: number, count: number) {
      const reply = await load.ask<ClientReply>({ kind: 'load', port, count } satisfies ClientRequest);
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

export async function benchAckLatency(): Promise<BenchResult[]> {
  const client = await startClient();

  // Which HTTP request a data call serves: Bolt runs the listener in the async context of the request, so a
  // data call can see whether that request's response (the ack) had already been sent.
  const requestOf = new AsyncLocalStorage<ServerResponse>();
  let dataCalls = 0;
  let beforeAck = 0;
  const slow = <T>(value: T) =>
    new Promise<T>((resolve) => {
      dataCalls++;
      const res = requestOf.getStore();
      if (!res?.writableFinished) beforeAck++;
      setTimeout(() => resolve(value), DATA_DELAY_MS);
    });
  const data: DashboardData = {
    scraperStatus: () => slow([]),
    pipelineHealth: () => Promise.reject(new Error('not used by the bench')),
    breakers: () => slow([]),
    retryQueue: () => slow([]),
    home: () => Promise.reject(new Error('not used by the bench')),
    digest: () => Promise.reject(new Error('not used by the bench')),
  };
  let errorsLogged = 0;
  const logger = createLogger({
    level: 'warn',
    format: 'json',
    secrets: [],
    write: () => void errorsLogged++,
  });
  // commandsSurface reads only data, clock, fmt and log; the rest of BotDeps is never touched by it.
  const deps = { data, clock: systemClock, fmt: zonedFormatter(), log: logger } as unknown as BotDeps;
  const bot = createBoltApp({
    transport: 'http',
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    botId: 'B0BENCH',
    botUserId: 'U0BOT',
    port: 0,
    host: '127.0.0.1',
    routes: [],
    surfaces: [commandsSurface(deps)],
    log: logger,
  });
  const bare = new App({ token: 'xoxb-bench', signingSecret: SECRET, botId: 'B0BENCH', botUserId: 'U0BOT' });
  bare.command('/scrape-status', async ({ ack }) => {
    await ack();
  });
  // The bot's wiring with an ack-only listener: splits the bot's cost into wiring vs work after the ack.
  const wired = createBoltApp({
    transport: 'http',
    botToken: 'xoxb-bench',
    signingSecret: SECRET,
    botId: 'B0BENCH',
    botUserId: 'U0BOT',
    port: 0,
    host: '127.0.0.1',
    routes: [],
    surfaces: [(app) => app.command('/scrape-status', async ({ ack }) => void (await ack()))],
    log: logger,
  });
  const botServer = await startBoltApp(bot, { port: 0, host: '127.0.0.1', transport: 'http' });
  const wiredServer = await startBoltApp(wired, { port: 0, host: '127.0.0.1', transport: 'http' });
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as unknown as Server;
  if (!botServer || !wiredServer) throw new Error('the bot app started no HTTP server');
  const wiredPort = (wiredServer.address() as AddressInfo).port;
  // The same instrumentation on all three servers, so its cost (async context on every request) is in
  // the baseline too; only the bot's data calls read it.
  for (const server of [botServer, wiredServer, bareServer])
    server.prependListener('request', (_req, res) => requestOf.enterWith(res));
  const botPort = (botServer.address() as AddressInfo).port;
  const barePort = (bareServer.address() as AddressInfo).port;
  try {
    await client.load(botPort, WARMUP);
    await settle();
    await client.load(barePort, WARMUP);
    await client.load(wiredPort, WARMUP);
    const wiredMs: number[] = [];
    const botMs: number[] = [];
    const bareMs: number[] = [];
    let failures = 0;
    // Rotate the order each round, so whatever follows a round (GC of its garbage) lands on each app alike.
    const apps = [
      { port: botPort, into: botMs },
      { port: barePort, into: bareMs },
      { port: wiredPort, into: wiredMs },
    ];
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < apps.length; k++) {
        const app = apps[(r + k) % apps.length] as (typeof apps)[number];
        const round = await client.load(app.port, PER_ROUND);
        app.into.push(...round.ms);
        failures += round.failures;
        // The bot's answers after the ack (data delay, respond()) must not spill into the next app's round.
        await settle();
      }
    }
    const responses = await client.stop();
    const botP50 = percentile(botMs, 50);
    const botP99 = percentile(botMs, 99);
    const bareP50 = percentile(bareMs, 50);
    const bareP99 = percentile(bareMs, 99);
    const botMax = Math.max(...botMs);
    const wiredP50 = percentile(wiredMs, 50);
    const wiredP99 = percentile(wiredMs, 99);
    log(
      `  ack latency @${CLIENTS}: bot p50 ${fmt(botP50, 2)} ms p99 ${fmt(botP99, 2)} ms (max ${fmt(botMax)}), ` +
        `createBoltApp ack-only p50 ${fmt(wiredP50, 2)} ms p99 ${fmt(wiredP99, 2)} ms, ` +
        `bare p50 ${fmt(bareP50, 2)} ms p99 ${fmt(bareP99, 2)} ms; failures ${failures}`,
    );
    const notes = [
      `${botMs.length} bot and ${bareMs.length} bare requests, ${CLIENTS} concurrent keep-alive clients, ${ROUNDS} alternating rounds after ${WARMUP} warm-up each; non-200 or errors: ${failures}`,
      `bot = createBoltApp + the real commandsSurface (/scrape-status: ack, then DashboardData answering in ${DATA_DELAY_MS} ms, then respond() to a local response_url)`,
      `data calls made before their request was acked: ${beforeAck} of ${dataCalls}; response_url answers ${responses}; warnings/errors logged ${errorsLogged}; bot max ack ${fmt(botMax)} ms`,
    ];
    return [
      {
        case: `ack latency p99, /scrape-status @${CLIENTS}`,
        measured: botP99,
        baseline: bareP99,
        unit: 'ms',
        ratio: botP99 / bareP99,
        target: 1.3,
        notes,
        details: {
          botP50,
          botP99,
          bareP50,
          bareP99,
          wiredP50,
          wiredP99,
          botMax,
          failures,
          dataCalls,
          beforeAck,
          responses,
          errorsLogged,
        },
      },
      {
        case: `ack latency p50, /scrape-status @${CLIENTS}`,
        measured: botP50,
        baseline: bareP50,
        unit: 'ms',
        ratio: botP50 / bareP50,
      },
      {
        case: `ack latency p99, createBoltApp ack-only @${CLIENTS}`,
        measured: wiredP99,
        baseline: bareP99,
        unit: 'ms',
        ratio: wiredP99 / bareP99,
        target: 1.3,
        notes: [
          "the bot's Bolt wiring (logger, error handler, client options) with a listener that only acks",
        ],
      },
    ];
  } finally {
    await bot.stop();
    await wired.stop();
    await bare.stop();
    await client.stop();
  }
}
