/**
 * Block Kit and mrkdwn to HTML for the sandbox page, on the server so it can be tested without a browser.
 * Every piece of message content is escaped before it reaches markup: the only tags in the output are the
 * ones written here, and links only keep http(s)/mailto URLs.
 */
import { blockIdOf } from './block-walk.js';
import type { Json, Workspace } from './state.js';

const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const s = (x: unknown): string =>
  typeof x === 'string' ? x : x === undefined || x === null ? '' : String(x);

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const EMOJI: Readonly<Record<string, string>> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  sos: '🆘',
  repeat: '🔁',
  arrows_counterclockwise: '🔄',
  no_entry: '⛔',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  zzz: '💤',
  warning: '⚠️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  eyes: '👀',
  electric_plug: '🔌',
  double_vertical_bar: '⏸️',
  robot_face: '🤖',
  rotating_light: '🚨',
  basketball: '🏀',
  calendar: '📅',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  wrench: '🔧',
  tada: '🎉',
};

const emojify = (escaped: string) =>
  escaped.replace(/:([a-z0-9_+-]+):/g, (all, name: string) => EMOJI[name] ?? all);

/** Slack escapes &, < and > in message text; undo that before our own escaping so nothing doubles. */
const unslack = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

const SAFE_URL = /^(https?:|mailto:)/i;

export interface RenderContext {
  readonly ws: Workspace;
}

function specialToken(inner: string, ctx: RenderContext): string {
  const [target = '', label] = inner.split('|', 2) as [string, string | undefined];
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = ctx.ws.users.get(id)?.name ?? label ?? id;
    return `<span class="mention">@${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    const name = ctx.ws.channels.get(id)?.name ?? label ?? id;
    return `<span class="mention">#${escapeHtml(name)}</span>`;
  }
  if (target.startsWith('!subteam^')) {
    const id = target.slice('!subteam^'.length);
    const handle = ctx.ws.usergroups.get(id)?.handle ?? label?.replace(/^@/, '') ?? id;
    return `<span class="mention">@${escapeHtml(handle)}</span>`;
  }
  if (target.startsWith('!date^')) return escapeHtml(label ?? '');
  if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
  const url = unslack(target);
  const text = escapeHtml(unslack(label ?? target));
  if (!SAFE_URL.test(url)) return text;
  return `<a href="${escapeHtml(url)}" target="_blank" rel="noopener noreferrer">${text}</a>`;
}

/** Slack mrkdwn: *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes, <links>, mentions, :emoji:. */
export function mrkdwn(input: string, ctx: RenderContext): string {
  const held: string[] = [];
  const hold = (html: string) => `\uE000${held.push(html) - 1}\uE000`;
  let text = input.replace(/\uE000/g, '');
  text = text.replace(/```([\s\S]*?)```/g, (_, code: string) =>
    hold(`<pre>${escapeHtml(unslack(code))}</pre>`),
  );
  text = text.replace(/`([^`\n]+)`/g, (_, code: string) => hold(`<code>${escapeHtml(unslack(code))}</code>`));
  text = text.replace(/<([^<>\n]+)>/g, (_, inner: string) => hold(specialToken(inner, ctx)));
  let html = escapeHtml(unslack(text));
  const edge = '(^|[\\s(\\uE000])';
  const end = '(?=$|[\\s.,!?:;)\\uE000])';
  html = html.replace(new RegExp(`${edge}\\*([^*\\n]+?)\\*${end}`, 'g'), '$1<b>$2</b>');
  html = html.replace(new RegExp(`${edge}_([^_\\n]+?)_${end}`, 'g'), '$1<i>$2</i>');
  html = html.replace(new RegExp(`${edge}~([^~\\n]+?)~${end}`, 'g'), '$1<s>$2</s>');
  html = html
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') ? `<blockquote>${line.slice(5)}</blockquote>` : line))
    .join('<br>');
  html = emojify(html);
  return html.replace(/\uE000(\d+)\uE000/g, (_, i: string) => held[Number(i)] ?? '');
}

/** A text object (plain_text or mrkdwn). */
export function textObject(obj: unknown, ctx: RenderContext): string {
  if (!isObj(obj)) return '';
  return obj.type === 'mrkdwn' ? mrkdwn(s(obj.text), ctx) : emojify(escapeHtml(s(obj.text)));
}

/** Plain text of a text object (for select options, confirm dialogs, alt text). */
const plain = (obj: unknown) => (isObj(obj) ? s(obj.text) : '');

const attr = (name: string, value: unknown) =>
  value === undefined ? '' : ` ${name}="${escapeHtml(s(value))}"`;

function confirmAttr(confirm: unknown): string {
  if (!isObj(confirm)) return '';
  const dialog = {
    title: plain(confirm.title),
    text: plain(confirm.text),
    confirm: plain(confirm.confirm) || 'Yes',
    deny: plain(confirm.deny) || 'Cancel',
  };
  return attr('data-confirm', JSON.stringify(dialog));
}

function optionList(el: Json, selected?: string): string {
  const opt = (o: unknown) =>
    isObj(o)
      ? `<option${attr('value', o.value)}${s(o.value) === selected ? ' selected' : ''}>${escapeHtml(plain(o.text))}</option>`
      : '';
  const direct = Array.isArray(el.options) ? el.options.map(opt).join('') : '';
  const groups = Array.isArray(el.option_groups)
    ? el.option_groups
        .filter(isObj)
        .map(
          (g) =>
            `<optgroup${attr('label', plain(g.label))}>${Array.isArray(g.options) ? g.options.map(opt).join('') : ''}</optgroup>`,
        )
        .join('')
    : '';
  return direct + groups;
}

/**
 * One interactive element. `form` elements (inside a modal's input blocks) are form controls read on
 * submit; the others dispatch an action when used, as in Slack.
 */
export function element(el: Json, blockId: string, ctx: RenderContext, form = false): string {
  const type = s(el.type);
  const ids = `${attr('data-action-id', el.action_id)}${attr('data-block-id', blockId)}`;
  const act = (kind: string) => (form ? ' data-form="1"' : attr('data-act', kind));
  switch (type) {
    case 'button': {
      const style = el.style === 'primary' || el.style === 'danger' ? ` btn-${el.style}` : '';
      const link = typeof el.url === 'string' && SAFE_URL.test(el.url) ? attr('data-url', el.url) : '';
      return `<button type="button" class="btn${style}"${act('button')}${ids}${attr('data-value', el.value)}${confirmAttr(el.confirm)}${link}>${textObject(el.text, ctx)}</button>`;
    }
    case 'overflow':
      return `<select class="overflow" title="More actions"${act('select')}${ids}${confirmAttr(el.confirm)}><option value="">⋯</option>${optionList(el)}</select>`;
    case 'static_select':
    case 'radio_buttons': {
      const initial = isObj(el.initial_option) ? s(el.initial_option.value) : undefined;
      const placeholder = `<option value="">${escapeHtml(plain(el.placeholder) || 'Select…')}</option>`;
      return `<select class="select"${act('select')}${ids}${confirmAttr(el.confirm)}>${placeholder}${optionList(el, initial)}</select>`;
    }
    case 'datepicker':
      return `<input type="date" class="date"${act('none')}${ids}${attr('value', el.initial_date)}>`;
    case 'timepicker':
      return `<input type="time" class="date"${act('none')}${ids}${attr('value', el.initial_time)}>`;
    case 'plain_text_input': {
      const common = `class="text"${act('none')}${ids}${attr('placeholder', plain(el.placeholder) || undefined)}`;
      return el.multiline === true
        ? `<textarea ${common}>${escapeHtml(s(el.initial_value))}</textarea>`
        : `<input type="text" ${common}${attr('value', el.initial_value)}>`;
    }
    case 'checkboxes': {
      const initial = new Set(
        Array.isArray(el.initial_options) ? el.initial_options.filter(isObj).map((o) => s(o.value)) : [],
      );
      const boxes = (Array.isArray(el.options) ? el.options : [])
        .filter(isObj)
        .map(
          (o) =>
            `<label class="check"><input type="checkbox"${act('none')}${ids}${attr('value', o.value)}${initial.has(s(o.value)) ? ' checked' : ''}> ${textObject(o.text, ctx)}</label>`,
        );
      return `<div class="checks">${boxes.join('')}</div>`;
    }
    case 'image':
      return imageTag(el);
    default:
      return `<span class="unsupported">[${escapeHtml(type || 'element')}]</span>`;
  }
}

function imageTag(el: Json): string {
  const url = s(el.image_url);
  if (!SAFE_URL.test(url)) return `<span class="img-alt">[${escapeHtml(s(el.alt_text))}]</span>`;
  return `<img class="img" src="${escapeHtml(url)}" alt="${escapeHtml(s(el.alt_text))}" loading="lazy">`;
}

function richText(block: Json, ctx: RenderContext): string {
  const inline = (e: unknown): string => {
    if (!isObj(e)) return '';
    if (e.type === 'text') {
      let html = escapeHtml(s(e.text)).replace(/\n/g, '<br>');
      const st = isObj(e.style) ? e.style : {};
      if (st.code) html = `<code>${html}</code>`;
      if (st.bold) html = `<b>${html}</b>`;
      if (st.italic) html = `<i>${html}</i>`;
      if (st.strike) html = `<s>${html}</s>`;
      return html;
    }
    if (e.type === 'link') return specialToken(`${s(e.url)}${e.text ? `|${s(e.text)}` : ''}`, ctx);
    if (e.type === 'user') return specialToken(`@${s(e.user_id)}`, ctx);
    if (e.type === 'channel') return specialToken(`#${s(e.channel_id)}`, ctx);
    if (e.type === 'usergroup') return specialToken(`!subteam^${s(e.usergroup_id)}`, ctx);
    if (e.type === 'emoji') return emojify(`:${escapeHtml(s(e.name))}:`);
    return '';
  };
  const part = (p: unknown): string => {
    if (!isObj(p)) return '';
    const inner = Array.isArray(p.elements)
      ? p.elements.map((e) => (p.type === 'rich_text_list' ? `<li>${part(e)}</li>` : inline(e))).join('')
      : '';
    if (p.type === 'rich_text_preformatted') return `<pre>${inner}</pre>`;
    if (p.type === 'rich_text_quote') return `<blockquote>${inner}</blockquote>`;
    if (p.type === 'rich_text_list') return p.style === 'ordered' ? `<ol>${inner}</ol>` : `<ul>${inner}</ul>`;
    return `<div>${inner}</div>`;
  };
  return Array.isArray(block.elements) ? block.elements.map(part).join('') : '';
}

export interface BlockOptions {
  /** Input errors by block id (a modal after `response_action: 'errors'`). */
  readonly errors?: Record<string, string>;
}

export function block(b: Json, index: number, ctx: RenderContext, options: BlockOptions = {}): string {
  const blockId = blockIdOf(b, index);
  const wrap = (cls: string, inner: string) =>
    `<div class="blk ${cls}"${attr('data-block-id', blockId)}>${inner}</div>`;
  switch (b.type) {
    case 'section': {
      const text = b.text ? `<div class="sec-text">${textObject(b.text, ctx)}</div>` : '';
      const fields = Array.isArray(b.fields)
        ? `<div class="fields">${b.fields.map((f) => `<div class="field">${textObject(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory = isObj(b.accessory)
        ? `<div class="accessory">${element(b.accessory, blockId, ctx)}</div>`
        : '';
      return wrap('section', `<div class="sec-main">${text}${fields}</div>${accessory}`);
    }
    case 'header':
      return wrap('header', `<h3>${textObject(b.text, ctx)}</h3>`);
    case 'divider':
      return wrap('divider', '<hr>');
    case 'context': {
      const parts = Array.isArray(b.elements)
        ? b.elements
            .filter(isObj)
            .map((e) => (e.type === 'image' ? imageTag(e) : `<span>${textObject(e, ctx)}</span>`))
        : [];
      return wrap('context', parts.join(' '));
    }
    case 'actions': {
      const els = Array.isArray(b.elements)
        ? b.elements.filter(isObj).map((e) => element(e, blockId, ctx))
        : [];
      return wrap('actions', els.join(''));
    }
    case 'image': {
      const title = b.title ? `<div class="img-title">${textObject(b.title, ctx)}</div>` : '';
      return wrap('image', `${title}${imageTag(b)}`);
    }
    case 'input': {
      const optional = b.optional === true ? ' <span class="optional">(optional)</span>' : '';
      const hint = b.hint ? `<div class="hint">${textObject(b.hint, ctx)}</div>` : '';
      const error = options.errors?.[blockId]
        ? `<div class="input-error">${escapeHtml(options.errors[blockId] ?? '')}</div>`
        : '';
      const control = isObj(b.element) ? element(b.element, blockId, ctx, b.dispatch_action !== true) : '';
      return wrap(
        'input',
        `<label class="label">${textObject(b.label, ctx)}${optional}</label>${control}${hint}${error}`,
      );
    }
    case 'rich_text':
      return wrap('rich', richText(b, ctx));
    default:
      return wrap(
        'unsupported',
        `<span class="unsupported">[unsupported block: ${escapeHtml(s(b.type))}]</span>`,
      );
  }
}

export function blocks(list: unknown, ctx: RenderContext, options: BlockOptions = {}): string {
  if (!Array.isArray(list)) return '';
  return list.map((b, i) => (isObj(b) ? block(b, i, ctx, options) : '')).join('');
}
