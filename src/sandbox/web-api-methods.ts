/**
 * The Slack Web API methods the bot uses, on the sandbox workspace, answering in Slack's shapes:
 * `{ ok: true, ... }` or `{ ok: false, error: 'channel_not_found' }`. Blocks and views are checked with
 * the bot's own Block Kit validator so a post Slack would refuse (`invalid_blocks`) is refused here too.
 */

import { PIPELINE_TIME_ZONE } from '../jobs/time.js';
import { validateMessage, validateView } from '../views/validate.js';
import { type Args, bool, INVALID_JSON, jsonArg, str } from './http-util.js';
import {
  consumeTrigger,
  deleteMessage,
  findChannel,
  findMessage,
  history,
  type Json,
  openModal,
  postEphemeral,
  postMessage,
  publishHome,
  pushModal,
  replies,
  reserveFile,
  type SandboxFile,
  type SandboxMessage,
  type SandboxView,
  shareFiles,
  threadSummary,
  updateMessage,
  updateView,
  type Workspace,
} from './state.js';

/** The largest file the sandbox takes (Slack takes up to 1 GB; the bot uploads small charts). */
export const MAX_UPLOAD_BYTES = 5_000_000;

export type ApiError = { ok: false; error: string; [k: string]: unknown };
export type ApiResult = { ok: true; [k: string]: unknown } | ApiError;

export interface MethodContext {
  readonly ws: Workspace;
  /** The sandbox's own base URL, for permalinks. */
  readonly baseUrl: string;
}

type Method = (ctx: MethodContext, args: Args) => ApiResult;

const fail = (error: string, extra: Record<string, unknown> = {}): ApiError => ({
  ok: false,
  error,
  ...extra,
});

/** A file as Slack's files.* methods and messages describe it; its bytes are served at `filePath`. */
export function fileJson(f: SandboxFile, baseUrl = ''): Json {
  const filetype = f.filename.includes('.') ? (f.filename.split('.').pop() ?? '').toLowerCase() : '';
  return {
    id: f.id,
    created: Math.floor(f.createdAt / 1000),
    name: f.filename,
    title: f.title ?? f.filename,
    mimetype: MIME_TYPES[filetype] ?? 'application/octet-stream',
    filetype,
    user: f.user,
    size: f.bytes?.length ?? f.length,
    ...(f.altText ? { alt_txt: f.altText } : {}),
    url_private: `${baseUrl}${filePath(f)}`,
    channels: [...new Set(f.shares.map((s) => s.channel))],
    shares: f.shares,
  };
}

export const MIME_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
};

/** Where the sandbox serves a file's bytes (src/sandbox/server.ts). */
export const filePath = (f: Pick<SandboxFile, 'id' | 'filename'>) =>
  `/files/${f.id}/${encodeURIComponent(f.filename)}`;

/** Where the bot POSTs a reserved file's bytes, as Slack's upload_url (src/sandbox/server.ts). */
export const uploadPath = (id: string) => `/upload/${id}`;

export function messageJson(ws: Workspace, m: SandboxMessage, withMetadata: boolean, baseUrl = ''): Json {
  const summary =
    m.threadTs === undefined || m.threadTs === m.ts ? threadSummary(ws, m.channel, m.ts) : undefined;
  return {
    type: 'message',
    ...(m.broadcast ? { subtype: 'thread_broadcast' } : {}),
    ts: m.ts,
    user: m.user,
    ...(m.botId ? { bot_id: m.botId, app_id: ws.bot.appId } : {}),
    text: m.text,
    ...(m.blocks ? { blocks: m.blocks } : {}),
    team: ws.team.id,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(summary && summary.replyCount > 0
      ? {
          thread_ts: m.ts,
          reply_count: summary.replyCount,
          reply_users_count: summary.replyUsers.length,
          reply_users: summary.replyUsers,
          latest_reply: summary.latestReply,
        }
      : {}),
    ...(m.edited ? { edited: m.edited } : {}),
    ...(m.files?.length
      ? {
          upload: true,
          files: m.files.flatMap((id) => {
            const file = ws.files.get(id);
            return file ? [fileJson(file, baseUrl)] : [];
          }),
        }
      : {}),
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}

export function viewJson(ws: Workspace, v: SandboxView): Json {
  return {
    id: v.id,
    team_id: ws.team.id,
    type: v.type,
    blocks: [],
    private_metadata: '',
    callback_id: '',
    state: { values: {} },
    close: null,
    submit: null,
    clear_on_close: false,
    notify_on_close: false,
    external_id: v.externalId ?? '',
    ...v.view,
    hash: v.hash,
    previous_view_id: v.previousViewId ?? null,
    root_view_id: v.rootViewId,
    app_id: ws.bot.appId,
    app_installed_team_id: ws.team.id,
    bot_id: ws.bot.botId,
  };
}

/** Text and blocks of a message argument set; an error code when Slack would refuse them. */
export function readMessageContent(args: Args): { text: string; blocks?: unknown[] } | ApiError {
  const text = str(args.text) ?? '';
  let blocks: unknown[] | undefined;
  if (args.blocks !== undefined && args.blocks !== '') {
    const parsed = jsonArg(args.blocks);
    if (parsed === INVALID_JSON || !Array.isArray(parsed)) return fail('invalid_blocks_format');
    blocks = parsed;
  }
  if (text === '' && (!blocks || blocks.length === 0)) return fail('no_text');
  if (blocks) {
    // A missing text fallback is a warning at Slack, not an error: check only the blocks then.
    const problems = validateMessage({ text: text === '' ? '-' : text, blocks });
    if (problems.length) return fail('invalid_blocks', { errors: problems });
  } else if (text.length > 40_000) return fail('msg_too_long');
  return { text, ...(blocks ? { blocks } : {}) };
}

const isError = (x: unknown): x is ApiError =>
  typeof x === 'object' && x !== null && (x as { ok?: unknown }).ok === false;

function channelArg(ctx: MethodContext, args: Args) {
  const id = str(args.channel);
  if (!id) return fail('channel_not_found');
  return findChannel(ctx.ws, id) ?? fail('channel_not_found');
}

function readView(args: Args, type?: 'home' | 'modal'): Json | ApiError {
  const view = jsonArg(args.view);
  if (view === undefined)
    return fail('invalid_arguments', { response_metadata: { messages: ['view required'] } });
  if (view === INVALID_JSON || typeof view !== 'object' || view === null) return fail('invalid_arguments');
  const problems = validateView(view);
  if (type && (view as Json).type !== type) problems.push(`view: type must be ${type}`);
  if (problems.length) return fail('invalid_arguments', { response_metadata: { messages: problems } });
  return view as Json;
}

const viewResult = (ctx: MethodContext, result: SandboxView | string): ApiResult =>
  typeof result === 'string' ? fail(result) : { ok: true, view: viewJson(ctx.ws, result) };

function triggerUser(ctx: MethodContext, args: Args): string | ApiError {
  const triggerId = str(args.trigger_id) ?? str(args.interactivity_pointer);
  if (!triggerId)
    return fail('invalid_arguments', { response_metadata: { messages: ['trigger_id required'] } });
  const consumed = consumeTrigger(ctx.ws, triggerId);
  return typeof consumed === 'string' ? fail(consumed) : consumed.user;
}

/** conversations.history/replies share Slack's oldest/latest/inclusive window (exclusive by default). */
function inWindow(args: Args) {
  const oldest = Number(str(args.oldest) ?? '0');
  const latest = args.latest === undefined ? Number.POSITIVE_INFINITY : Number(str(args.latest));
  const inclusive = bool(args.inclusive);
  return (m: SandboxMessage) => {
    const ts = Number(m.ts);
    return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
  };
}

function page<T>(items: T[], args: Args, max: number) {
  const limit = Math.min(Math.max(Number(str(args.limit) ?? '100') || 100, 1), max);
  const start =
    Number(
      Buffer.from(str(args.cursor) ?? '', 'base64')
        .toString('utf8')
        .replace('offset:', ''),
    ) || 0;
  const slice = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    slice,
    has_more: more,
    response_metadata: { next_cursor: more ? Buffer.from(`offset:${start + limit}`).toString('base64') : '' },
  };
}

export const METHODS: Readonly<Record<string, Method>> = {
  'api.test': (_ctx, args) => ({ ok: true, args }),

  'auth.test': ({ ws, baseUrl }) => ({
    ok: true,
    url: `${baseUrl}/`,
    team: ws.team.name,
    user: ws.bot.name,
    team_id: ws.team.id,
    user_id: ws.bot.userId,
    bot_id: ws.bot.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const content = readMessageContent(args);
    if (isError(content)) return content;
    const replyTo = str(args.thread_ts) || undefined;
    const parent = replyTo ? findMessage(ctx.ws, channel.id, replyTo) : undefined;
    if (replyTo && !parent) return fail('thread_not_found');
    // Replying to a reply lands in the same thread, under its parent (as in Slack).
    const threadTs = parent ? (parent.threadTs ?? parent.ts) : undefined;
    const metadata = jsonArg(args.metadata);
    const message = postMessage(ctx.ws, {
      channel: channel.id,
      user: ctx.ws.bot.userId,
      botId: ctx.ws.bot.botId,
      ...content,
      ...(threadTs ? { threadTs } : {}),
      // "Also send to channel": the reply shows in the channel too (subtype thread_broadcast).
      ...(threadTs && bool(args.reply_broadcast) ? { broadcast: true } : {}),
      ...(metadata && typeof metadata === 'object' ? { metadata: metadata as Json } : {}),
    });
    return { ok: true, channel: channel.id, ts: message.ts, message: messageJson(ctx.ws, message, false) };
  },

  'chat.update': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const ts = str(args.ts) ?? '';
    const existing = findMessage(ctx.ws, channel.id, ts);
    if (!existing) return fail('message_not_found');
    if (existing.user !== ctx.ws.bot.userId) return fail('cant_update_message');
    const content = readMessageContent({ text: args.text ?? existing.text, blocks: args.blocks });
    if (isError(content)) return content;
    const updated = updateMessage(ctx.ws, channel.id, ts, content, ctx.ws.bot.userId);
    if (!updated) return fail('message_not_found');
    return {
      ok: true,
      channel: channel.id,
      ts,
      text: updated.text,
      message: messageJson(ctx.ws, updated, false),
    };
  },

  'chat.delete': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const ts = str(args.ts) ?? '';
    const existing = findMessage(ctx.ws, channel.id, ts);
    if (!existing) return fail('message_not_found');
    if (existing.user !== ctx.ws.bot.userId) return fail('cant_delete_message');
    deleteMessage(ctx.ws, channel.id, ts);
    return { ok: true, channel: channel.id, ts };
  },

  'chat.postEphemeral': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const user = str(args.user) ?? '';
    if (!ctx.ws.users.has(user)) return fail('user_not_found');
    const content = readMessageContent(args);
    if (isError(content)) return content;
    const threadTs = str(args.thread_ts) || undefined;
    const message = postEphemeral(ctx.ws, {
      channel: channel.id,
      user,
      ...content,
      ...(threadTs ? { threadTs } : {}),
    });
    return { ok: true, message_ts: message.ts };
  },

  'chat.getPermalink': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const ts = str(args.message_ts) ?? '';
    if (!findMessage(ctx.ws, channel.id, ts)) return fail('message_not_found');
    return { ok: true, channel: channel.id, permalink: permalink(ctx.baseUrl, channel.id, ts) };
  },

  'conversations.history': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const withMetadata = bool(args.include_all_metadata);
    const found = history(ctx.ws, channel.id).filter(inWindow(args));
    const { slice, ...rest } = page(found, args, 999);
    return {
      ok: true,
      messages: slice.map((m) => messageJson(ctx.ws, m, withMetadata)),
      pin_count: 0,
      ...rest,
    };
  },

  'conversations.replies': (ctx, args) => {
    const channel = channelArg(ctx, args);
    if (isError(channel)) return channel;
    const thread = replies(ctx.ws, channel.id, str(args.ts) ?? '');
    if (thread.length === 0) return fail('thread_not_found');
    const withMetadata = bool(args.include_all_metadata);
    const [parent, ...rest] = thread;
    const keep = inWindow(args);
    const found = [...(parent ? [parent] : []), ...rest.filter(keep)];
    const { slice, ...paging } = page(found, args, 1000);
    return { ok: true, messages: slice.map((m) => messageJson(ctx.ws, m, withMetadata)), ...paging };
  },

  // Slack's external upload flow (what WebClient.filesUploadV2 calls): reserve a file and get a URL for its
  // bytes, POST them there (src/sandbox/server.ts), then share the file in a channel or thread.
  'files.getUploadURLExternal': (ctx, args) => {
    const filename = str(args.filename) ?? '';
    const length = Number(str(args.length) ?? '');
    if (filename === '' || !Number.isInteger(length) || length <= 0) return fail('missing_argument');
    if (length > MAX_UPLOAD_BYTES) return fail('file_upload_size_restricted');
    // Slack documents the argument as alt_txt; the Node client sends alt_text. Both are taken.
    const altText = str(args.alt_txt) ?? str(args.alt_text);
    if (altText !== undefined && altText.length > 1000) return fail('alt_txt_too_large');
    const file = reserveFile(ctx.ws, {
      filename,
      length,
      ...(altText ? { altText } : {}),
      user: ctx.ws.bot.userId,
    });
    return { ok: true, upload_url: `${ctx.baseUrl}${uploadPath(file.id)}`, file_id: file.id };
  },

  'files.completeUploadExternal': (ctx, args) => {
    const files = jsonArg(args.files);
    if (!Array.isArray(files) || files.length === 0) return fail('invalid_arguments');
    const list = files.map((f) => ({ id: str((f as Json)?.id) ?? '', title: str((f as Json)?.title) }));
    const channelId = str(args.channel_id);
    // Without a channel Slack keeps the file private to the uploader: nothing is posted.
    if (!channelId) {
      const missing = list.find((f) => !ctx.ws.files.get(f.id)?.bytes);
      if (missing) return fail('file_not_found');
      return {
        ok: true,
        files: list.map((f) => fileJson(ctx.ws.files.get(f.id) as SandboxFile, ctx.baseUrl)),
      };
    }
    const channel = findChannel(ctx.ws, channelId);
    if (!channel) return fail('channel_not_found');
    const replyTo = str(args.thread_ts) || undefined;
    const parent = replyTo ? findMessage(ctx.ws, channel.id, replyTo) : undefined;
    if (replyTo && !parent) return fail('thread_not_found');
    const comment = str(args.initial_comment);
    const shared = shareFiles(ctx.ws, {
      files: list.map((f) => ({ id: f.id, ...(f.title ? { title: f.title } : {}) })),
      channel: channel.id,
      ...(parent ? { threadTs: parent.threadTs ?? parent.ts } : {}),
      ...(comment ? { comment } : {}),
      user: ctx.ws.bot.userId,
      botId: ctx.ws.bot.botId,
    });
    if (typeof shared === 'string')
      return fail(shared === 'already_shared' ? 'file_already_shared' : 'file_not_found');
    return { ok: true, files: list.map((f) => fileJson(ctx.ws.files.get(f.id) as SandboxFile, ctx.baseUrl)) };
  },

  'files.info': (ctx, args) => {
    const file = ctx.ws.files.get(str(args.file) ?? '');
    if (!file) return fail('file_not_found');
    return { ok: true, file: fileJson(file, ctx.baseUrl) };
  },

  'users.info': (ctx, args) => {
    const user = ctx.ws.users.get(str(args.user) ?? '');
    if (!user) return fail('user_not_found');
    return {
      ok: true,
      user: {
        id: user.id,
        team_id: ctx.ws.team.id,
        name: user.name,
        real_name: user.realName,
        deleted: false,
        is_bot: user.isBot ?? false,
        is_admin: false,
        tz: PIPELINE_TIME_ZONE,
        profile: { real_name: user.realName, display_name: user.name, real_name_normalized: user.realName },
      },
    };
  },

  'usergroups.users.list': (ctx, args) => {
    const group = ctx.ws.usergroups.get(str(args.usergroup) ?? '');
    if (!group) return fail('no_such_subgroup');
    return { ok: true, users: [...group.users] };
  },

  'views.publish': (ctx, args) => {
    const user = str(args.user_id) ?? '';
    if (!ctx.ws.users.has(user)) return fail('user_not_found');
    const view = readView(args, 'home');
    if (isError(view)) return view;
    return viewResult(ctx, publishHome(ctx.ws, user, view as Json, str(args.hash) || undefined));
  },

  'views.open': (ctx, args) => {
    const view = readView(args, 'modal');
    if (isError(view)) return view;
    const user = triggerUser(ctx, args);
    if (typeof user !== 'string') return user;
    return viewResult(ctx, openModal(ctx.ws, user, view as Json));
  },

  'views.push': (ctx, args) => {
    const view = readView(args, 'modal');
    if (isError(view)) return view;
    const user = triggerUser(ctx, args);
    if (typeof user !== 'string') return user;
    return viewResult(ctx, pushModal(ctx.ws, user, view as Json));
  },

  'views.update': (ctx, args) => {
    const view = readView(args);
    if (isError(view)) return view;
    const viewId = str(args.view_id);
    const externalId = str(args.external_id);
    if (!viewId && !externalId) return fail('invalid_arguments');
    const ref = viewId ? { viewId } : { externalId: externalId as string };
    return viewResult(ctx, updateView(ctx.ws, ref, view as Json, str(args.hash) || undefined));
  },
};

/** The page shows the message at /archives/C…/p<ts without the dot>, like Slack's permalinks. */
export function permalink(baseUrl: string, channel: string, ts: string): string {
  return `${baseUrl}/archives/${channel}/p${ts.replace('.', '')}`;
}
