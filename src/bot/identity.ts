import { webApi } from '@slack/bolt';
import { SAFE_CLIENT_OPTIONS } from '../chat/slack.js';

/** Why the bot cannot start on Slack, said so that the person deploying it knows what to fix. */
export class SlackStartupError extends Error {}

export interface BotIdentity {
  readonly botId: string;
  readonly botUserId: string;
}

/**
 * Ask Slack who the bot is (auth.test) before starting. Bolt would otherwise make this call itself in its
 * constructor and, when it fails, crash the process later with an unhandled rejection and a stack trace;
 * here a bad token or an unreachable Slack stops the start with a message naming the fix.
 */
export async function resolveBotIdentity(options: {
  readonly botToken: string;
  readonly slackApiUrl?: string;
  readonly timeoutMs?: number;
}): Promise<BotIdentity> {
  const client = new webApi.WebClient(options.botToken, {
    ...SAFE_CLIENT_OPTIONS,
    timeout: options.timeoutMs ?? 10_000,
    // The failure is reported once, below, in words; the client's own warning line would only repeat it.
    logLevel: webApi.LogLevel.ERROR,
    ...(options.slackApiUrl ? { slackApiUrl: options.slackApiUrl } : {}),
  });
  let answer: Awaited<ReturnType<typeof client.auth.test>>;
  try {
    answer = await client.auth.test();
  } catch (error) {
    const e = error as { code?: string; data?: { error?: string }; message?: string };
    if (e.code === 'slack_webapi_platform_error') {
      throw new SlackStartupError(
        `Slack refused the bot token (${e.data?.error ?? 'unknown error'}): check SLACK_BOT_TOKEN (the xoxb- Bot User OAuth Token from the app's OAuth & Permissions page, for the installed workspace)`,
      );
    }
    throw new SlackStartupError(
      `Slack's Web API is unreachable (${e.message ?? String(error)}): shotclock needs it to start; check this machine's network access to slack.com (or SLACK_API_URL)`,
    );
  }
  if (!answer.bot_id || !answer.user_id) {
    throw new SlackStartupError(
      'SLACK_BOT_TOKEN is not a bot token (auth.test names no bot): use the xoxb- Bot User OAuth Token',
    );
  }
  return { botId: answer.bot_id, botUserId: answer.user_id };
}
