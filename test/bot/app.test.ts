import type { Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoltApp, startBoltApp } from '../../src/bot/app.js';
import { healthRoutes } from '../../src/bot/health.js';
import { HttpError } from '../../src/bot/http.js';
import { createLogger } from '../../src/log.js';
import { postSigned, slashCommandBody } from '../support/slack-request.js';

const SECRET = 'test-signing-secret';

describe('Bolt app (HTTP transport)', () => {
  let app: App | undefined;
  afterEach(async () => app?.stop());

  async function start(probeOk: boolean, limits?: { maxConnections: number }) {
    const seen: string[] = [];
    const logs: string[] = [];
    app = createBoltApp({
      transport: 'http',
      botToken: 'xoxb-test',
      signingSecret: SECRET,
      botId: 'B1',
      botUserId: 'U_BOT',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'error', format: 'json', secrets: [], write: (l) => logs.push(l) }),
      routes: [
        ...healthRoutes([
          { name: 'store', check: async () => (probeOk ? undefined : Promise.reject(new Error('down'))) },
        ]),
        { path: '/boom', method: 'POST', handler: async () => Promise.reject(new Error('kaput')) },
        {
          path: '/bad',
          method: 'POST',
          handler: async () => Promise.reject(new HttpError(400, 'scraper is required')),
        },
      ],
      surfaces: [
        (a) =>
          a.command('/scrape-status', async ({ ack, command }) => {
            await ack();
            seen.push(command.text);
          }),
      ],
    });
    const server = (await startBoltApp(app, {
      port: 0,
      host: '127.0.0.1',
      transport: 'http',
      ...(limits ? { limits } : {}),
    })) as Server;
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    return { base, seen, logs, server, port };
  }

  it('accepts a correctly signed slash command and rejects forged or stale ones with 401', async () => {
    const { base, seen } = await start(true);
    const body = slashCommandBody('/scrape-status', 'bdl_box_scores');
    expect((await postSigned(`${base}/slack/events`, body, { secret: SECRET })).status).toBe(200);
    expect((await postSigned(`${base}/slack/events`, body, { secret: SECRET, forge: true })).status).toBe(
      401,
    );
    const stale = Math.floor(Date.now() / 1000) - 6 * 60;
    expect(
      (await postSigned(`${base}/slack/events`, body, { secret: SECRET, timestamp: stale })).status,
    ).toBe(401);
    expect(seen).toEqual(['bdl_box_scores']);
  });

  it('serves /healthz and /readyz, and answers route errors with a status instead of crashing', async () => {
    const { base, logs } = await start(false);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ok: false, checks: { store: 'down' } });
    const boom = await fetch(`${base}/boom`, { method: 'POST' });
    expect(boom.status).toBe(500);
    expect(logs.join('\n')).toContain('route /boom failed');
    const bad = await fetch(`${base}/bad`, { method: 'POST' });
    expect([bad.status, await bad.json()]).toEqual([400, { ok: false, error: 'scraper is required' }]);
  });

  it('caps connections: stalled uploads beyond the cap are closed as they arrive, the rest time out', async () => {
    const { base, server, port } = await start(true, { maxConnections: 3 });
    // Without a cap each of these would hold a connection open until Node's 5-minute request timeout.
    const stalled: Socket[] = [];
    const closed: number[] = [];
    for (let i = 0; i < 6; i++) {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.on('close', () => closed.push(i));
      socket.write('POST /slack/events HTTP/1.1\r\nHost: bot\r\nContent-Length: 100000\r\n\r\n{"partial":');
      stalled.push(socket);
      await new Promise((r) => setTimeout(r, 20));
    }
    await waitFor(() => closed.length >= 3);
    await new Promise((r) => setTimeout(r, 50)); // none of the first three follows
    expect(closed.sort()).toEqual([3, 4, 5]);
    expect([server.headersTimeout, server.requestTimeout]).toEqual([10_000, 30_000]);
    for (const socket of stalled) socket.destroy();
    await waitFor(async () => (await connections(server)) === 0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

/** Poll until `done` holds; fails after 3 s. */
async function waitFor(done: () => boolean | Promise<boolean>): Promise<void> {
  const start = Date.now();
  while (!(await done())) {
    if (Date.now() - start > 3000) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const connections = (server: Server) =>
  new Promise<number>((resolve, reject) => server.getConnections((e, n) => (e ? reject(e) : resolve(n))));
