// The watching Chat port on the real Slack adapter and Web API client, against a local Slack double: a 429
// waited out is not a failure, a 5xx thrown to the caller is, and a success resets the count.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { SAFE_CLIENT_OPTIONS, SlackChat } from '../../src/chat/slack.js';
import { WatchedChat } from '../../src/chat/watched.js';
import { ManualClock } from '../../src/clock.js';
import { readConfig } from '../../src/config.js';
import type { Logger } from '../../src/log.js';
import { FakeChat } from '../support/fake-chat.js';

type Answer = { status: number; retryAfter?: number };

async function slackDouble(answers: Answer[]) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const a = answers.shift() ?? { status: 200 };
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (a.retryAfter !== undefined) headers['retry-after'] = String(a.retryAfter);
      const body = a.status === 200 ? { ok: true, channel: 'C1', ts: '1.000001' } : { ok: false };
      res.writeHead(a.status, headers).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('WatchedChat on SlackChat', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it('counts errors thrown to the caller, not 429s waited out', async () => {
    const double = await slackDouble([
      { status: 429, retryAfter: 1 },
      { status: 200 },
      { status: 503 },
      { status: 500 },
      { status: 200 },
    ]);
    close = double.close;
    const clock = new ManualClock('2026-01-20T17:00:00Z');
    const logged: string[] = [];
    const chat = new WatchedChat(
      new SlackChat(new webApi.WebClient('xoxb-test', { slackApiUrl: double.url, ...SAFE_CLIENT_OPTIONS }), {
        minPostIntervalMs: 0,
        sleep: async () => {},
      }),
      {
        clock,
        log: recordingLogger(logged),
        config: { selfHealth: { ...readConfig({}).selfHealth, slackFailures: 2, slackFailureMs: 0 } },
      },
    );
    await chat.post({ channel: 'C1', text: 'a' }, 'i1');
    expect(chat.health().consecutiveFailures).toBe(0);

    await expect(chat.post({ channel: 'C1', text: 'b' }, 'i2')).rejects.toThrow();
    expect(chat.health()).toMatchObject({
      consecutiveFailures: 1,
      failingSince: clock.now(),
      lastFailedCall: 'chat.postMessage',
    });
    clock.advance(60_000);
    await expect(chat.post({ channel: 'C1', text: 'c' }, 'i3')).rejects.toThrow();
    expect(chat.health().consecutiveFailures).toBe(2);
    expect(logged).toEqual([
      expect.stringMatching(/^error Slack unreachable: 2 calls in a row failing since/),
    ]);

    await chat.post({ channel: 'C1', text: 'd' }, 'i4');
    expect(chat.health()).toEqual({
      consecutiveFailures: 0,
      failingSince: undefined,
      lastError: undefined,
      lastFailedCall: undefined,
    });
    expect(logged[1]).toMatch(/^info Slack reachable again after 2 failed calls/);
  });
});

describe('WatchedChat uploads', () => {
  it('does not count a chart that failed to render as a Slack failure, and shares nothing for no data', async () => {
    const inner = new FakeChat();
    const chat = new WatchedChat(inner, {
      clock: new ManualClock('2026-01-20T17:00:00Z'),
      log: recordingLogger([]),
      config: { selfHealth: readConfig({}).selfHealth },
    });
    const upload = { channel: 'C1', filename: 'a.png', title: 'A' };
    await expect(
      chat.uploadImage({ ...upload, render: () => Promise.reject(new Error('warehouse down')) }),
    ).rejects.toThrow('warehouse down');
    expect(await chat.uploadImage({ ...upload, render: async () => undefined })).toEqual({ shared: false });
    expect(chat.health().consecutiveFailures).toBe(0);
    expect(inner.uploads).toHaveLength(0);

    inner.nextUploadFault = true;
    const image = { bytes: new Uint8Array([1]), altText: 'a' };
    await expect(chat.uploadImage({ ...upload, render: async () => image })).rejects.toThrow();
    expect(chat.health()).toMatchObject({ consecutiveFailures: 1, lastFailedCall: 'files.uploadV2' });
  });
});

/** A logger that keeps `level message` of each error and info line. */
function recordingLogger(logged: string[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: (m) => void logged.push(`info ${m}`),
    warn: () => {},
    error: (m) => void logged.push(`error ${m}`),
    child: () => log,
  };
  return log;
}
