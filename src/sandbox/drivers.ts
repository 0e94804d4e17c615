/**
 * Drivers that act as Slack toward the bot: slash commands, button clicks, overflow and select choices,
 * modal submissions and App Home opens, each in Slack's payload shape, POSTed to the bot's /slack/events
 * signed with the signing secret exactly as Slack signs (so Bolt's own verification accepts them).
 * What the bot answers in the HTTP response (a command's ack text, a view_submission response_action) is
 * applied to the sandbox as Slack would.
 */
import { createHmac } from 'node:crypto';
import { findElement, findOption, viewState } from './block-walk.js';
import {
  clearModals,
  closeTopModal,
  emit,
  findEphemeral,
  findMessage,
  findView,
  issueResponseUrl,
  issueTrigger,
  type Json,
  newId,
  postEphemeral,
  postMessage,
  pushModal,
  replaceTopModal,
  type SandboxView,
  setViewErrors,
  topModal,
  type Workspace,
} from './state.js';
import { messageJson, viewJson } from './web-api-methods.js';

export interface DriverOptions {
  readonly ws: Workspace;
  readonly botEventsUrl: string;
  readonly signingSecret: string;
  /** The sandbox's base URL (response_url points at it). */
  readonly sandboxUrl: () => string;
  /** Slack gives up on an ack after 3 s and shows the user an error. */
  readonly ackTimeoutMs?: number;
  /** Real wall time for signatures: Bolt compares them with its own clock. */
  readonly wallClock?: () => number;
}

export interface DriverResult {
  readonly status: number;
  readonly body: string;
  /** Set when the bot did not answer (network error or ack timeout). */
  readonly error?: string;
}

/** Where a click happens: a message (by ts, in a channel or an ephemeral) or a view (Home tab or modal). */
export type Target = string | { readonly viewId: string };

export interface ActOptions {
  readonly user?: string;
  /** Pick among several elements with the same action id. */
  readonly value?: string;
}

export function signature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

/** Slack's legacy verification token: Bolt ignores it, payloads still carry one. */
const VERIFICATION_TOKEN = 'sandbox-verification-token';

export function createDrivers(options: DriverOptions) {
  const { ws } = options;
  const wall = options.wallClock ?? Date.now;
  const defaultUser = () => [...ws.users.values()].find((u) => !u.isBot)?.id ?? 'U01ALICE';
  const userJson = (id: string) => {
    const u = ws.users.get(id);
    return { id, username: u?.name ?? id, name: u?.name ?? id, team_id: ws.team.id };
  };
  const team = () => ({ id: ws.team.id, domain: ws.team.domain });
  const responseUrl = (id: string) => `${options.sandboxUrl()}/response/${id}`;

  async function send(
    kind: string,
    user: string,
    body: string,
    contentType: string,
    extraHeaders: Record<string, string> = {},
  ): Promise<DriverResult> {
    const ts = Math.floor(wall() / 1000);
    let result: DriverResult;
    try {
      const res = await fetch(options.botEventsUrl, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          'x-slack-request-timestamp': String(ts),
          'x-slack-signature': signature(options.signingSecret, ts, body),
          'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
          ...extraHeaders,
        },
        body,
        signal: AbortSignal.timeout(options.ackTimeoutMs ?? 3000),
      });
      result = { status: res.status, body: await res.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      result = { status: 0, body: '', error: timedOut ? 'operation_timeout' : String(error) };
    }
    emit(ws, {
      type: 'outgoing',
      kind,
      user,
      summary: result.error ?? `HTTP ${result.status}`,
      status: result.status,
    });
    return result;
  }

  const sendForm = (kind: string, user: string, fields: Record<string, string>) =>
    send(kind, user, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded');
  const sendPayload = (kind: string, user: string, payload: Json) =>
    sendForm(kind, user, { payload: JSON.stringify(payload) });

  /** A command's ack body is shown to the user (ephemeral) or the channel (response_type in_channel). */
  function applyCommandAck(channel: string, user: string, result: DriverResult) {
    if (result.status !== 200 || result.body.trim() === '') return;
    let parsed: Json;
    try {
      const json: unknown = JSON.parse(result.body);
      parsed = typeof json === 'object' && json !== null ? (json as Json) : { text: String(json) };
    } catch {
      parsed = { text: result.body };
    }
    const text = typeof parsed.text === 'string' ? parsed.text : '';
    const blocks = Array.isArray(parsed.blocks) ? parsed.blocks : undefined;
    if (text === '' && !blocks) return;
    if (parsed.response_type === 'in_channel') {
      postMessage(ws, {
        channel,
        user: ws.bot.userId,
        botId: ws.bot.botId,
        text,
        ...(blocks ? { blocks } : {}),
      });
    } else postEphemeral(ws, { channel, user, text, ...(blocks ? { blocks } : {}) });
  }

  async function sendSlashCommand(input: {
    command: string;
    text?: string;
    user?: string;
    channel?: string;
  }): Promise<DriverResult> {
    const user = input.user ?? defaultUser();
    const channel = ws.channels.get(input.channel ?? '') ?? [...ws.channels.values()][0];
    if (!channel) throw new Error('the sandbox has no channel');
    const command = input.command.startsWith('/') ? input.command : `/${input.command}`;
    const result = await sendForm('command', user, {
      token: VERIFICATION_TOKEN,
      team_id: ws.team.id,
      team_domain: ws.team.domain,
      channel_id: channel.id,
      channel_name: channel.name,
      user_id: user,
      user_name: ws.users.get(user)?.name ?? user,
      command,
      text: input.text ?? '',
      api_app_id: ws.bot.appId,
      is_enterprise_install: 'false',
      response_url: responseUrl(issueResponseUrl(ws, { channel: channel.id, user })),
      trigger_id: issueTrigger(ws, user),
    });
    if (result.status === 200) applyCommandAck(channel.id, user, result);
    else {
      // What Slack tells the user when the app did not answer the command in time or failed.
      const why = result.error ?? (result.status === 401 ? 'invalid_signature' : `http_${result.status}`);
      postEphemeral(ws, { channel: channel.id, user, text: `${command} failed with the error "${why}"` });
    }
    return result;
  }

  interface Located {
    readonly blocks: unknown;
    readonly context: Json;
  }

  /** The blocks a click happens in and the payload fields that say where it happened. */
  function locate(target: Target, user: string): Located {
    if (typeof target !== 'string') {
      const view = findView(ws, { viewId: target.viewId });
      if (!view) throw new Error(`no view ${target.viewId}`);
      return {
        blocks: view.view.blocks,
        context: {
          container: { type: 'view', view_id: view.id },
          view: { ...viewJson(ws, view), state: { values: viewState(view.view.blocks, {}) } },
        },
      };
    }
    const ephemeral = findEphemeral(ws, target);
    if (ephemeral) {
      const url = issueResponseUrl(ws, {
        channel: ephemeral.channel,
        user,
        messageTs: ephemeral.ts,
        ephemeral: true,
      });
      return {
        blocks: ephemeral.blocks,
        context: {
          container: {
            type: 'message',
            message_ts: ephemeral.ts,
            channel_id: ephemeral.channel,
            is_ephemeral: true,
          },
          channel: { id: ephemeral.channel, name: ws.channels.get(ephemeral.channel)?.name ?? '' },
          response_url: responseUrl(url),
        },
      };
    }
    for (const channel of ws.channels.values()) {
      const message = findMessage(ws, channel.id, target);
      if (!message) continue;
      const url = issueResponseUrl(ws, {
        channel: channel.id,
        user,
        messageTs: message.ts,
        ...(message.threadTs ? { threadTs: message.threadTs } : {}),
      });
      return {
        blocks: message.blocks,
        context: {
          container: {
            type: 'message',
            message_ts: message.ts,
            channel_id: channel.id,
            is_ephemeral: false,
            ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
          },
          channel: { id: channel.id, name: channel.name },
          message: messageJson(ws, message, false),
          response_url: responseUrl(url),
        },
      };
    }
    throw new Error(`no message or view ${target}`);
  }

  async function act(
    target: Target,
    actionId: string,
    user: string,
    action: (element: Json) => Json,
    value?: string,
  ) {
    const { blocks, context } = locate(target, user);
    const found = findElement(blocks, actionId, value);
    if (!found) throw new Error(`no element ${actionId} in ${JSON.stringify(target)}`);
    const payload: Json = {
      type: 'block_actions',
      user: userJson(user),
      api_app_id: ws.bot.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: issueTrigger(ws, user),
      team: team(),
      enterprise: null,
      is_enterprise_install: false,
      state: { values: {} },
      ...context,
      actions: [
        {
          action_id: found.element.action_id,
          block_id: found.blockId,
          action_ts: String(wall() / 1000),
          ...action(found.element),
        },
      ],
    };
    return sendPayload('block_actions', user, payload);
  }

  function clickButton(target: Target, actionId: string, opts: ActOptions = {}): Promise<DriverResult> {
    return act(
      target,
      actionId,
      opts.user ?? defaultUser(),
      (el) => ({
        type: 'button',
        text: el.text,
        ...(el.value !== undefined ? { value: el.value } : {}),
        ...(el.style !== undefined ? { style: el.style } : {}),
      }),
      opts.value,
    );
  }

  /** Choose `optionValue` in an overflow menu or a static select. */
  function selectOption(target: Target, actionId: string, optionValue: string, opts: ActOptions = {}) {
    return act(target, actionId, opts.user ?? defaultUser(), (el) => {
      const option = findOption(el, optionValue);
      if (!option) throw new Error(`no option ${optionValue} in ${String(el.action_id)}`);
      return { type: el.type, selected_option: option };
    });
  }

  /** Apply a view_submission answer the way Slack does (close, show errors, update, push, clear). */
  function applySubmissionAck(view: SandboxView, result: DriverResult): Json | undefined {
    if (result.status !== 200) return undefined;
    let answer: Json = {};
    try {
      answer = result.body.trim() ? (JSON.parse(result.body) as Json) : {};
    } catch {
      answer = {};
    }
    const next = typeof answer.view === 'object' && answer.view !== null ? (answer.view as Json) : undefined;
    switch (answer.response_action) {
      case 'errors':
        setViewErrors(ws, view, (answer.errors as Record<string, string>) ?? {});
        break;
      case 'update':
        if (next) replaceTopModal(ws, view.user, next);
        break;
      case 'push':
        if (next) pushModal(ws, view.user, next);
        break;
      case 'clear':
        clearModals(ws, view.user);
        break;
      default:
        closeTopModal(ws, view.user);
    }
    return answer;
  }

  /** Submit the user's top modal with `values` keyed by action_id or block_id (others keep initial values). */
  async function submitModal(
    values: Record<string, unknown>,
    opts: { user?: string } = {},
  ): Promise<DriverResult & { answer?: Json }> {
    const user = opts.user ?? defaultUser();
    const view = topModal(ws, user);
    if (!view) throw new Error(`${user} has no open modal`);
    const state = viewState(view.view.blocks, values);
    const result = await sendPayload('view_submission', user, {
      type: 'view_submission',
      team: team(),
      user: userJson(user),
      api_app_id: ws.bot.appId,
      token: VERIFICATION_TOKEN,
      trigger_id: issueTrigger(ws, user),
      view: { ...viewJson(ws, view), state: { values: state } },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    const answer = applySubmissionAck(view, result);
    return { ...result, ...(answer ? { answer } : {}) };
  }

  /** Cancel the top modal; the bot hears view_closed only if the view asked (notify_on_close). */
  async function closeModal(opts: { user?: string } = {}): Promise<DriverResult | undefined> {
    const user = opts.user ?? defaultUser();
    const view = topModal(ws, user);
    if (!view) return undefined;
    closeTopModal(ws, user);
    if (view.view.notify_on_close !== true) return undefined;
    return sendPayload('view_closed', user, {
      type: 'view_closed',
      team: team(),
      user: userJson(user),
      api_app_id: ws.bot.appId,
      token: VERIFICATION_TOKEN,
      view: viewJson(ws, view),
      is_cleared: false,
    });
  }

  /**
   * An Events API callback, as Slack delivers it over HTTP. `redelivery` sends it again the way Slack
   * retries an event the bot did not ack in time: same event_id, with X-Slack-Retry-Num and -Reason.
   */
  function sendEvent(
    event: Json,
    user: string,
    redelivery?: { eventId: string; retryNum: number; reason?: 'http_timeout' | 'http_error' },
  ): Promise<DriverResult> {
    const envelope = {
      token: VERIFICATION_TOKEN,
      team_id: ws.team.id,
      api_app_id: ws.bot.appId,
      event: { ...event, event_ts: String(wall() / 1000) },
      type: 'event_callback',
      event_id: redelivery?.eventId ?? newId(ws, 'Ev'),
      event_time: Math.floor(wall() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: ws.team.id,
          user_id: ws.bot.userId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
    };
    const retryHeaders: Record<string, string> = redelivery
      ? {
          'x-slack-retry-num': String(redelivery.retryNum),
          'x-slack-retry-reason': redelivery.reason ?? 'http_timeout',
        }
      : {};
    return send(String(event.type), user, JSON.stringify(envelope), 'application/json', retryHeaders);
  }

  function openHome(user: string = defaultUser()): Promise<DriverResult> {
    const home = ws.homes.get(user);
    return sendEvent(
      {
        type: 'app_home_opened',
        user,
        channel: `D${user.replace(/^U/, '')}`,
        tab: 'home',
        ...(home ? { view: viewJson(ws, home) } : {}),
      },
      user,
    );
  }

  return {
    sendSlashCommand,
    clickButton,
    selectOption,
    selectOverflow: selectOption,
    submitModal,
    closeModal,
    openHome,
    sendEvent,
  };
}

export type Drivers = ReturnType<typeof createDrivers>;
