/**
 * What the bot POSTs to a response_url, applied as Slack does: an ephemeral reply by default, a channel
 * message with response_type in_channel, or replace/delete of the message the interaction came from.
 */
import {
  deleteMessage,
  postEphemeral,
  postMessage,
  replaceEphemeral,
  updateMessage,
  useResponseUrl,
  type Workspace,
} from './state.js';
import { readMessageContent } from './web-api-methods.js';

export interface ResponseUrlAnswer {
  readonly status: number;
  readonly body: { ok: boolean; error?: string };
}

export function applyResponseUrl(ws: Workspace, id: string, raw: string): ResponseUrlAnswer {
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    payload = parsed as Record<string, unknown>;
  } catch {
    return { status: 400, body: { ok: false, error: 'invalid_payload' } };
  }
  const target = useResponseUrl(ws, id);
  if (typeof target === 'string') return { status: 404, body: { ok: false, error: target } };

  const truthy = (v: unknown) => v === true || v === 'true';
  if (truthy(payload.delete_original)) {
    if (!target.messageTs) return { status: 404, body: { ok: false, error: 'message_not_found' } };
    const done = target.ephemeral
      ? replaceEphemeral(ws, target.messageTs, 'delete')
      : deleteMessage(ws, target.channel, target.messageTs);
    return done
      ? { status: 200, body: { ok: true } }
      : { status: 404, body: { ok: false, error: 'message_not_found' } };
  }

  const content = readMessageContent(payload);
  if ('ok' in content) return { status: 400, body: { ok: false, error: content.error } };

  if (truthy(payload.replace_original) && target.messageTs) {
    const done = target.ephemeral
      ? replaceEphemeral(ws, target.messageTs, content)
      : updateMessage(ws, target.channel, target.messageTs, content, ws.bot.userId);
    return done
      ? { status: 200, body: { ok: true } }
      : { status: 404, body: { ok: false, error: 'message_not_found' } };
  }

  const threadTs = typeof payload.thread_ts === 'string' ? payload.thread_ts : target.threadTs;
  if (payload.response_type === 'in_channel') {
    postMessage(ws, {
      channel: target.channel,
      user: ws.bot.userId,
      botId: ws.bot.botId,
      ...content,
      ...(threadTs ? { threadTs } : {}),
    });
  } else {
    postEphemeral(ws, {
      channel: target.channel,
      user: target.user,
      ...content,
      ...(threadTs ? { threadTs } : {}),
    });
  }
  return { status: 200, body: { ok: true } };
}
