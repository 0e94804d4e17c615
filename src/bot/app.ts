import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import { SAFE_CLIENT_OPTIONS } from '../chat/slack.js';
import type { Logger } from '../log.js';
import { afterAck } from './after-ack.js';
import { type HttpRoute, toBoltRoute } from './http.js';
import { slackLogContext, traceRequests } from './request-context.js';
import { guardSlackRequests } from './request-guard.js';

/** A Slack surface (commands, actions, home, …) registers its listeners on the app. */
export type Surface = (app: App) => void;

export interface BoltOptions {
  readonly transport: 'http' | 'socket';
  readonly botToken: string;
  readonly signingSecret?: string;
  readonly appToken?: string;
  /** The local sandbox's Web API in the demo; Slack's otherwise. */
  readonly slackApiUrl?: string;
  /** Known ids skip the auth.test call Bolt makes at construction (needed offline, saves a call otherwise). */
  readonly botId?: string;
  readonly botUserId?: string;
  readonly port: number;
  readonly host: string;
  /** Cloud Run without always-on CPU: finish listeners before the HTTP response (acks are still first). */
  readonly processBeforeResponse?: boolean;
  readonly routes: readonly HttpRoute[];
  readonly surfaces: readonly Surface[];
  /** The GCP project, so request lines carry Cloud Logging's trace field; a correlation id otherwise. */
  readonly traceProject?: string;
  readonly log: Logger;
  /**
   * Wall-clock milliseconds for Slack's request timestamps (default Date.now): Slack signs with real time,
   * so this is never the demo's accelerated clock.
   */
  readonly wallClock?: () => number;
}

function slackLogger(log: Logger): SlackLogger {
  let level = LogLevel.INFO;
  const text = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => log.debug(text(m), { source: 'bolt' }),
    info: (...m) => log.info(text(m), { source: 'bolt' }),
    warn: (...m) => log.warn(text(m), { source: 'bolt' }),
    error: (...m) => log.error(text(m), { source: 'bolt' }),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * One Bolt app for both transports with the same listeners: HTTP (Cloud Run; Bolt checks each request's
 * signature and rejects forged or stale ones with 401, and request-guard.ts in front of it refuses future
 * timestamps, replays and malformed interactions) or Socket Mode (self-hosted behind a firewall).
 * The bot's own routes (/healthz, /readyz, /tasks/*) are served by the same HTTP server either way.
 */
export function createBoltApp(options: BoltOptions): App {
  const logger = slackLogger(options.log);
  const onRouteError = (error: unknown, path: string) => options.log.error(`route ${path} failed`, { error });
  const customRoutes = options.routes.map((r) => toBoltRoute(r, onRouteError, options.traceProject));
  const clientOptions = {
    ...SAFE_CLIENT_OPTIONS,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  };
  const identity =
    options.botId && options.botUserId ? { botId: options.botId, botUserId: options.botUserId } : {};
  // No conversation store: no listener reads context.conversation, and Bolt's default one runs a
  // middleware (a Map lookup and its promises) in front of every ack.
  const app =
    options.transport === 'socket'
      ? new App({
          token: options.botToken,
          appToken: options.appToken,
          socketMode: true,
          customRoutes,
          installerOptions: { port: options.port },
          clientOptions,
          logger,
          convoStore: false,
          ...identity,
        })
      : new App({
          token: options.botToken,
          receiver: guardedReceiver(options, customRoutes, logger),
          clientOptions,
          logger,
          convoStore: false,
          ...identity,
        });
  // One central error handler: listeners that throw are logged with their context, never crash the process.
  app.error(async (error) => {
    options.log.error('slack listener failed', { error: error.message, code: error.code });
  });
  slackLogContext(app);
  for (const surface of options.surfaces) surface(app);
  return app;
}

const SLACK_ENDPOINT = '/slack/events';

/** Bolt's HTTP receiver (as App would build it) with the request guard in front of its listener. */
function guardedReceiver(
  options: BoltOptions,
  customRoutes: ReturnType<typeof toBoltRoute>[],
  logger: SlackLogger,
): HTTPReceiver {
  const signingSecret = options.signingSecret ?? '';
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: [SLACK_ENDPOINT],
    customRoutes,
    processBeforeResponse: options.processBeforeResponse ?? false,
    logger,
  });
  receiver.requestListener = guardSlackRequests(receiver.requestListener, {
    signingSecret,
    endpoints: [SLACK_ENDPOINT],
    now: options.wallClock ?? Date.now,
    log: options.log,
  });
  return receiver;
}

/**
 * What a slow or stalled client may hold. Slack and Cloud Tasks send small bodies at once, so a request
 * whose headers take 10 s or whose body takes 30 s is not theirs; without limits, a few hundred stalled
 * uploads hold a connection and its buffers each (Node's own defaults are 60 s and 5 min, uncapped).
 */
export interface ConnectionLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Connections beyond this are closed as they are accepted. */
  readonly maxConnections: number;
}

export const CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 512,
};

function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
}

/** Start listening; returns the HTTP server (its address tells the bound port when port is 0). */
export async function startBoltApp(
  app: App,
  options: Pick<BoltOptions, 'port' | 'host' | 'transport' | 'processBeforeResponse' | 'traceProject'> & {
    readonly limits?: Partial<ConnectionLimits>;
  },
) {
  const started = await app.start(
    options.transport === 'socket' ? {} : { port: options.port, host: options.host },
  );
  const server = started as unknown as Server | undefined;
  if (server) limitConnections(server, { ...CONNECTION_LIMITS, ...options.limits });
  if (server && options.transport !== 'socket') traceRequests(server, options.traceProject);
  // With processBeforeResponse the response waits for the listener itself: its work must not wait for
  // quiet (it would wait for its own request). In Socket Mode, Slack's requests do not come over HTTP.
  if (server && options.transport !== 'socket' && !options.processBeforeResponse) afterAck.track(server);
  return server;
}
