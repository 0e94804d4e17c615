import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspace, issueTrigger } from '../../src/sandbox/state.js';
import { createWebApi, type WebApiOptions } from '../../src/sandbox/web-api.js';

const TOKEN = 'xoxb-sandbox';
let server: Server | undefined;

async function start(options: Partial<WebApiOptions> = {}) {
  const ws = createWorkspace();
  let base = '';
  const api = createWebApi(ws, { botToken: TOKEN, baseUrl: () => base, ...options });
  server = createServer((req, res) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    api.handle(req, res, method).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (opts: ConstructorParameters<typeof webApi.WebClient>[1] = {}) =>
    new webApi.WebClient(TOKEN, { slackApiUrl: `${base}/api/`, retryConfig: { retries: 0 }, ...opts });
  return { ws, api, base, client };
}

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });

describe('sandbox Web API through the real WebClient', () => {
  it('answers auth.test, posts, updates and threads in Slack shapes', async () => {
    const { client, ws } = await start({ rateLimit: false });
    const c = client();
    const auth = await c.auth.test();
    expect(auth).toMatchObject({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: ws.team.id });

    const posted = await c.chat.postMessage({
      channel: 'C01ALERTS',
      text: 'BDL box scores short',
      blocks: [section('*BDL* short')],
      metadata: { event_type: 'shotclock_intent', event_payload: { intent_id: 'i1' } },
    });
    expect(posted).toMatchObject({
      ok: true,
      channel: 'C01ALERTS',
      message: { text: 'BDL box scores short' },
    });
    const ts = posted.ts as string;
    expect(ts).toMatch(/^\d{10}\.\d{6}$/);

    const reply = await c.chat.postMessage({ channel: '#pipeline-alerts', thread_ts: ts, text: 'scheduled' });
    expect(reply.channel).toBe('C01ALERTS');
    const nested = await c.chat.postMessage({
      channel: 'C01ALERTS',
      thread_ts: reply.ts as string,
      text: 'nested',
    });
    expect(nested.message?.thread_ts).toBe(ts);
    const updated = await c.chat.update({
      channel: 'C01ALERTS',
      ts,
      text: 'resolved',
      blocks: [section('ok')],
    });
    expect(updated).toMatchObject({ ok: true, ts, text: 'resolved' });

    const thread = await c.conversations.replies({ channel: 'C01ALERTS', ts, include_all_metadata: true });
    expect(thread.messages?.map((m) => m.text)).toEqual(['resolved', 'scheduled', 'nested']);
    expect(thread.messages?.[0]?.reply_count).toBe(2);
    // SlackChat.update sends blocks: [] for a text-only edit.
    await c.chat.update({
      channel: 'C01ALERTS',
      ts: nested.ts as string,
      text: 'nested, edited',
      blocks: [],
    });
    expect(thread.messages?.[0]?.edited?.user).toBe('U0BOT');

    const hist = await c.conversations.history({
      channel: 'C01ALERTS',
      include_all_metadata: true,
      oldest: '0',
    });
    expect(hist.messages).toHaveLength(1);
    expect(hist.messages?.[0]?.metadata?.event_payload).toEqual({ intent_id: 'i1' });
    const noMeta = await c.conversations.history({ channel: 'C01ALERTS' });
    expect(noMeta.messages?.[0]?.metadata).toBeUndefined();
    const later = await c.conversations.history({ channel: 'C01ALERTS', oldest: ts });
    expect(later.messages).toHaveLength(0);

    expect(await c.chat.delete({ channel: 'C01ALERTS', ts: nested.ts as string })).toMatchObject({
      ok: true,
    });
    const after = await c.conversations.replies({ channel: 'C01ALERTS', ts });
    expect(after.messages?.map((m) => m.text)).toEqual(['resolved', 'scheduled']);
  });

  it("returns Slack's error codes", async () => {
    const { client, base } = await start({ rateLimit: false });
    const c = client();
    await expect(c.chat.postMessage({ channel: 'C404', text: 'x' })).rejects.toMatchObject({
      data: { ok: false, error: 'channel_not_found' },
    });
    await expect(c.chat.update({ channel: 'C01ALERTS', ts: '1.000000', text: 'x' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
    await expect(c.chat.postMessage({ channel: 'C01ALERTS', text: '', blocks: [] })).rejects.toMatchObject({
      data: { error: 'no_text' },
    });
    const tooMany = Array.from({ length: 51 }, () => section('x'));
    await expect(
      c.chat.postMessage({ channel: 'C01ALERTS', text: 'x', blocks: tooMany }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
    await expect(c.users.info({ user: 'UNOPE' })).rejects.toMatchObject({
      data: { error: 'user_not_found' },
    });
    const bad = new webApi.WebClient('xoxb-wrong', {
      slackApiUrl: `${base}/api/`,
      retryConfig: { retries: 0 },
    });
    await expect(bad.auth.test()).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
  });

  it('accepts JSON bodies with the bearer token', async () => {
    const { base } = await start({ rateLimit: false });
    const res = await fetch(`${base}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ channel: 'C01ALERTS', text: 'json', blocks: [section('hi')] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, message: { text: 'json', blocks: [section('hi')] } });
    const none = await fetch(`${base}/api/auth.test`, { method: 'POST' });
    expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
  });

  it('serves ephemerals, users, the on-call group and views', async () => {
    const { client, ws } = await start({ rateLimit: false });
    const c = client();
    const eph = await c.chat.postEphemeral({ channel: 'C01ALERTS', user: 'U02BOB', text: 'operators only' });
    expect(eph.message_ts).toBeTruthy();
    expect(ws.ephemerals[0]).toMatchObject({ user: 'U02BOB', text: 'operators only' });
    expect((await c.users.info({ user: 'U01ALICE' })).user?.name).toBe('alice');
    expect((await c.usergroups.users.list({ usergroup: 'S01ONCALL' })).users).toEqual(['U01ALICE']);

    const home = { type: 'home' as const, blocks: [section('dashboard')] };
    const pub = await c.views.publish({ user_id: 'U01ALICE', view: home });
    expect(pub.view).toMatchObject({ type: 'home', id: expect.any(String), hash: expect.any(String) });
    await expect(c.views.publish({ user_id: 'U01ALICE', view: home, hash: 'stale' })).rejects.toMatchObject({
      data: { error: 'hash_conflict' },
    });

    const modal = {
      type: 'modal' as const,
      callback_id: 'reset',
      title: { type: 'plain_text' as const, text: 'Reset' },
      blocks: [section('sure?')],
    };
    await expect(c.views.open({ trigger_id: 'nope', view: modal })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });
    const trigger = issueTrigger(ws, 'U01ALICE');
    const opened = await c.views.open({ trigger_id: trigger, view: modal });
    expect(opened.view).toMatchObject({ callback_id: 'reset', root_view_id: opened.view?.id });
    await expect(c.views.open({ trigger_id: trigger, view: modal })).rejects.toMatchObject({
      data: { error: 'expired_trigger_id' },
    });
    const upd = await c.views.update({
      view_id: opened.view?.id as string,
      view: { ...modal, callback_id: 'r2' },
    });
    expect(upd.view?.callback_id).toBe('r2');
    const pushed = await c.views.push({ trigger_id: issueTrigger(ws, 'U01ALICE'), view: modal });
    expect(pushed.view?.previous_view_id).toBe(opened.view?.id);
    expect(ws.modals.get('U01ALICE')).toHaveLength(2);
  });
});

describe('rate limit and faults', () => {
  it('answers 429 with Retry-After over the per-channel burst, and the WebClient waits it out', async () => {
    const { client, api } = await start({ rateLimit: { perSecond: 1, burst: 2 } });
    const rejecting = client({ rejectRateLimitedCalls: true });
    await rejecting.chat.postMessage({ channel: 'C01ALERTS', text: '1' });
    await rejecting.chat.postMessage({ channel: 'C01ALERTS', text: '2' });
    // Another channel has its own bucket.
    await rejecting.chat.postMessage({ channel: 'C02GENERAL', text: 'other' });
    await expect(rejecting.chat.postMessage({ channel: 'C01ALERTS', text: '3' })).rejects.toMatchObject({
      code: 'slack_webapi_rate_limited_error',
      retryAfter: 1,
    });
    expect(api.stats.rateLimited).toBe(1);

    const waiting = client({ retryConfig: { retries: 1, factor: 1, minTimeout: 0, maxTimeout: 0 } });
    const started = Date.now();
    const ok = await waiting.chat.postMessage({ channel: 'C01ALERTS', text: '3' });
    expect(ok.ok).toBe(true);
    expect(api.stats.rateLimited).toBeGreaterThanOrEqual(1);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('injects a 5xx, a hang and a lost response', async () => {
    const { client, api, ws } = await start({ rateLimit: false });
    const c = client({ timeout: 300 });
    api.injectFault('chat.postMessage', { kind: 'error', status: 503 });
    await expect(c.chat.postMessage({ channel: 'C01ALERTS', text: 'x' })).rejects.toMatchObject({
      code: 'slack_webapi_http_error',
      statusCode: 503,
    });
    expect(ws.messages.get('C01ALERTS') ?? []).toHaveLength(0);

    api.injectFault('chat.postMessage', { kind: 'timeout' });
    await expect(c.chat.postMessage({ channel: 'C01ALERTS', text: 'x' })).rejects.toBeTruthy();
    expect(ws.messages.get('C01ALERTS') ?? []).toHaveLength(0);

    api.injectFault('chat.postMessage', { kind: 'drop' });
    await expect(c.chat.postMessage({ channel: 'C01ALERTS', text: 'lost' })).rejects.toBeTruthy();
    expect(ws.messages.get('C01ALERTS')?.map((m) => m.text)).toEqual(['lost']);

    expect((await c.chat.postMessage({ channel: 'C01ALERTS', text: 'fine' })).ok).toBe(true);
    api.releaseHeld();
  });
});
