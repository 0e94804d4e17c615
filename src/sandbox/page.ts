/**
 * The sandbox page: a channel list, the selected channel's messages and a thread pane, the App Home tab,
 * ephemeral messages, the open modal and a slash-command box. The server renders every fragment (see
 * render.ts, escaped there); the page script only swaps fragments in, follows /events, and posts the
 * user's clicks and commands to /sandbox/act, which goes through the same drivers as the tests.
 */
import { blocks, escapeHtml, mrkdwn, type RenderContext, textObject } from './render.js';
import {
  type EphemeralMessage,
  ephemeralsFor,
  history,
  modalStack,
  replies,
  type SandboxFile,
  type SandboxMessage,
  type ThreadSummary,
  threadSummaries,
  type Workspace,
} from './state.js';
import { filePath } from './web-api-methods.js';

export interface UiQuery {
  readonly user: string;
  /** A channel id, or 'home' for the App Home tab. */
  readonly channel: string;
  /** The thread open in the side pane. */
  readonly thread: string;
  /** A line from the host shown above the channel (e.g. the demo's simulated time); plain text. */
  readonly info?: string;
}

export interface Ui {
  readonly seq: number;
  readonly user: string;
  readonly channel: string;
  readonly users: { id: string; name: string }[];
  readonly sidebar: string;
  readonly main: string;
  readonly title: string;
  readonly thread: string;
  readonly modal: string;
  readonly info: string;
}

/** The newest top-level messages shown; older ones stay in the state (and conversations.history). */
const SHOWN_MESSAGES = 200;

const time = (ts: string) => new Date(Number(ts) * 1000).toISOString().slice(11, 19);

function author(ws: Workspace, user: string): string {
  const u = ws.users.get(user);
  const name = escapeHtml(u?.realName ?? user);
  return u?.isBot ? `${name} <span class="app">APP</span>` : name;
}

function body(ctx: RenderContext, m: { text: string; blocks?: unknown[] }): string {
  return Array.isArray(m.blocks) && m.blocks.length > 0
    ? `<div class="blocks">${blocks(m.blocks, ctx)}</div>`
    : m.text === ''
      ? ''
      : `<div class="text">${mrkdwn(m.text, ctx)}</div>`;
}

/** A shared file under its message: an image shown (its alt text for who can't see it; a click opens it full size), else its name. */
function fileHtml(file: SandboxFile): string {
  const title = escapeHtml(file.title ?? file.filename);
  const href = escapeHtml(filePath(file));
  const image = /\.(png|jpe?g|gif)$/i.test(file.filename);
  const shown = image
    ? `<a href="${href}" target="_blank" rel="noopener"><img class="file-img" src="${href}" alt="${escapeHtml(file.altText ?? file.title ?? file.filename)}" loading="lazy"></a>`
    : `<a href="${href}">${escapeHtml(file.filename)}</a>`;
  return `<figure class="file" data-file="${escapeHtml(file.id)}"><figcaption>${title}</figcaption>${shown}</figure>`;
}

function filesHtml(ctx: RenderContext, m: SandboxMessage): string {
  return (m.files ?? [])
    .flatMap((id) => {
      const file = ctx.ws.files.get(id);
      return file ? [fileHtml(file)] : [];
    })
    .join('');
}

function messageHtml(
  ctx: RenderContext,
  m: SandboxMessage,
  summary?: ThreadSummary,
  inThread = false,
): string {
  const thread =
    summary && summary.replyCount > 0
      ? `<a href="#" class="replies" data-thread="${escapeHtml(m.ts)}">${summary.replyCount} ${summary.replyCount === 1 ? 'reply' : 'replies'}</a>`
      : m.broadcast && m.threadTs
        ? inThread
          ? '<div class="edited">also sent to the channel</div>'
          : `<a href="#" class="replies" data-thread="${escapeHtml(m.threadTs)}">replied to a thread</a>`
        : '';
  const edited = m.edited ? ' <span class="edited">(edited)</span>' : '';
  return `<div class="msg" id="m${escapeHtml(m.ts.replace('.', ''))}" data-target="ts:${escapeHtml(m.ts)}">
<div class="meta"><span class="who">${author(ctx.ws, m.user)}</span> <span class="time">${time(m.ts)} UTC</span>${edited}</div>
${body(ctx, m)}${filesHtml(ctx, m)}${thread}</div>`;
}

function ephemeralHtml(ctx: RenderContext, m: EphemeralMessage): string {
  return `<div class="msg eph" data-target="ts:${escapeHtml(m.ts)}">
<div class="meta"><span class="who">${author(ctx.ws, ctx.ws.bot.userId)}</span> <span class="time">${time(m.ts)} UTC</span> <span class="only">Only visible to you</span></div>
${body(ctx, m)}</div>`;
}

function channelHtml(ctx: RenderContext, channel: string, user: string): string {
  const top = history(ctx.ws, channel).slice(0, SHOWN_MESSAGES).reverse();
  const summaries = threadSummaries(ctx.ws, channel);
  const ephemerals = ephemeralsFor(ctx.ws, user, channel).filter((e) => !e.threadTs);
  const items: { ts: string; html: string }[] = [
    ...top.map((m) => ({ ts: m.ts, html: messageHtml(ctx, m, summaries.get(m.ts)) })),
    ...ephemerals.map((e) => ({ ts: e.ts, html: ephemeralHtml(ctx, e) })),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  if (items.length === 0) return '<div class="empty">No messages yet.</div>';
  return items.map((i) => i.html).join('\n');
}

function threadHtml(ctx: RenderContext, channel: string, ts: string, user: string): string {
  const thread = replies(ctx.ws, channel, ts);
  if (thread.length === 0) return '';
  const [parent, ...rest] = thread;
  const ephemerals = ephemeralsFor(ctx.ws, user, channel).filter((e) => e.threadTs === parent?.ts);
  const items = [
    ...rest.map((m) => ({ ts: m.ts, html: messageHtml(ctx, m, undefined, true) })),
    ...ephemerals.map((e) => ({ ts: e.ts, html: ephemeralHtml(ctx, e) })),
  ].sort((a, b) => Number(a.ts) - Number(b.ts));
  return `<div class="pane-head">Thread <a href="#" class="close-thread" data-close-thread="1">×</a></div>
${parent ? messageHtml(ctx, parent) : ''}<div class="reply-count">${rest.length} ${rest.length === 1 ? 'reply' : 'replies'}</div>
${items.map((i) => i.html).join('\n')}`;
}

function homeHtml(ctx: RenderContext, user: string): string {
  const home = ctx.ws.homes.get(user);
  if (!home) return '<div class="empty">The bot has not published a Home tab for this user yet.</div>';
  return `<div class="home" data-target="view:${escapeHtml(home.id)}">${blocks(home.view.blocks, ctx)}</div>`;
}

function modalHtml(ctx: RenderContext, user: string): string {
  const stack = modalStack(ctx.ws, user);
  const top = stack[stack.length - 1];
  if (!top) return '';
  const v = top.view;
  const submit = v.submit
    ? `<button type="submit" class="btn btn-primary">${textObject(v.submit, ctx)}</button>`
    : '';
  const close = v.close ? textObject(v.close, ctx) : 'Cancel';
  return `<form class="modal" data-target="view:${escapeHtml(top.id)}" data-modal="1">
<div class="modal-head"><span class="modal-title">${textObject(v.title, ctx)}</span><span class="depth">${stack.length > 1 ? `${stack.length} of ${stack.length}` : ''}</span></div>
<div class="modal-body">${blocks(v.blocks, ctx, top.errors ? { errors: top.errors } : {})}</div>
<div class="modal-foot"><button type="button" class="btn" data-close-modal="1">${close}</button>${submit}</div></form>`;
}

export function renderUi(ws: Workspace, query: UiQuery): Ui {
  const ctx: RenderContext = { ws };
  const people = [...ws.users.values()].filter((u) => !u.isBot);
  const user =
    ws.users.has(query.user) && !ws.users.get(query.user)?.isBot ? query.user : (people[0]?.id ?? '');
  const firstChannel = [...ws.channels.keys()][0] ?? '';
  const channel = query.channel === 'home' || ws.channels.has(query.channel) ? query.channel : firstChannel;
  const link = (id: string, label: string) =>
    `<a href="#" class="chan${id === channel ? ' active' : ''}" data-channel="${escapeHtml(id)}">${label}</a>`;
  const sidebar = [
    link('home', '🏠 shotclock Home'),
    '<div class="side-head">Channels</div>',
    ...[...ws.channels.values()].map((c) => link(c.id, `# ${escapeHtml(c.name)}`)),
  ].join('\n');
  const channelName = ws.channels.get(channel)?.name ?? '';
  return {
    seq: ws.seq,
    user,
    channel,
    users: people.map((u) => ({ id: u.id, name: u.name })),
    sidebar,
    title: channel === 'home' ? 'shotclock · Home' : `#${channelName}`,
    main: channel === 'home' ? homeHtml(ctx, user) : channelHtml(ctx, channel, user),
    thread: channel !== 'home' && query.thread ? threadHtml(ctx, channel, query.thread, user) : '',
    modal: modalHtml(ctx, user),
    info: escapeHtml(query.info ?? ''),
  };
}

const CSS = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 -apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1d1c1d;display:flex;height:100vh}
#side{width:230px;background:#3f0e40;color:#cfc3cf;padding:12px 0;overflow:auto;flex:none}
#side .ws{color:#fff;font-weight:700;padding:0 16px 10px;font-size:16px}
#side .side-head{padding:12px 16px 4px;font-size:13px}
#side a.chan{display:block;color:#cfc3cf;text-decoration:none;padding:3px 16px}
#side a.chan.active{background:#1164a3;color:#fff}
#side label{display:block;padding:12px 16px 0;font-size:12px}#side select{width:100%}
#center{flex:1;display:flex;flex-direction:column;min-width:0}
#top{display:flex;justify-content:space-between;align-items:center;padding:10px 20px;border-bottom:1px solid #ddd}
#title{font-weight:700;font-size:16px}#info{color:#616061;font-size:13px}
#main{flex:1;overflow:auto;padding:8px 0}
#thread{width:420px;border-left:1px solid #ddd;overflow:auto;flex:none}#thread:empty{display:none}
.pane-head{padding:10px 16px;font-weight:700;border-bottom:1px solid #ddd;display:flex;justify-content:space-between}
.pane-head a{text-decoration:none;color:#555;font-size:18px}
.reply-count{color:#616061;font-size:12px;padding:4px 20px;border-bottom:1px solid #eee}
.msg{padding:6px 20px}.msg:hover{background:#f8f8f8}.msg.highlight{background:#fff8e1}
.msg.eph{background:#f4f9ff;border-left:3px solid #1264a3}
.meta .who{font-weight:700}.meta .time,.edited{color:#616061;font-size:12px}.only{color:#1264a3;font-size:12px}
.app{background:#e8e8e8;color:#616061;font-size:10px;padding:1px 3px;border-radius:2px;font-weight:700}
.replies{display:inline-block;color:#1264a3;font-size:13px;font-weight:700;margin-top:2px}
.blk{margin:4px 0}.section{display:flex;gap:12px}.sec-main{flex:1}.accessory{flex:none}
.fields{display:grid;grid-template-columns:1fr 1fr;gap:4px 16px;margin-top:4px}
.header h3{margin:6px 0;font-size:17px}.divider hr{border:0;border-top:1px solid #ddd}
.context{color:#616061;font-size:12px}.context .img{width:16px;height:16px;vertical-align:middle}
.img{max-width:360px;border-radius:4px}
.file{margin:4px 0}.file figcaption{color:#616061;font-size:12px}.file-img{max-width:480px;width:100%;border:1px solid #ddd;border-radius:6px}.img-alt,.unsupported{color:#999;font-style:italic}
.actions{display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.btn{border:1px solid #ccc;background:#fff;border-radius:4px;padding:4px 12px;font-weight:700;cursor:pointer;font-size:13px}
.btn-primary{background:#007a5a;color:#fff;border-color:#007a5a}.btn-danger{background:#fff;color:#e01e5a;border-color:#e01e5a}
.btn:disabled{opacity:.5}select.overflow{width:36px}
code{background:#f6f6f6;border:1px solid #ddd;border-radius:3px;padding:0 3px;color:#e01e5a;font-size:12px}
pre{background:#f8f8f8;border:1px solid #ddd;border-radius:4px;padding:8px;white-space:pre-wrap}
blockquote{margin:0;border-left:4px solid #ddd;padding-left:8px}.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}
.empty{color:#888;padding:20px}.home{padding:0 20px}
#cmd{display:flex;gap:8px;padding:10px 20px;border-top:1px solid #ddd}#cmd input{flex:1;padding:8px;border:1px solid #bbb;border-radius:6px;font-size:14px}
#status{font-size:12px;color:#616061;padding:0 20px 6px;min-height:18px}#status.err{color:#e01e5a}
#overlay{position:fixed;inset:0;background:rgba(0,0,0,.45);display:flex;align-items:flex-start;justify-content:center;padding-top:8vh}#overlay:empty{display:none}
.modal{background:#fff;border-radius:8px;width:520px;max-height:80vh;display:flex;flex-direction:column}
.modal-head{padding:14px 20px;border-bottom:1px solid #ddd;font-weight:700;font-size:18px;display:flex;justify-content:space-between}.depth{font-size:12px;color:#888}
.modal-body{padding:12px 20px;overflow:auto}.modal-foot{padding:12px 20px;border-top:1px solid #ddd;display:flex;justify-content:flex-end;gap:8px}
.input .label{display:block;font-weight:700;margin-bottom:4px}.input input.text,.input textarea,.input select{width:100%;padding:6px;border:1px solid #bbb;border-radius:4px}
.hint{color:#616061;font-size:12px}.input-error{color:#e01e5a;font-size:13px}.optional{color:#888;font-weight:400}
`;

const SCRIPT = `
(() => {
  const $ = (s) => document.querySelector(s);
  const m = location.pathname.match(/^\\/archives\\/([A-Z0-9]+)\\/p(\\d+)$/);
  const ui = { user: localStorage.getItem('sandbox.user') || '', channel: m ? m[1] : (localStorage.getItem('sandbox.channel') || ''), thread: '' };
  let focusTs = m ? m[2].slice(0, -6) + '.' + m[2].slice(-6) : '';
  let timer = 0;
  let lastModal = '';
  let ticking = 0;
  const formKey = (el) => el.dataset.blockId + '/' + el.dataset.actionId;
  /** Swap the modal in, keeping what the user typed when it is the same view (e.g. after input errors). */
  function showModal(html) {
    const overlay = $('#overlay');
    const old = overlay.querySelector('[data-modal]');
    const typed = {};
    if (old) for (const el of old.querySelectorAll('[data-form]')) typed[formKey(el) + (el.type === 'checkbox' ? '=' + el.value : '')] = el.type === 'checkbox' ? el.checked : el.value;
    overlay.innerHTML = html;
    lastModal = html;
    const now = overlay.querySelector('[data-modal]');
    if (!old || !now || old.dataset.target !== now.dataset.target) return;
    for (const el of now.querySelectorAll('[data-form]')) {
      const key = formKey(el) + (el.type === 'checkbox' ? '=' + el.value : '');
      if (!(key in typed)) continue;
      if (el.type === 'checkbox') el.checked = typed[key]; else el.value = typed[key];
    }
  }
  function status(text, err) { const el = $('#status'); el.textContent = text; el.className = err ? 'err' : ''; }
  async function refresh() {
    const q = new URLSearchParams(ui);
    const res = await fetch('/sandbox/ui?' + q);
    const data = await res.json();
    ui.user = data.user; ui.channel = data.channel;
    const sel = $('#user');
    if (sel.options.length !== data.users.length) {
      sel.innerHTML = '';
      for (const u of data.users) { const o = document.createElement('option'); o.value = u.id; o.textContent = u.name; sel.appendChild(o); }
    }
    sel.value = data.user;
    $('#side-links').innerHTML = data.sidebar;
    $('#title').textContent = data.title;
    $('#info').innerHTML = data.info;
    if (data.info && !ticking) ticking = setInterval(refresh, 5000);
    const main = $('#main');
    const atBottom = main.scrollTop + main.clientHeight >= main.scrollHeight - 30;
    main.innerHTML = data.main;
    $('#thread').innerHTML = data.thread;
    if (data.modal !== lastModal) showModal(data.modal);
    $('#cmd').style.display = ui.channel === 'home' ? 'none' : 'flex';
    if (focusTs) {
      const el = document.getElementById('m' + focusTs.replace('.', ''));
      if (el) { el.classList.add('highlight'); el.scrollIntoView(); focusTs = ''; }
    } else if (atBottom) main.scrollTop = main.scrollHeight;
  }
  const later = () => { clearTimeout(timer); timer = setTimeout(refresh, 60); };
  async function act(body) {
    status('sending…');
    const res = await fetch('/sandbox/act', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: ui.user, ...body }) });
    const out = await res.json();
    if (!out.ok) status('failed: ' + (out.error || (out.result && (out.result.error || 'HTTP ' + out.result.status))), true);
    else status(out.result ? 'bot answered HTTP ' + out.result.status : 'done');
    later();
    return out;
  }
  function target(el) {
    const t = el.closest('[data-target]').dataset.target;
    return t.startsWith('view:') ? { viewId: t.slice(5) } : t.slice(3);
  }
  function confirmed(el) {
    if (!el.dataset.confirm) return true;
    const c = JSON.parse(el.dataset.confirm);
    return window.confirm((c.title ? c.title + '\\n\\n' : '') + c.text + '\\n\\n[OK] ' + c.confirm + '   [Cancel] ' + c.deny);
  }
  document.addEventListener('click', (e) => {
    const el = e.target.closest('a,button');
    if (!el) return;
    if (el.dataset.channel) { e.preventDefault(); ui.channel = el.dataset.channel; ui.thread = ''; localStorage.setItem('sandbox.channel', ui.channel); if (ui.channel === 'home') act({ kind: 'home' }); history.replaceState(null, '', '/'); refresh(); return; }
    if (el.dataset.thread) { e.preventDefault(); ui.thread = el.dataset.thread; refresh(); return; }
    if (el.dataset.closeThread) { e.preventDefault(); ui.thread = ''; refresh(); return; }
    if (el.dataset.closeModal) { e.preventDefault(); act({ kind: 'close' }); return; }
    if (el.dataset.act === 'button') {
      e.preventDefault();
      if (!confirmed(el)) return;
      if (el.dataset.url) window.open(el.dataset.url, '_blank', 'noopener');
      act({ kind: 'click', target: target(el), actionId: el.dataset.actionId, value: el.dataset.value });
    }
  });
  document.addEventListener('change', (e) => {
    const el = e.target;
    if (el.id === 'user') { ui.user = el.value; localStorage.setItem('sandbox.user', ui.user); if (ui.channel === 'home') act({ kind: 'home' }); refresh(); return; }
    if (el.dataset && el.dataset.act === 'select' && el.value) {
      const option = el.value; el.value = '';
      if (!confirmed(el)) return;
      act({ kind: 'select', target: target(el), actionId: el.dataset.actionId, option });
    }
  });
  document.addEventListener('submit', (e) => {
    const form = e.target.closest('[data-modal]');
    if (!form) return;
    e.preventDefault();
    const values = {};
    for (const el of form.querySelectorAll('[data-form]')) {
      const key = formKey(el);
      if (el.type === 'checkbox') { values[key] = values[key] || []; if (el.checked) values[key].push(el.value); }
      else values[key] = el.value;
    }
    act({ kind: 'submit', values });
  });
  $('#cmd').addEventListener('submit', (e) => {
    e.preventDefault();
    const input = $('#cmd input');
    const text = input.value.trim();
    const mm = text.match(/^(\\/\\S+)\\s*([\\s\\S]*)$/);
    if (!mm) { status('type a slash command, e.g. /scrape-status', true); return; }
    input.value = '';
    act({ kind: 'command', command: mm[1], text: mm[2], channel: ui.channel });
  });
  const events = new EventSource('/events');
  events.onmessage = later;
  events.addEventListener('hello', later);
  events.onerror = () => status('disconnected from the sandbox, retrying…', true);
  if (ui.channel === 'home') act({ kind: 'home' }); else refresh();
})();
`;

export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>shotclock · Slack sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${CSS}</style></head>
<body>
<nav id="side"><div class="ws">Sandbox workspace</div><div id="side-links"></div>
<label>Acting as <select id="user"></select></label></nav>
<section id="center"><div id="top"><div id="title"></div><div id="info"></div></div><div id="main"></div>
<form id="cmd" autocomplete="off"><input placeholder="/scrape-status  (slash command)" aria-label="Slash command"><button class="btn" type="submit">Send</button></form>
<div id="status"></div></section>
<aside id="thread"></aside>
<div id="overlay"></div>
<script>${SCRIPT}</script>
</body></html>`;
