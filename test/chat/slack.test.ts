import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { PostNotSentError } from '../../src/chat/port.js';
import { INTENT_EVENT_TYPE, SAFE_CLIENT_OPTIONS, SlackChat } from '../../src/chat/slack.js';

interface Call {
  method: string;
  body: Record<string, unknown>;
}

/** A minimal Slack Web API double: scripted statuses per call, records every request. */
async function slackDouble(
  script: (call: Call, n: number) => { status: number; body?: unknown; retryAfter?: number },
) {
  const calls: Call[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const body = Object.fromEntries(new URLSearchParams(raw)) as Record<string, unknown>;
      const call = { method: req.url?.replace('/api/', '') ?? '', body };
      calls.push(call);
      const answer = script(call, calls.length);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.retryAfter !== undefined) headers['retry-after'] = String(answer.retryAfter);
      res.writeHead(answer.status, headers).end(JSON.stringify(answer.body ?? { ok: false }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return { calls, url, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('SlackChat', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('waits out a 429 and posts once, with the intent as metadata', async () => {
    const double = await slackDouble((_call, n) =>
      n === 1
        ? { status: 429, retryAfter: 2 }
        : { status: 200, body: { ok: true, channel: 'C1', ts: '1.000001' } },
    );
    close = double.close;
    const waits: number[] = [];
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
      {
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    const posted = await chat.post({ channel: 'C1', text: 'hello' }, 'post:x#1');
    expect(posted).toEqual({ channel: 'C1', ts: '1.000001' });
    expect(waits).toEqual([2000]);
    expect(double.calls.map((c) => c.method)).toEqual(['chat.postMessage', 'chat.postMessage']);
    const metadata = JSON.parse(String(double.calls[1]?.body.metadata));
    expect(metadata).toEqual({ event_type: INTENT_EVENT_TYPE, event_payload: { intent_id: 'post:x#1' } });
  });

  it('never retries a 5xx (the post may have landed): the error reaches the caller after one call', async () => {
    const double = await slackDouble(() => ({ status: 503 }));
    close = double.close;
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
      {
        sleep: async () => {},
      },
    );
    await expect(chat.post({ channel: 'C1', text: 'hello' }, 'i')).rejects.toThrow();
    expect(double.calls).toHaveLength(1);
  });

  it('spaces posts in one channel at least the minimum interval apart', async () => {
    const double = await slackDouble((_c, n) => ({
      status: 200,
      body: { ok: true, channel: 'C1', ts: `1.${n}` },
    }));
    close = double.close;
    const waits: number[] = [];
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
      {
        minPostIntervalMs: 1000,
        sleep: async (ms) => {
          waits.push(ms);
        },
      },
    );
    await Promise.all([1, 2, 3].map((i) => chat.post({ channel: 'C1', text: `m${i}` }, `i${i}`)));
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(1500);
  });

  it('edits one message in order, and an edit held up by a 429 is never overwritten by an older one', async () => {
    const double = await slackDouble((_c, n) =>
      n === 1
        ? { status: 429, retryAfter: 1 }
        : { status: 200, body: { ok: true, channel: 'C1', ts: '1.1' } },
    );
    close = double.close;
    let wake: (() => void) | undefined;
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
      { sleep: () => new Promise<void>((r) => (wake = r)) },
    );
    const message = { channel: 'C1', ts: '1.1' };
    const first = chat.update({ ...message, text: 'open' });
    while (!wake) await new Promise((r) => setTimeout(r, 5));
    // While the first edit waits out its 429, two newer states are rendered.
    const second = chat.update({ ...message, text: 'resolved' });
    const third = chat.update({ ...message, text: 'recovered' });
    wake?.();
    await Promise.all([first, second, third]);
    expect(double.calls.map((c) => c.body.text)).toEqual(['open', 'open', 'recovered']);
  });

  it('finds a message by its intent in the channel history', async () => {
    const double = await slackDouble(() => ({
      status: 200,
      body: {
        ok: true,
        messages: [
          { ts: '5.1', metadata: { event_type: INTENT_EVENT_TYPE, event_payload: { intent_id: 'other' } } },
          {
            ts: '5.2',
            metadata: { event_type: INTENT_EVENT_TYPE, event_payload: { intent_id: 'post:x#1' } },
          },
        ],
      },
    }));
    close = double.close;
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
    );
    expect(await chat.findByIntent('C1', 'post:x#1', new Date())).toEqual({ channel: 'C1', ts: '5.2' });
    expect(await chat.findByIntent('C1', 'missing', new Date())).toBeUndefined();
    expect(double.calls[0]?.body.include_all_metadata).toBe('true');
  });

  it('gives up a post still waiting for its pacing turn once the signal is aborted: nothing is sent', async () => {
    const double = await slackDouble((_c, n) => ({
      status: 200,
      body: { ok: true, channel: 'C1', ts: `1.${n}` },
    }));
    close = double.close;
    const chat = new SlackChat(
      new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }),
      { minPostIntervalMs: 60_000 },
    );
    const stop = new AbortController();
    const first = chat.post({ channel: 'C1', text: 'm1' }, 'i1', stop.signal);
    const second = chat.post({ channel: 'C1', text: 'm2' }, 'i2', stop.signal);
    expect(await first).toEqual({ channel: 'C1', ts: '1.1' });
    stop.abort();
    await expect(second).rejects.toBeInstanceOf(PostNotSentError);
    expect(double.calls.map((c) => c.body.text)).toEqual(['m1']);
  });
});
