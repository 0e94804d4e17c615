// The bot's own Chat adapter (SlackChat over the real WebClient with the bot's client options) against the
// sandbox: Slack's rate limit is waited out without double posts, and a post whose response was lost is
// found again by its intent id.
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAFE_CLIENT_OPTIONS, SlackChat } from '../../src/chat/slack.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';

let sandbox: Sandbox;
let client: webApi.WebClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    botEventsUrl: 'http://127.0.0.1:9/',
    signingSecret: 's',
    botToken: 'xoxb-t',
    rateLimit: { perSecond: 1, burst: 2 },
  });
  client = new webApi.WebClient('xoxb-t', {
    ...SAFE_CLIENT_OPTIONS,
    slackApiUrl: sandbox.apiUrl,
    timeout: 1000,
  });
});
afterAll(() => sandbox.close());

describe('SlackChat against the sandbox', () => {
  it('waits out 429s and posts every message exactly once', async () => {
    const waits: number[] = [];
    const chat = new SlackChat(client, { minPostIntervalMs: 0, onRateLimited: (_m, s) => waits.push(s) });
    const posted = [];
    for (let i = 0; i < 3; i++)
      posted.push(await chat.post({ channel: 'C01ALERTS', text: `alert ${i}` }, `i${i}`));
    expect(sandbox.webApi.stats.rateLimited).toBe(1);
    expect(waits).toEqual([1]);
    expect(sandbox.state.messages.get('C01ALERTS')?.map((m) => m.text)).toEqual([
      'alert 0',
      'alert 1',
      'alert 2',
    ]);
    expect(new Set(posted.map((p) => p.ts)).size).toBe(3);
  });

  it('finds a post whose response was lost by its intent id', async () => {
    const chat = new SlackChat(client, { minPostIntervalMs: 0 });
    const since = new Date(Date.now() - 1000);
    sandbox.webApi.injectFault('chat.postMessage', { kind: 'drop' });
    await expect(
      chat.post({ channel: 'C02GENERAL', text: 'lost answer' }, 'intent-lost'),
    ).rejects.toBeTruthy();
    const found = await chat.findByIntent('C02GENERAL', 'intent-lost', since);
    expect(found?.ts).toBe(sandbox.state.messages.get('C02GENERAL')?.[0]?.ts);
    expect(await chat.findByIntent('C02GENERAL', 'never-posted', since)).toBeUndefined();
  });

  it('a broadcast reply is in its thread and in the channel too; a plain reply only in its thread', async () => {
    const chat = new SlackChat(client, { minPostIntervalMs: 0 });
    const root = await chat.post({ channel: 'C02GENERAL', text: 'root' }, 'b-root');
    await chat.post({ channel: 'C02GENERAL', text: 'plain reply', threadTs: root.ts }, 'b-plain');
    const loud = await chat.post(
      { channel: 'C02GENERAL', text: 'critical reply', threadTs: root.ts, broadcast: true },
      'b-loud',
    );
    const history = await client.conversations.history({
      channel: 'C02GENERAL',
      oldest: root.ts,
      inclusive: true,
    });
    expect(history.messages?.map((m) => [m.text, m.subtype])).toEqual([
      ['critical reply', 'thread_broadcast'],
      ['root', undefined],
    ]);
    const thread = await client.conversations.replies({ channel: 'C02GENERAL', ts: root.ts });
    expect(thread.messages?.map((m) => m.text)).toEqual(['root', 'plain reply', 'critical reply']);
    expect(await chat.findByIntent('C02GENERAL', 'b-loud', new Date(0), root.ts)).toEqual(loud);
  });
});
