// Slack rejects a whole message or view when one limit is broken (invalid_blocks), usually on the busiest
// day, with the most findings. Every view is checked against these limits in tests, with huge inputs too.
// Walks the JSON generically so it also catches what the @slack/types types allow but Slack refuses.

export const LIMITS = {
  messageBlocks: 50,
  surfaceBlocks: 100, // modal and App Home
  messageText: 40_000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  id: 255, // action_id, block_id, callback_id
  actionsElements: 25,
  contextElements: 10,
  optionText: 75,
  optionValue: 150,
  overflowOptions: 5,
  selectOptions: 100,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  plainTextInputMax: 3000,
} as const;

export type Surface = 'message' | 'modal' | 'home';

type Json = Record<string, unknown>;
const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const textOf = (t: unknown): string | undefined =>
  isObj(t) && typeof t.text === 'string' ? t.text : undefined;

class Checker {
  readonly problems: string[] = [];
  readonly actionIds = new Map<string, string>();
  readonly blockIds = new Set<string>();

  fail(where: string, what: string): void {
    this.problems.push(`${where}: ${what}`);
  }

  text(where: string, t: unknown, max: number, opts: { plainOnly?: boolean } = {}) {
    if (!isObj(t)) return this.fail(where, 'text object missing');
    if (t.type !== 'plain_text' && t.type !== 'mrkdwn')
      return this.fail(where, `bad text type ${String(t.type)}`);
    if (opts.plainOnly && t.type !== 'plain_text') this.fail(where, 'must be plain_text');
    const s = textOf(t);
    if (s === undefined || s.length === 0) return this.fail(where, 'empty text');
    if (s.length > max) this.fail(where, `text of ${s.length} chars > ${max}`);
    if (t.type === 'mrkdwn') this.angles(where, s);
  }

  /** In mrkdwn `<` opens a link or mention; anything else is an escaping bug that garbles the message. */
  angles(where: string, s: string) {
    for (let i = s.indexOf('<'); i !== -1; i = s.indexOf('<', i + 1)) {
      if (!/^<(?:[@#!]|https?:|mailto:)[^<>]*>/.test(s.slice(i))) {
        return this.fail(where, `unescaped '<' at ${i}: ${JSON.stringify(s.slice(i, i + 20))}`);
      }
    }
    if (s.replace(/<[^<>]*>/g, '').includes('>')) this.fail(where, "unescaped '>'");
  }

  id(where: string, kind: 'action_id' | 'block_id', id: unknown, optional = true) {
    if (id === undefined && optional) return;
    if (typeof id !== 'string' || id.length === 0) return this.fail(where, `${kind} missing`);
    if (id.length > LIMITS.id) this.fail(where, `${kind} of ${id.length} chars > ${LIMITS.id}`);
    if (kind === 'block_id') {
      if (this.blockIds.has(id)) this.fail(where, `duplicate block_id ${id}`);
      this.blockIds.add(id);
    } else {
      // Slack needs action ids unique per block; we hold them unique per view so listeners can't confuse them.
      const other = this.actionIds.get(id);
      if (other) this.fail(where, `duplicate action_id ${id} (also at ${other})`);
      this.actionIds.set(id, where);
    }
  }

  confirm(where: string, c: unknown) {
    if (c === undefined) return;
    if (!isObj(c)) return this.fail(where, 'confirm is not an object');
    this.text(`${where}.title`, c.title, LIMITS.confirmTitle, { plainOnly: true });
    this.text(`${where}.text`, c.text, LIMITS.confirmText);
    this.text(`${where}.confirm`, c.confirm, LIMITS.confirmButton, { plainOnly: true });
    this.text(`${where}.deny`, c.deny, LIMITS.confirmButton, { plainOnly: true });
  }

  options(where: string, options: unknown, max: number, min = 1) {
    if (!Array.isArray(options)) return this.fail(where, 'options missing');
    if (options.length < min || options.length > max) {
      this.fail(where, `${options.length} options (allowed ${min}-${max})`);
    }
    const values = new Set<string>();
    for (const [i, o] of options.entries()) {
      if (!isObj(o)) {
        this.fail(`${where}[${i}]`, 'option is not an object');
        continue;
      }
      this.text(`${where}[${i}].text`, o.text, LIMITS.optionText);
      if (typeof o.value !== 'string' || o.value.length === 0) {
        this.fail(`${where}[${i}]`, 'value missing');
        continue;
      }
      if (o.value.length > LIMITS.optionValue) {
        this.fail(`${where}[${i}]`, `value of ${o.value.length} chars > ${LIMITS.optionValue}`);
      }
      if (values.has(o.value)) this.fail(`${where}[${i}]`, 'duplicate option value');
      values.add(o.value);
    }
  }

  element(where: string, e: unknown) {
    if (!isObj(e)) return this.fail(where, 'element is not an object');
    switch (e.type) {
      case 'button':
        this.id(where, 'action_id', e.action_id, false);
        this.text(`${where}.text`, e.text, LIMITS.buttonText, { plainOnly: true });
        if (e.value !== undefined) {
          if (typeof e.value !== 'string') this.fail(where, 'button value is not a string');
          else if (e.value.length > LIMITS.buttonValue) {
            this.fail(where, `button value of ${e.value.length} chars > ${LIMITS.buttonValue}`);
          }
        }
        if (e.style !== undefined && e.style !== 'primary' && e.style !== 'danger') {
          this.fail(where, `bad button style ${String(e.style)}`);
        }
        this.confirm(`${where}.confirm`, e.confirm);
        return;
      case 'overflow':
        this.id(where, 'action_id', e.action_id, false);
        this.options(`${where}.options`, e.options, LIMITS.overflowOptions, 2);
        this.confirm(`${where}.confirm`, e.confirm);
        return;
      case 'static_select':
        this.id(where, 'action_id', e.action_id, false);
        this.options(`${where}.options`, e.options, LIMITS.selectOptions);
        if (e.placeholder !== undefined) this.text(`${where}.placeholder`, e.placeholder, LIMITS.placeholder);
        this.confirm(`${where}.confirm`, e.confirm);
        return;
      case 'datepicker':
        this.id(where, 'action_id', e.action_id, false);
        if (e.initial_date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(String(e.initial_date))) {
          this.fail(where, `bad initial_date ${String(e.initial_date)}`);
        }
        if (e.placeholder !== undefined) this.text(`${where}.placeholder`, e.placeholder, LIMITS.placeholder);
        this.confirm(`${where}.confirm`, e.confirm);
        return;
      case 'plain_text_input':
        this.id(where, 'action_id', e.action_id, false);
        if (e.placeholder !== undefined) this.text(`${where}.placeholder`, e.placeholder, LIMITS.placeholder);
        if (typeof e.max_length === 'number' && e.max_length > LIMITS.plainTextInputMax) {
          this.fail(where, `max_length ${e.max_length} > ${LIMITS.plainTextInputMax}`);
        }
        return;
      case 'checkboxes':
        this.id(where, 'action_id', e.action_id, false);
        this.options(`${where}.options`, e.options, 10);
        return;
      case 'image':
        if (typeof e.alt_text !== 'string' || e.alt_text === '') this.fail(where, 'image alt_text missing');
        return;
      default:
        this.fail(where, `element type ${String(e.type)} not checked by this validator`);
    }
  }

  block(where: string, b: unknown, surface: Surface) {
    if (!isObj(b)) return this.fail(where, 'block is not an object');
    this.id(where, 'block_id', b.block_id);
    switch (b.type) {
      case 'header':
        this.text(`${where}.text`, b.text, LIMITS.headerText, { plainOnly: true });
        return;
      case 'divider':
        return;
      case 'section': {
        if (b.text === undefined && b.fields === undefined)
          return this.fail(where, 'section needs text or fields');
        if (b.text !== undefined) this.text(`${where}.text`, b.text, LIMITS.sectionText);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields)) return this.fail(where, 'fields is not an array');
          if (b.fields.length === 0) this.fail(where, 'empty fields');
          if (b.fields.length > LIMITS.sectionFields) {
            this.fail(where, `${b.fields.length} fields > ${LIMITS.sectionFields}`);
          }
          b.fields.forEach((f, i) => {
            this.text(`${where}.fields[${i}]`, f, LIMITS.fieldText);
          });
        }
        if (b.accessory !== undefined) this.element(`${where}.accessory`, b.accessory);
        return;
      }
      case 'context': {
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          return this.fail(where, 'context needs elements');
        if (b.elements.length > LIMITS.contextElements) {
          this.fail(where, `${b.elements.length} context elements > ${LIMITS.contextElements}`);
        }
        b.elements.forEach((e, i) => {
          if (isObj(e) && e.type === 'image') this.element(`${where}.elements[${i}]`, e);
          else this.text(`${where}.elements[${i}]`, e, LIMITS.sectionText);
        });
        return;
      }
      case 'actions': {
        if (!Array.isArray(b.elements) || b.elements.length === 0)
          return this.fail(where, 'actions needs elements');
        if (b.elements.length > LIMITS.actionsElements) {
          this.fail(where, `${b.elements.length} elements > ${LIMITS.actionsElements}`);
        }
        b.elements.forEach((e, i) => {
          this.element(`${where}.elements[${i}]`, e);
        });
        return;
      }
      case 'input': {
        if (surface === 'message') this.fail(where, 'input blocks only in modals and Home');
        this.text(`${where}.label`, b.label, LIMITS.inputLabel, { plainOnly: true });
        if (b.hint !== undefined) this.text(`${where}.hint`, b.hint, LIMITS.inputHint, { plainOnly: true });
        this.element(`${where}.element`, b.element);
        return;
      }
      default:
        this.fail(where, `block type ${String(b.type)} not checked by this validator`);
    }
  }
}

function checkBlocks(c: Checker, blocks: unknown, surface: Surface) {
  const max = surface === 'message' ? LIMITS.messageBlocks : LIMITS.surfaceBlocks;
  if (!Array.isArray(blocks)) return c.fail('blocks', 'not an array');
  if (blocks.length > max) c.fail('blocks', `${blocks.length} blocks > ${max}`);
  blocks.forEach((b, i) => {
    c.block(`blocks[${i}]`, b, surface);
  });
}

/** Problems with a message (chat.postMessage / update / ephemeral / response_url); empty when Slack accepts it. */
export function validateMessage(message: { text?: unknown; blocks?: unknown }): string[] {
  const c = new Checker();
  if (typeof message.text !== 'string' || message.text.trim() === '') {
    c.fail('text', 'plain-text fallback missing');
  } else if (message.text.length > LIMITS.messageText) {
    c.fail('text', `fallback of ${message.text.length} chars > ${LIMITS.messageText}`);
  }
  if (message.blocks !== undefined) checkBlocks(c, message.blocks, 'message');
  return c.problems;
}

/** Problems with a modal or Home view (views.open / views.publish). */
export function validateView(view: unknown): string[] {
  const c = new Checker();
  if (!isObj(view)) return ['view: not an object'];
  if (view.type !== 'modal' && view.type !== 'home') return [`view: bad type ${String(view.type)}`];
  if (view.callback_id !== undefined) {
    if (typeof view.callback_id !== 'string' || view.callback_id.length > LIMITS.id) {
      c.fail('callback_id', 'missing or too long');
    }
  }
  if (view.private_metadata !== undefined) {
    if (typeof view.private_metadata !== 'string') c.fail('private_metadata', 'not a string');
    else if (view.private_metadata.length > LIMITS.privateMetadata) {
      c.fail('private_metadata', `${view.private_metadata.length} chars > ${LIMITS.privateMetadata}`);
    }
  }
  if (view.type === 'modal') {
    c.text('title', view.title, LIMITS.modalTitle, { plainOnly: true });
    if (view.submit !== undefined) c.text('submit', view.submit, LIMITS.modalButton, { plainOnly: true });
    if (view.close !== undefined) c.text('close', view.close, LIMITS.modalButton, { plainOnly: true });
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObj(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) c.fail('submit', 'a modal with inputs needs a submit button');
  }
  checkBlocks(c, view.blocks, view.type);
  return c.problems;
}
