import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoltApp, startBoltApp } from '../../src/bot/app.js';
import { envelopeProblem, MAX_SKEW_SEC, ReplayCache } from '../../src/bot/request-guard.js';
import { createLogger } from '../../src/log.js';
import { postSigned, slashCommandBody } from '../support/slack-request.js';

const SECRET = 'guard-test-secret';

describe('ReplayCache', () => {
  it('answers a signature once until its timestamp leaves the window, and stays bounded', () => {
    const cache = new ReplayCache(3);
    expect(cache.claim('a', 1000 + MAX_SKEW_SEC, 1000)).toBe(true);
    expect(cache.claim('a', 1000 + MAX_SKEW_SEC, 1100)).toBe(false);
    // Past its window the signature could not pass Bolt's check anyway: it is dropped.
    expect(cache.claim('b', 1400 + MAX_SKEW_SEC, 1400)).toBe(true);
    expect(cache.claim('a', 1000 + MAX_SKEW_SEC, 1301)).toBe(true);
    for (const s of ['c', 'd', 'e']) cache.claim(s, 2000, 1400);
    expect(cache.size).toBeLessThanOrEqual(3);
    cache.forget('e');
    expect(cache.claim('e', 2000, 1400)).toBe(true);
  });
});

describe('envelopeProblem', () => {
  it('names what an interaction lacks; commands, events and complete interactions pass', () => {
    const click = { type: 'block_actions', user: { id: 'U1' }, actions: [{ action_id: 'v1.ack' }] };
    expect(envelopeProblem(click)).toBeUndefined();
    expect(envelopeProblem({ command: '/breakers', user_id: 'U1' })).toBeUndefined();
    expect(envelopeProblem({ type: 'event_callback', event: {} })).toBeUndefined();
    expect(envelopeProblem({ ...click, user: undefined })).toBe('block_actions without user.id');
    expect(envelopeProblem({ ...click, actions: [] })).toBe('block_actions without an action');
    expect(envelopeProblem({ type: 'view_closed', user: { id: 'U1' } })).toContain('without a view');
  });
});

describe('the guard in front of Bolt', () => {
  let app: App | undefined;
  afterEach(async () => app?.stop());

  it('uses the injected wall clock, and lets a request not answered with success be sent again', async () => {
    let wall = Date.now();
    const seen: string[] = [];
    app = createBoltApp({
      transport: 'http',
      botToken: 'xoxb-test',
      signingSecret: SECRET,
      botId: 'B1',
      botUserId: 'U_BOT',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 0,
      host: '127.0.0.1',
      log: createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} }),
      routes: [],
      wallClock: () => wall,
      surfaces: [
        (a) =>
          a.command('/scrape-status', async ({ ack, command }) => {
            seen.push(command.text);
            // Not acked the first time: Bolt answers 404 after its 3 s.
            if (seen.length > 1) await ack();
          }),
      ],
    });
    const server = (await startBoltApp(app, { port: 0, host: '127.0.0.1', transport: 'http' })) as Server;
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
    const body = slashCommandBody('/scrape-status', 'x');
    const timestamp = Math.floor(wall / 1000) + 200;
    // 200 s ahead: inside the window.
    expect((await postSigned(url, body, { secret: SECRET, timestamp })).status).toBe(404);
    expect((await postSigned(url, body, { secret: SECRET, timestamp })).status).toBe(200);
    expect((await postSigned(url, body, { secret: SECRET, timestamp })).status).toBe(200);
    expect(seen).toEqual(['x', 'x']);
    // The same timestamp read by a clock 10 minutes earlier is from the future.
    wall -= 10 * 60_000;
    const later = await postSigned(url, slashCommandBody('/scrape-status', 'y'), {
      secret: SECRET,
      timestamp,
    });
    expect(later.status).toBe(401);
  }, 10_000);
});
