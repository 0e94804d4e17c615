/**
 * In-memory state of the local Slack workspace: channels, messages and threads, ephemeral messages,
 * App Home and modal views, uploaded files, users and a user group, plus an event log the page follows live.
 * Plain data and functions; the Web API, the drivers and the page all go through these functions so the
 * event log sees every change.
 */

/** Block Kit JSON as received: untrusted, walked defensively by whoever reads it. */
export type Json = Record<string, unknown>;

export interface SandboxUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  readonly isBot?: boolean;
}

export interface SandboxChannel {
  readonly id: string;
  readonly name: string;
}

export interface SandboxUsergroup {
  readonly id: string;
  readonly handle: string;
  readonly name: string;
  readonly users: readonly string[];
}

export interface SandboxMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs?: string;
  /** A reply also sent to the channel (`reply_broadcast`): listed in the channel's history too. */
  readonly broadcast?: boolean;
  readonly user: string;
  readonly botId?: string;
  text: string;
  blocks?: unknown[];
  metadata?: Json;
  edited?: { user: string; ts: string };
  /** Files shared with the message (files.completeUploadExternal), by id in `Workspace.files`. */
  readonly files?: readonly string[];
}

/**
 * A file from Slack's external upload flow: reserved by files.getUploadURLExternal (name, announced length,
 * alt text), its bytes POSTed to the upload URL, then shared by files.completeUploadExternal.
 */
export interface SandboxFile {
  readonly id: string;
  readonly filename: string;
  /** The length announced when the upload URL was asked for; the bytes must match it. */
  readonly length: number;
  readonly altText?: string;
  readonly user: string;
  readonly createdAt: number;
  bytes?: Buffer;
  title?: string;
  /** Where it was shared: the message that carries it. */
  shares: { channel: string; ts: string }[];
}

export interface EphemeralMessage {
  readonly channel: string;
  readonly ts: string;
  /** The one user who sees it. */
  readonly user: string;
  readonly threadTs?: string;
  text: string;
  blocks?: unknown[];
}

export interface SandboxView {
  readonly id: string;
  readonly user: string;
  readonly type: 'modal' | 'home';
  hash: string;
  view: Json;
  readonly rootViewId: string;
  previousViewId?: string;
  externalId?: string;
  /** Input errors from the bot's last `response_action: 'errors'`, by block id (shown under the inputs). */
  errors?: Record<string, string>;
}

export type SandboxEvent =
  | { type: 'message'; channel: string; ts: string; threadTs?: string }
  | { type: 'message_changed'; channel: string; ts: string; threadTs?: string }
  | { type: 'message_deleted'; channel: string; ts: string }
  | { type: 'ephemeral'; channel: string; ts: string; user: string }
  | { type: 'home'; user: string; viewId: string }
  | { type: 'modal'; user: string; viewId?: string; action: 'open' | 'push' | 'update' | 'close' | 'clear' }
  | { type: 'outgoing'; kind: string; user: string; summary: string; status?: number };

export type LoggedEvent = SandboxEvent & { readonly seq: number; readonly at: number };

export interface Trigger {
  readonly user: string;
  readonly expiresAt: number;
  used: boolean;
}

/** Where a response_url sends what the bot POSTs to it. */
export interface ResponseTarget {
  readonly channel: string;
  readonly user: string;
  /** The message the interaction came from (replace_original / delete_original act on it). */
  readonly messageTs?: string;
  readonly ephemeral?: boolean;
  readonly threadTs?: string;
  readonly createdAt: number;
  uses: number;
}

export interface Workspace {
  readonly team: { readonly id: string; readonly domain: string; readonly name: string };
  readonly bot: {
    readonly userId: string;
    readonly botId: string;
    readonly appId: string;
    readonly name: string;
  };
  readonly users: Map<string, SandboxUser>;
  readonly channels: Map<string, SandboxChannel>;
  readonly usergroups: Map<string, SandboxUsergroup>;
  /** Per channel, every message (top level and replies) in ts order. */
  readonly messages: Map<string, SandboxMessage[]>;
  readonly ephemerals: EphemeralMessage[];
  readonly files: Map<string, SandboxFile>;
  readonly homes: Map<string, SandboxView>;
  /** Per user, the open modal stack, bottom first. */
  readonly modals: Map<string, SandboxView[]>;
  readonly triggers: Map<string, Trigger>;
  readonly responseUrls: Map<string, ResponseTarget>;
  readonly log: LoggedEvent[];
  readonly listeners: Set<(event: LoggedEvent) => void>;
  readonly now: () => number;
  readonly logLimit: number;
  seq: number;
  lastTsMicros: number;
  idCounter: number;
}

export interface WorkspaceOptions {
  readonly users?: readonly SandboxUser[];
  readonly channels?: readonly SandboxChannel[];
  readonly usergroups?: readonly SandboxUsergroup[];
  /** Wall clock for ts values and trigger expiry (real time: Slack's ts are real, and so are Bolt's checks). */
  readonly now?: () => number;
  /** Events kept for late SSE subscribers; older ones are dropped to bound memory. */
  readonly logLimit?: number;
}

/** One operator (in the on-call group) and one non-operator, so authorization can be seen working. */
export const DEFAULT_USERS: readonly SandboxUser[] = [
  { id: 'U01ALICE', name: 'alice', realName: 'Alice Operator' },
  { id: 'U02BOB', name: 'bob', realName: 'Bob Viewer' },
];
export const DEFAULT_CHANNELS: readonly SandboxChannel[] = [
  { id: 'C01ALERTS', name: 'pipeline-alerts' },
  { id: 'C02GENERAL', name: 'general' },
];
export const DEFAULT_USERGROUPS: readonly SandboxUsergroup[] = [
  { id: 'S01ONCALL', handle: 'pipeline-oncall', name: 'Pipeline on-call', users: ['U01ALICE'] },
];
export const BOT = { userId: 'U0BOT', botId: 'B0BOT', appId: 'A0SHOTCLOCK', name: 'shotclock' } as const;

export function createWorkspace(options: WorkspaceOptions = {}): Workspace {
  const users = options.users ?? DEFAULT_USERS;
  const botUser: SandboxUser = { id: BOT.userId, name: BOT.name, realName: BOT.name, isBot: true };
  const ws: Workspace = {
    team: { id: 'T0SANDBOX', domain: 'sandbox', name: 'Sandbox' },
    bot: BOT,
    users: new Map([...users, botUser].map((u) => [u.id, u])),
    channels: new Map((options.channels ?? DEFAULT_CHANNELS).map((c) => [c.id, c])),
    usergroups: new Map((options.usergroups ?? DEFAULT_USERGROUPS).map((g) => [g.id, g])),
    messages: new Map(),
    ephemerals: [],
    files: new Map(),
    homes: new Map(),
    modals: new Map(),
    triggers: new Map(),
    responseUrls: new Map(),
    log: [],
    listeners: new Set(),
    now: options.now ?? Date.now,
    logLimit: options.logLimit ?? 2000,
    seq: 0,
    lastTsMicros: 0,
    idCounter: 0,
  };
  return ws;
}

/** Slack ts: seconds.micros, unique and increasing within the workspace. */
export function nextTs(ws: Workspace): string {
  const micros = Math.max(ws.now() * 1000, ws.lastTsMicros + 1);
  ws.lastTsMicros = micros;
  const sec = Math.floor(micros / 1e6);
  return `${sec}.${String(micros % 1e6).padStart(6, '0')}`;
}

export function newId(ws: Workspace, prefix: string): string {
  ws.idCounter += 1;
  return `${prefix}${ws.idCounter.toString(36).toUpperCase().padStart(6, '0')}`;
}

export function emit(ws: Workspace, event: SandboxEvent): LoggedEvent {
  ws.seq += 1;
  const logged = { ...event, seq: ws.seq, at: ws.now() } as LoggedEvent;
  ws.log.push(logged);
  if (ws.log.length > ws.logLimit) ws.log.splice(0, ws.log.length - ws.logLimit);
  for (const listener of ws.listeners) listener(logged);
  return logged;
}

export function subscribe(ws: Workspace, listener: (event: LoggedEvent) => void): () => void {
  ws.listeners.add(listener);
  return () => ws.listeners.delete(listener);
}

export function eventsSince(ws: Workspace, seq: number): LoggedEvent[] {
  return ws.log.filter((e) => e.seq > seq);
}

/** A channel by id, by name, or by `#name` (chat.postMessage accepts all three). */
export function findChannel(ws: Workspace, idOrName: string): SandboxChannel | undefined {
  const byId = ws.channels.get(idOrName);
  if (byId) return byId;
  const name = idOrName.replace(/^#/, '');
  return [...ws.channels.values()].find((c) => c.name === name);
}

export function channelMessages(ws: Workspace, channel: string): SandboxMessage[] {
  let list = ws.messages.get(channel);
  if (!list) {
    list = [];
    ws.messages.set(channel, list);
  }
  return list;
}

export function findMessage(ws: Workspace, channel: string, ts: string): SandboxMessage | undefined {
  return ws.messages.get(channel)?.find((m) => m.ts === ts);
}

export interface NewMessage {
  readonly channel: string;
  readonly user: string;
  readonly botId?: string;
  readonly text: string;
  readonly blocks?: unknown[];
  readonly threadTs?: string;
  readonly broadcast?: boolean;
  readonly metadata?: Json;
  readonly files?: readonly string[];
}

export function postMessage(ws: Workspace, input: NewMessage): SandboxMessage {
  const message: SandboxMessage = { ...input, ts: nextTs(ws) };
  channelMessages(ws, input.channel).push(message);
  emit(ws, {
    type: 'message',
    channel: input.channel,
    ts: message.ts,
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
  });
  return message;
}

export function updateMessage(
  ws: Workspace,
  channel: string,
  ts: string,
  change: { text?: string; blocks?: unknown[] },
  editor: string,
): SandboxMessage | undefined {
  const message = findMessage(ws, channel, ts);
  if (!message) return undefined;
  if (change.text !== undefined) message.text = change.text;
  if (change.blocks !== undefined) message.blocks = change.blocks;
  message.edited = { user: editor, ts: nextTs(ws) };
  emit(ws, {
    type: 'message_changed',
    channel,
    ts,
    ...(message.threadTs ? { threadTs: message.threadTs } : {}),
  });
  return message;
}

export function deleteMessage(ws: Workspace, channel: string, ts: string): boolean {
  const list = ws.messages.get(channel);
  const index = list?.findIndex((m) => m.ts === ts) ?? -1;
  if (!list || index < 0) return false;
  list.splice(index, 1);
  emit(ws, { type: 'message_deleted', channel, ts });
  return true;
}

const isTopLevel = (m: SandboxMessage) => m.threadTs === undefined || m.threadTs === m.ts;
/** What the channel shows: top-level messages and replies broadcast to it ("Also send to channel"). */
const inChannel = (m: SandboxMessage) => isTopLevel(m) || m.broadcast === true;

export interface ThreadSummary {
  readonly replyCount: number;
  readonly latestReply?: string;
  readonly replyUsers: readonly string[];
}

export function threadSummary(ws: Workspace, channel: string, ts: string): ThreadSummary {
  const replies = (ws.messages.get(channel) ?? []).filter((m) => m.threadTs === ts && m.ts !== ts);
  return {
    replyCount: replies.length,
    ...(replies.length ? { latestReply: replies[replies.length - 1]?.ts } : {}),
    replyUsers: [...new Set(replies.map((r) => r.user))],
  };
}

/** Every thread of a channel summarized in one pass (the page shows many parents at once). */
export function threadSummaries(ws: Workspace, channel: string): Map<string, ThreadSummary> {
  const out = new Map<string, { replyCount: number; latestReply?: string; replyUsers: string[] }>();
  for (const m of ws.messages.get(channel) ?? []) {
    if (m.threadTs === undefined || m.threadTs === m.ts) continue;
    const entry = out.get(m.threadTs) ?? { replyCount: 0, replyUsers: [] };
    entry.replyCount += 1;
    entry.latestReply = m.ts;
    if (!entry.replyUsers.includes(m.user)) entry.replyUsers.push(m.user);
    out.set(m.threadTs, entry);
  }
  return out;
}

/** Top-level messages and broadcast replies, newest first (conversations.history's order). */
export function history(ws: Workspace, channel: string): SandboxMessage[] {
  return (ws.messages.get(channel) ?? []).filter(inChannel).reverse();
}

/** A thread's parent and replies, oldest first; empty when `ts` is not a message of the channel. */
export function replies(ws: Workspace, channel: string, ts: string): SandboxMessage[] {
  const list = ws.messages.get(channel) ?? [];
  const parent = list.find((m) => m.ts === ts);
  if (!parent) return [];
  const root = parent.threadTs ?? parent.ts;
  return list.filter((m) => m.ts === root || m.threadTs === root);
}

export function postEphemeral(
  ws: Workspace,
  input: { channel: string; user: string; text: string; blocks?: unknown[]; threadTs?: string },
): EphemeralMessage {
  const message: EphemeralMessage = { ...input, ts: nextTs(ws) };
  ws.ephemerals.push(message);
  emit(ws, { type: 'ephemeral', channel: input.channel, ts: message.ts, user: input.user });
  return message;
}

export function findEphemeral(ws: Workspace, ts: string): EphemeralMessage | undefined {
  return ws.ephemerals.find((m) => m.ts === ts);
}

export function ephemeralsFor(ws: Workspace, user: string, channel: string): EphemeralMessage[] {
  return ws.ephemerals.filter((m) => m.user === user && m.channel === channel);
}

export function replaceEphemeral(
  ws: Workspace,
  ts: string,
  change: { text: string; blocks?: unknown[] } | 'delete',
): boolean {
  const index = ws.ephemerals.findIndex((m) => m.ts === ts);
  const message = ws.ephemerals[index];
  if (!message) return false;
  if (change === 'delete') ws.ephemerals.splice(index, 1);
  else {
    message.text = change.text;
    message.blocks = change.blocks;
  }
  emit(ws, { type: 'ephemeral', channel: message.channel, ts, user: message.user });
  return true;
}

// ---- files -------------------------------------------------------------------------------------------

/** Reserve a file for an upload (files.getUploadURLExternal): its bytes come later, to the upload URL. */
export function reserveFile(
  ws: Workspace,
  input: { filename: string; length: number; altText?: string; user: string },
): SandboxFile {
  const file: SandboxFile = { ...input, id: newId(ws, 'F'), createdAt: ws.now(), shares: [] };
  ws.files.set(file.id, file);
  return file;
}

export type UploadError = 'file_not_found' | 'already_uploaded' | 'length_mismatch';

/** The upload URL received the file's bytes: they must be as long as announced, and come once. */
export function receiveFileBytes(ws: Workspace, id: string, bytes: Buffer): SandboxFile | UploadError {
  const file = ws.files.get(id);
  if (!file) return 'file_not_found';
  if (file.bytes) return 'already_uploaded';
  if (bytes.length !== file.length) return 'length_mismatch';
  file.bytes = bytes;
  return file;
}

export type ShareError = 'file_not_found' | 'file_not_uploaded' | 'already_shared';

/**
 * Share uploaded files (files.completeUploadExternal): one message by the uploader in the channel, or in the
 * thread, carrying the files under the optional comment. Every file must be uploaded and not shared yet.
 */
export function shareFiles(
  ws: Workspace,
  input: {
    files: readonly { id: string; title?: string }[];
    channel: string;
    threadTs?: string;
    comment?: string;
    user: string;
    botId?: string;
  },
): SandboxMessage | ShareError {
  for (const { id } of input.files) {
    const file = ws.files.get(id);
    if (!file) return 'file_not_found';
    if (!file.bytes) return 'file_not_uploaded';
    if (file.shares.length > 0) return 'already_shared';
  }
  const message = postMessage(ws, {
    channel: input.channel,
    user: input.user,
    ...(input.botId ? { botId: input.botId } : {}),
    text: input.comment ?? '',
    ...(input.threadTs ? { threadTs: input.threadTs } : {}),
    files: input.files.map((f) => f.id),
  });
  for (const { id, title } of input.files) {
    const file = ws.files.get(id) as SandboxFile;
    if (title) file.title = title;
    file.shares.push({ channel: input.channel, ts: message.ts });
  }
  return message;
}

// ---- views -------------------------------------------------------------------------------------------

function newHash(ws: Workspace): string {
  return `${Math.floor(ws.now() / 1000)}.${newId(ws, 'h')}`;
}

export type ViewError = 'hash_conflict' | 'not_found' | 'view_not_found' | 'push_limit_reached';

export function publishHome(ws: Workspace, user: string, view: Json, hash?: string): SandboxView | ViewError {
  const current = ws.homes.get(user);
  if (hash !== undefined && current && current.hash !== hash) return 'hash_conflict';
  const id = current?.id ?? newId(ws, 'V');
  const home: SandboxView = { id, user, type: 'home', hash: newHash(ws), view, rootViewId: id };
  ws.homes.set(user, home);
  emit(ws, { type: 'home', user, viewId: id });
  return home;
}

export function modalStack(ws: Workspace, user: string): SandboxView[] {
  return ws.modals.get(user) ?? [];
}

export function topModal(ws: Workspace, user: string): SandboxView | undefined {
  const stack = modalStack(ws, user);
  return stack[stack.length - 1];
}

function makeModal(ws: Workspace, user: string, view: Json, root?: SandboxView): SandboxView {
  const id = newId(ws, 'V');
  const externalId = typeof view.external_id === 'string' ? view.external_id : undefined;
  return {
    id,
    user,
    type: 'modal',
    hash: newHash(ws),
    view,
    rootViewId: root?.rootViewId ?? id,
    ...(root ? { previousViewId: root.id } : {}),
    ...(externalId ? { externalId } : {}),
  };
}

/** views.open replaces whatever stack the user had (Slack opens a new root modal). */
export function openModal(ws: Workspace, user: string, view: Json): SandboxView {
  const modal = makeModal(ws, user, view);
  ws.modals.set(user, [modal]);
  emit(ws, { type: 'modal', user, viewId: modal.id, action: 'open' });
  return modal;
}

/** Slack allows at most three modals in a stack. */
export function pushModal(ws: Workspace, user: string, view: Json): SandboxView | ViewError {
  const stack = modalStack(ws, user);
  if (stack.length >= 3) return 'push_limit_reached';
  const modal = makeModal(ws, user, view, stack[stack.length - 1]);
  ws.modals.set(user, [...stack, modal]);
  emit(ws, { type: 'modal', user, viewId: modal.id, action: 'push' });
  return modal;
}

export function findView(
  ws: Workspace,
  ref: { viewId?: string; externalId?: string },
): SandboxView | undefined {
  const all = [...ws.homes.values(), ...[...ws.modals.values()].flat()];
  return all.find((v) =>
    ref.viewId ? v.id === ref.viewId : ref.externalId !== undefined && v.externalId === ref.externalId,
  );
}

export function updateView(
  ws: Workspace,
  ref: { viewId?: string; externalId?: string },
  view: Json,
  hash?: string,
): SandboxView | ViewError {
  const current = findView(ws, ref);
  if (!current) return 'not_found';
  if (hash !== undefined && current.hash !== hash) return 'hash_conflict';
  current.view = view;
  current.hash = newHash(ws);
  current.errors = undefined;
  if (typeof view.external_id === 'string') current.externalId = view.external_id;
  emit(
    ws,
    current.type === 'home'
      ? { type: 'home', user: current.user, viewId: current.id }
      : { type: 'modal', user: current.user, viewId: current.id, action: 'update' },
  );
  return current;
}

/** Replace the top modal in place (view_submission answered with response_action 'update'). */
export function replaceTopModal(ws: Workspace, user: string, view: Json): SandboxView | undefined {
  const top = topModal(ws, user);
  if (!top) return undefined;
  return updateView(ws, { viewId: top.id }, view) as SandboxView;
}

export function closeTopModal(ws: Workspace, user: string): void {
  const stack = modalStack(ws, user);
  const closed = stack.pop();
  if (stack.length === 0) ws.modals.delete(user);
  emit(ws, { type: 'modal', user, ...(closed ? { viewId: closed.id } : {}), action: 'close' });
}

export function setViewErrors(ws: Workspace, view: SandboxView, errors: Record<string, string>): void {
  view.errors = errors;
  emit(ws, { type: 'modal', user: view.user, viewId: view.id, action: 'update' });
}

export function clearModals(ws: Workspace, user: string): void {
  ws.modals.delete(user);
  emit(ws, { type: 'modal', user, action: 'clear' });
}

// ---- triggers and response urls ------------------------------------------------------------------------

/** Slack's trigger_id is good for one views.open within 3 s. */
export const TRIGGER_TTL_MS = 3000;

export function issueTrigger(ws: Workspace, user: string): string {
  const id = `${Math.floor(ws.now() / 1000)}.${newId(ws, 'trig')}`;
  ws.triggers.set(id, { user, expiresAt: ws.now() + TRIGGER_TTL_MS, used: false });
  // Forget triggers long dead so a long demo does not grow the map.
  for (const [key, t] of ws.triggers) if (t.expiresAt < ws.now() - 60_000) ws.triggers.delete(key);
  return id;
}

export function consumeTrigger(
  ws: Workspace,
  id: string,
): { user: string } | 'invalid_trigger_id' | 'expired_trigger_id' {
  const trigger = ws.triggers.get(id);
  if (!trigger) return 'invalid_trigger_id';
  if (trigger.used || trigger.expiresAt < ws.now()) return 'expired_trigger_id';
  trigger.used = true;
  return { user: trigger.user };
}

/** Slack: a response_url takes 5 responses within 30 minutes. */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_TTL_MS = 30 * 60_000;

export function issueResponseUrl(ws: Workspace, target: Omit<ResponseTarget, 'createdAt' | 'uses'>): string {
  const id = newId(ws, 'R');
  ws.responseUrls.set(id, { ...target, createdAt: ws.now(), uses: 0 });
  return id;
}

export function useResponseUrl(
  ws: Workspace,
  id: string,
): ResponseTarget | 'used_url' | 'expired_url' | 'not_found' {
  const target = ws.responseUrls.get(id);
  if (!target) return 'not_found';
  if (ws.now() - target.createdAt > RESPONSE_URL_TTL_MS) return 'expired_url';
  if (target.uses >= RESPONSE_URL_USES) return 'used_url';
  target.uses += 1;
  return target;
}
