// The bot asks Slack who it is before starting, and a failure says what to fix instead of crashing later.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveBotIdentity, SlackStartupError } from '../../src/bot/identity.js';

async function slackAnswering(body: unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`, server };
}

describe('resolveBotIdentity', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('returns the bot and user ids auth.test names', async () => {
    const slack = await slackAnswering({ ok: true, user_id: 'U0BOT', bot_id: 'B0BOT', team_id: 'T1' });
    server = slack.server;
    await expect(resolveBotIdentity({ botToken: 'xoxb-1', slackApiUrl: slack.url })).resolves.toEqual({
      botId: 'B0BOT',
      botUserId: 'U0BOT',
    });
  });

  it('a refused token names SLACK_BOT_TOKEN and Slack’s error', async () => {
    const slack = await slackAnswering({ ok: false, error: 'invalid_auth' });
    server = slack.server;
    const failure = resolveBotIdentity({ botToken: 'xoxb-bad', slackApiUrl: slack.url });
    await expect(failure).rejects.toBeInstanceOf(SlackStartupError);
    await expect(failure).rejects.toThrow(/refused the bot token \(invalid_auth\).*SLACK_BOT_TOKEN/);
  });

  it('a user token (no bot) is refused with what to use instead', async () => {
    const slack = await slackAnswering({ ok: true, user_id: 'U1', team_id: 'T1' });
    server = slack.server;
    await expect(resolveBotIdentity({ botToken: 'xoxp-user', slackApiUrl: slack.url })).rejects.toThrow(
      /not a bot token.*xoxb-/,
    );
  });

  it('an unreachable Slack says so, without a stack trace to read', async () => {
    const closed = await slackAnswering({});
    const url = closed.url;
    await new Promise((r) => closed.server.close(r));
    const failure = resolveBotIdentity({ botToken: 'xoxb-1', slackApiUrl: url, timeoutMs: 2_000 });
    await expect(failure).rejects.toBeInstanceOf(SlackStartupError);
    await expect(failure).rejects.toThrow(/Web API is unreachable.*network access/);
  });
});
