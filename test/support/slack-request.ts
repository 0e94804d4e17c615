import { createHmac } from 'node:crypto';

/** POST a body to the bot as Slack would: signed with v0 HMAC-SHA256 over `v0:{ts}:{body}`. */
export async function postSigned(
  url: string,
  body: string,
  options: {
    secret: string;
    timestamp?: number;
    contentType?: string;
    forge?: boolean;
    /** Extra headers (a trace header, say). */
    headers?: Record<string, string>;
  },
): Promise<Response> {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000);
  const digest = createHmac('sha256', options.forge ? `${options.secret}-wrong` : options.secret)
    .update(`v0:${ts}:${body}`)
    .digest('hex');
  return fetch(url, {
    method: 'POST',
    headers: {
      ...options.headers,
      'content-type': options.contentType ?? 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': `v0=${digest}`,
    },
    body,
  });
}

export function slashCommandBody(command: string, text: string, user = 'U_OPS'): string {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T1',
    team_domain: 'demo',
    channel_id: 'C_ALERTS',
    channel_name: 'alerts',
    user_id: user,
    user_name: 'ops',
    command,
    text,
    api_app_id: 'A1',
    response_url: 'http://127.0.0.1:9/response',
    trigger_id: '1.2.3',
  }).toString();
}
