// SLACK_PROCESS_BEFORE_RESPONSE: on Cloud Run (CPU throttled after a response) a listener's work after its
// ack must be done before the HTTP response leaves; elsewhere the response goes out right after the ack.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createBoltApp, startBoltApp } from '../../src/bot/app.js';
import { readConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { postSigned, slashCommandBody } from '../support/slack-request.js';

const SECRET = 'pbr-signing-secret';
const WORK_MS = 300;

describe('processBeforeResponse', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  async function timeline(processBeforeResponse: boolean) {
    const events: string[] = [];
    app = createBoltApp({
      transport: 'http',
      botToken: 'xoxb-test',
      signingSecret: SECRET,
      botId: 'B1',
      botUserId: 'U_BOT',
      slackApiUrl: 'http://127.0.0.1:9/api/',
      port: 0,
      host: '127.0.0.1',
      processBeforeResponse,
      log: createLogger({ level: 'error', format: 'json', secrets: [], write: () => {} }),
      routes: [],
      surfaces: [
        (a) =>
          a.command('/scrape-status', async ({ ack }) => {
            await ack();
            events.push('acked');
            await new Promise((r) => setTimeout(r, WORK_MS));
            events.push('work done');
          }),
      ],
    });
    const server = (await startBoltApp(app, {
      port: 0,
      host: '127.0.0.1',
      transport: 'http',
      processBeforeResponse,
    })) as Server;
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const res = await postSigned(`${base}/slack/events`, slashCommandBody('/scrape-status', ''), {
      secret: SECRET,
    });
    events.push(`response ${res.status}`);
    await new Promise((r) => setTimeout(r, WORK_MS + 100));
    return events;
  }

  it('on: the listener finishes its work before the HTTP response is sent', async () => {
    expect(await timeline(true)).toEqual(['acked', 'work done', 'response 200']);
  });

  it('off: the response follows the ack and the work finishes afterwards', async () => {
    expect(await timeline(false)).toEqual(['acked', 'response 200', 'work done']);
  });

  it('defaults to on when Cloud Run runs the bot (K_SERVICE set), off elsewhere; the variable wins', () => {
    const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's3cret', SLACK_ALERT_CHANNEL: 'C1' };
    expect(readConfig(slack).slack?.processBeforeResponse).toBe(false);
    expect(readConfig({ ...slack, K_SERVICE: 'shotclock' }).slack?.processBeforeResponse).toBe(true);
    expect(
      readConfig({ ...slack, K_SERVICE: 'shotclock', SLACK_PROCESS_BEFORE_RESPONSE: 'false' }).slack
        ?.processBeforeResponse,
    ).toBe(false);
    expect(readConfig({ ...slack, SLACK_PROCESS_BEFORE_RESPONSE: 'true' }).slack?.processBeforeResponse).toBe(
      true,
    );
    // Setting only the switch (or an endpoint override) does not leave demo mode.
    expect(readConfig({ SLACK_PROCESS_BEFORE_RESPONSE: 'true', BIGQUERY_API_URL: 'http://x:1' }).mode).toBe(
      'demo',
    );
  });
});
