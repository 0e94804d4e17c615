import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, LogLevel } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDrivers, signature } from '../../src/sandbox/drivers.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { postMessage } from '../../src/sandbox/state.js';

const SECRET = 'sandbox-signing-secret';
const TOKEN = 'xoxb-sandbox-token';

let sandbox: Sandbox;
let app: App;
let botUrl = '';
const seen: { kind: string; detail: unknown }[] = [];

async function until<T>(probe: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const reasonModal = {
  type: 'modal' as const,
  callback_id: 'reason_modal',
  title: { type: 'plain_text' as const, text: 'Reset breaker' },
  submit: { type: 'plain_text' as const, text: 'Reset' },
  blocks: [
    {
      type: 'input' as const,
      block_id: 'reason',
      label: { type: 'plain_text' as const, text: 'Reason' },
      element: { type: 'plain_text_input' as const, action_id: 'text' },
    },
    {
      type: 'input' as const,
      block_id: 'from',
      label: { type: 'plain_text' as const, text: 'From' },
      element: { type: 'datepicker' as const, action_id: 'date', initial_date: '2026-01-19' },
    },
  ],
};

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    botEventsUrl: () => botUrl,
    signingSecret: SECRET,
    botToken: TOKEN,
    rateLimit: false,
  });
  app = new App({
    signingSecret: SECRET,
    token: TOKEN,
    botId: 'B0BOT',
    botUserId: 'U0BOT',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command('/scrape-status', async ({ ack, respond, command }) => {
    await ack();
    seen.push({ kind: 'command', detail: command });
    await respond({ text: `status of ${command.text || 'all'}` });
  });
  app.command('/quick', async ({ ack }) => {
    await ack('answered in the ack');
  });
  app.action(/^v1\.retry(\.[a-z0-9]+)?$/, async ({ ack, body, client }) => {
    await ack();
    seen.push({ kind: 'retry', detail: body });
    if (body.type !== 'block_actions' || !body.channel || !body.message) return;
    await client.chat.postMessage({
      channel: body.channel.id,
      thread_ts: body.message.ts,
      text: 'scheduled',
    });
  });
  app.action('v1.snooze', async ({ ack, respond, action }) => {
    await ack();
    seen.push({ kind: 'snooze', detail: action });
    await respond({ replace_original: true, text: 'snoozed' });
  });
  app.action('open_modal', async ({ ack, body, client }) => {
    await ack();
    if (body.type === 'block_actions')
      await client.views.open({ trigger_id: body.trigger_id, view: reasonModal });
  });
  app.view('reason_modal', async ({ ack, view }) => {
    const reason = view.state.values.reason?.text?.value;
    if (!reason) {
      await ack({ response_action: 'errors', errors: { reason: 'A reason is required' } });
      return;
    }
    await ack();
    seen.push({ kind: 'submitted', detail: view.state.values });
  });
  app.event('app_home_opened', async ({ event, client, context, body }) => {
    seen.push({ kind: 'home', detail: { retryNum: context.retryNum, eventId: body.event_id } });
    await client.views.publish({
      user_id: event.user,
      view: {
        type: 'home',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `hi <@${event.user}>` } }],
      },
    });
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  botUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});

afterAll(async () => {
  await app?.stop();
  await sandbox?.close();
});

function postAlert() {
  return postMessage(sandbox.state, {
    channel: 'C01ALERTS',
    user: 'U0BOT',
    botId: 'B0BOT',
    text: 'BDL box scores short',
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: '*BDL* short' } },
      {
        type: 'actions',
        block_id: 'acts',
        elements: [
          {
            type: 'button',
            action_id: 'v1.retry.1',
            text: { type: 'plain_text', text: 'Retry' },
            value: 'r1',
          },
          {
            type: 'overflow',
            action_id: 'v1.snooze',
            options: [
              { text: { type: 'plain_text', text: '1 h' }, value: '1h' },
              { text: { type: 'plain_text', text: '4 h' }, value: '4h' },
            ],
          },
          { type: 'button', action_id: 'open_modal', text: { type: 'plain_text', text: 'Reset' } },
        ],
      },
    ],
  });
}

describe('drivers act as Slack toward a real Bolt app', () => {
  it('signs like Slack: Bolt accepts the click and the handler gets the real payload shape', async () => {
    const alert = postAlert();
    const result = await sandbox.drivers.clickButton(alert.ts, 'v1.retry', { user: 'U01ALICE' });
    expect(result.status).toBe(200);
    const reply = await until(() =>
      sandbox.state.messages.get('C01ALERTS')?.find((m) => m.threadTs === alert.ts),
    );
    expect(reply.text).toBe('scheduled');
    const body = seen.find((s) => s.kind === 'retry')?.detail as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'block_actions',
      user: { id: 'U01ALICE', name: 'alice' },
      container: { type: 'message', message_ts: alert.ts, channel_id: 'C01ALERTS' },
      channel: { id: 'C01ALERTS' },
      message: { ts: alert.ts, text: 'BDL box scores short' },
      actions: [{ type: 'button', action_id: 'v1.retry.1', block_id: 'acts', value: 'r1' }],
    });
    expect(body.trigger_id).toEqual(expect.any(String));
    expect(body.response_url).toMatch(/\/response\//);
  });

  it('is refused by Bolt when signed with the wrong secret or a stale timestamp', async () => {
    const alert = postAlert();
    const forged = createDrivers({
      ws: sandbox.state,
      botEventsUrl: botUrl,
      signingSecret: 'wrong',
      sandboxUrl: () => sandbox.url,
    });
    expect((await forged.clickButton(alert.ts, 'v1.retry')).status).toBe(401);
    const stale = createDrivers({
      ws: sandbox.state,
      botEventsUrl: botUrl,
      signingSecret: SECRET,
      sandboxUrl: () => sandbox.url,
      wallClock: () => Date.now() - 10 * 60_000,
    });
    expect((await stale.clickButton(alert.ts, 'v1.retry')).status).toBe(401);
    expect(signature('s', 1, 'b')).toMatch(/^v0=[0-9a-f]{64}$/);
  });

  it('overflow choice + response_url replace_original edits the source message', async () => {
    const alert = postAlert();
    await sandbox.drivers.selectOverflow(alert.ts, 'v1.snooze', '4h', { user: 'U01ALICE' });
    await until(() => alert.text === 'snoozed');
    const action = seen.find((s) => s.kind === 'snooze')?.detail;
    expect(action).toMatchObject({ type: 'overflow', selected_option: { value: '4h' } });
  });

  it('slash command: response_url answer and ack text both land as ephemerals for the user', async () => {
    await sandbox.drivers.sendSlashCommand({ command: '/scrape-status', text: 'bdl', user: 'U02BOB' });
    const eph = await until(() => sandbox.state.ephemerals.find((e) => e.text === 'status of bdl'));
    expect(eph).toMatchObject({ user: 'U02BOB', channel: 'C01ALERTS' });
    expect(seen.find((s) => s.kind === 'command')?.detail).toMatchObject({
      command: '/scrape-status',
      text: 'bdl',
      user_id: 'U02BOB',
      channel_id: 'C01ALERTS',
    });
    await sandbox.drivers.sendSlashCommand({ command: 'quick', user: 'U02BOB' });
    expect(sandbox.state.ephemerals.some((e) => e.text === 'answered in the ack')).toBe(true);
  });

  it('trigger_id opens a modal; submission errors keep it open, a good one closes it', async () => {
    const alert = postAlert();
    await sandbox.drivers.clickButton(alert.ts, 'open_modal', { user: 'U01ALICE' });
    const modal = await until(() => sandbox.state.modals.get('U01ALICE')?.[0]);
    expect(modal.view.callback_id).toBe('reason_modal');
    const bad = await sandbox.drivers.submitModal({}, { user: 'U01ALICE' });
    expect(bad.answer).toMatchObject({ response_action: 'errors' });
    expect(sandbox.state.modals.get('U01ALICE')?.[0]?.errors).toEqual({ reason: 'A reason is required' });
    await sandbox.drivers.submitModal({ text: 'proxy back' }, { user: 'U01ALICE' });
    expect(sandbox.state.modals.get('U01ALICE')).toBeUndefined();
    const values = await until(() => seen.find((s) => s.kind === 'submitted')?.detail);
    expect(values).toEqual({
      reason: { text: { type: 'plain_text_input', value: 'proxy back' } },
      from: { date: { type: 'datepicker', selected_date: '2026-01-19' } },
    });
  });

  it('app_home_opened arrives as an Events API callback and the bot publishes the Home tab', async () => {
    const result = await sandbox.drivers.openHome('U02BOB');
    expect(result.status).toBe(200);
    const home = await until(() => sandbox.state.homes.get('U02BOB'));
    expect(JSON.stringify(home.view.blocks)).toContain('hi <@U02BOB>');
    const first = seen.find((s) => s.kind === 'home')?.detail as { eventId: string; retryNum?: number };
    expect(first.retryNum).toBeUndefined();
    await sandbox.drivers.sendEvent(
      { type: 'app_home_opened', user: 'U02BOB', channel: 'D02BOB', tab: 'home' },
      'U02BOB',
      {
        eventId: first.eventId,
        retryNum: 1,
      },
    );
    const again = await until(() => seen.filter((s) => s.kind === 'home')[1]?.detail);
    expect(again).toEqual({ retryNum: 1, eventId: first.eventId });
    // Let the redelivery's views.publish land before the sandbox closes.
    const firstHash = home.hash;
    await until(() => sandbox.state.homes.get('U02BOB')?.hash !== firstHash);
  });
});
