/**
 * The local Slack sandbox on one HTTP server: the Web API at /api/, response_url targets at /response/,
 * the page at /, its live event stream at /events, and /sandbox/act where the page's clicks and commands
 * enter the same drivers tests use.
 *
 * Wiring (both on port 0 works: the bot's URL is read when a driver sends):
 *   let botUrl = '';
 *   const sandbox = await startSandbox({ port: 3000, botEventsUrl: () => botUrl, signingSecret, botToken });
 *   const app = new App({ signingSecret, token: botToken, botId: BOT.botId, botUserId: BOT.userId,
 *                         clientOptions: { slackApiUrl: sandbox.apiUrl } });
 *   const server = await app.start({ port: 0, host: '127.0.0.1' });
 *   botUrl = `http://127.0.0.1:${server.address().port}/slack/events`;
 * Operators: DEFAULT_USERGROUPS' S01ONCALL holds alice (U01ALICE); bob (U02BOB) is not an operator.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDrivers, type DriverResult, type Drivers, type Target } from './drivers.js';
import { readBody, sendJson, sendText } from './http-util.js';
import { PAGE_HTML, renderUi } from './page.js';
import type { RateLimit } from './rate-limit.js';
import { applyResponseUrl } from './response-url.js';
import {
  createWorkspace,
  eventsSince,
  type SandboxChannel,
  type SandboxUser,
  type SandboxUsergroup,
  subscribe,
  type Workspace,
} from './state.js';
import { createWebApi, type WebApi, type WebApiOptions } from './web-api.js';
import { MIME_TYPES } from './web-api-methods.js';

export interface SandboxOptions {
  readonly port: number;
  readonly host?: string;
  /** The bot's Slack endpoint; a function when the bot starts after the sandbox (both on port 0). */
  readonly botEventsUrl: string | (() => string);
  readonly signingSecret: string;
  /** Token the Web API accepts; any when undefined. */
  readonly botToken?: string;
  readonly rateLimit?: RateLimit | false;
  readonly users?: readonly SandboxUser[];
  readonly channels?: readonly SandboxChannel[];
  readonly usergroups?: readonly SandboxUsergroup[];
  readonly onCall?: WebApiOptions['onCall'];
  readonly ackTimeoutMs?: number;
  /** A status line for the page (e.g. the demo's simulated time), refreshed every few seconds. */
  readonly info?: () => string;
}

export interface Sandbox {
  readonly url: string;
  /** For Bolt: `clientOptions: { slackApiUrl: apiUrl }`. */
  readonly apiUrl: string;
  readonly state: Workspace;
  readonly drivers: Drivers;
  readonly webApi: WebApi;
  close(): Promise<void>;
}

/** What the page posts to /sandbox/act. */
type PageAction =
  | { kind: 'command'; command: string; text?: string; user?: string; channel?: string }
  | { kind: 'click'; target: Target; actionId: string; value?: string; user?: string }
  | { kind: 'select'; target: Target; actionId: string; option: string; user?: string }
  | { kind: 'submit'; values: Record<string, unknown>; user?: string }
  | { kind: 'close'; user?: string }
  | { kind: 'home'; user?: string };

async function runAction(drivers: Drivers, a: PageAction): Promise<DriverResult | undefined> {
  const who = a.user ? { user: a.user } : {};
  switch (a.kind) {
    case 'command':
      return drivers.sendSlashCommand({
        command: a.command,
        ...(a.text !== undefined ? { text: a.text } : {}),
        ...who,
        ...(a.channel ? { channel: a.channel } : {}),
      });
    case 'click':
      return drivers.clickButton(a.target, a.actionId, {
        ...who,
        ...(a.value !== undefined ? { value: a.value } : {}),
      });
    case 'select':
      return drivers.selectOption(a.target, a.actionId, a.option, who);
    case 'submit':
      return drivers.submitModal(a.values ?? {}, who);
    case 'close':
      return drivers.closeModal(who);
    case 'home':
      return drivers.openHome(a.user);
  }
}

/** GET /files/<id>/<name>: an uploaded file's bytes, for the page's images (files.* url_private). */
function serveFile(ws: Workspace, path: string, res: ServerResponse) {
  const file = ws.files.get(path.split('/')[2] ?? '');
  if (!file?.bytes) return sendJson(res, 404, { ok: false, error: 'file_not_found' });
  const type = MIME_TYPES[file.filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
  res.writeHead(200, {
    'content-type': type,
    'content-length': file.bytes.length,
    'cache-control': 'private, max-age=3600',
    'x-content-type-options': 'nosniff',
  });
  res.end(file.bytes);
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const ws = createWorkspace({
    ...(options.users ? { users: options.users } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    ...(options.usergroups ? { usergroups: options.usergroups } : {}),
  });
  let url = '';
  const webApi = createWebApi(ws, {
    ...(options.botToken !== undefined ? { botToken: options.botToken } : {}),
    ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
    baseUrl: () => url,
  });
  const botUrl = options.botEventsUrl;
  const drivers = createDrivers({
    ws,
    get botEventsUrl() {
      return typeof botUrl === 'function' ? botUrl() : botUrl;
    },
    signingSecret: options.signingSecret,
    sandboxUrl: () => url,
    ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
  });
  const streams = new Set<ServerResponse>();

  function stream(req: IncomingMessage, res: ServerResponse, since: number) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    const write = (e: { seq: number }) => res.write(`id: ${e.seq}\ndata: ${JSON.stringify(e)}\n\n`);
    res.write(`retry: 1000\nevent: hello\ndata: ${JSON.stringify({ seq: ws.seq })}\n\n`);
    for (const e of eventsSince(ws, since)) write(e);
    const stop = subscribe(ws, write);
    // A comment now and then keeps proxies and idle timeouts from closing a quiet stream.
    const beat = setInterval(() => res.write(': beat\n\n'), 15_000);
    beat.unref();
    streams.add(res);
    req.on('close', () => {
      stop();
      clearInterval(beat);
      streams.delete(res);
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse) {
    const u = new URL(req.url ?? '/', 'http://sandbox');
    const path = u.pathname;
    if (path.startsWith('/api/')) return webApi.handle(req, res, path.slice('/api/'.length));
    if (path.startsWith('/upload/') && req.method === 'POST') {
      return webApi.handleUpload(req, res, path.slice('/upload/'.length));
    }
    if (path.startsWith('/files/') && req.method === 'GET') return serveFile(ws, path, res);
    if (path.startsWith('/response/') && req.method === 'POST') {
      const answer = applyResponseUrl(ws, path.slice('/response/'.length), await readBody(req));
      return sendJson(res, answer.status, answer.body);
    }
    if (path === '/events') {
      const since = Number(req.headers['last-event-id'] ?? u.searchParams.get('since') ?? ws.seq);
      return stream(req, res, Number.isFinite(since) ? since : ws.seq);
    }
    if (path === '/sandbox/ui') {
      return sendJson(
        res,
        200,
        renderUi(ws, {
          user: u.searchParams.get('user') ?? '',
          channel: u.searchParams.get('channel') ?? '',
          thread: u.searchParams.get('thread') ?? '',
          ...(options.info ? { info: options.info() } : {}),
        }),
      );
    }
    if (path === '/sandbox/act' && req.method === 'POST') {
      // JSON only: a cross-site form cannot send it without a CORS preflight this server never grants.
      if (!(req.headers['content-type'] ?? '').includes('application/json')) {
        return sendJson(res, 415, { ok: false, error: 'json only' });
      }
      try {
        const result = await runAction(drivers, JSON.parse(await readBody(req)) as PageAction);
        const ok = result === undefined || (!result.error && result.status >= 200 && result.status < 300);
        return sendJson(res, 200, { ok, result: result ?? null });
      } catch (error) {
        return sendJson(res, 400, {
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (req.method === 'GET' && (path === '/' || path.startsWith('/archives/'))) {
      return sendText(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    }
    return sendJson(res, 404, { ok: false, error: 'not_found' });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    state: ws,
    drivers,
    webApi,
    async close() {
      webApi.releaseHeld();
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
