/** Finding interactive elements in untrusted Block Kit JSON, the way Slack resolves a click or a form. */
import type { Json } from './state.js';

const isObj = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

export interface FoundElement {
  readonly blockId: string;
  readonly element: Json;
}

/** Slack makes up a block_id when a block has none; ours is stable so the page and drivers agree. */
export function blockIdOf(block: Json, index: number): string {
  return typeof block.block_id === 'string' ? block.block_id : `b${index}`;
}

/** Every element of a block that can carry an action_id (actions, section accessory, input element). */
export function elementsOf(block: Json): Json[] {
  const out: Json[] = [];
  if (Array.isArray(block.elements) && block.type === 'actions') out.push(...block.elements.filter(isObj));
  if (isObj(block.accessory)) out.push(block.accessory);
  if (isObj(block.element)) out.push(block.element);
  return out;
}

export function allElements(blocks: unknown): FoundElement[] {
  if (!Array.isArray(blocks)) return [];
  return blocks
    .filter(isObj)
    .flatMap((block, i) => elementsOf(block).map((element) => ({ blockId: blockIdOf(block, i), element })));
}

/**
 * The element with `actionId`, or else the first whose id is `actionId.<suffix>` (the bot suffixes ids
 * when one message has several of a kind). `value` picks among several matches.
 */
export function findElement(blocks: unknown, actionId: string, value?: string): FoundElement | undefined {
  const all = allElements(blocks).filter((f) => typeof f.element.action_id === 'string');
  const matches = (f: FoundElement) => value === undefined || f.element.value === value;
  return (
    all.find((f) => f.element.action_id === actionId && matches(f)) ??
    all.find((f) => String(f.element.action_id).startsWith(`${actionId}.`) && matches(f))
  );
}

/** Options of a select or overflow, including those inside option_groups. */
export function optionsOf(element: Json): Json[] {
  const direct = Array.isArray(element.options) ? element.options.filter(isObj) : [];
  const grouped = Array.isArray(element.option_groups)
    ? element.option_groups
        .filter(isObj)
        .flatMap((g) => (Array.isArray(g.options) ? g.options.filter(isObj) : []))
    : [];
  return [...direct, ...grouped];
}

export function findOption(element: Json, value: string): Json | undefined {
  return optionsOf(element).find((o) => o.value === value);
}

/** What Slack puts in view.state.values for one input element given a raw form value. */
export function stateValue(element: Json, raw: unknown): Json | undefined {
  const type = String(element.type);
  const one = raw === undefined || raw === null || raw === '' ? undefined : Array.isArray(raw) ? raw[0] : raw;
  const many = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const option = (v: unknown) => (v === undefined ? null : (findOption(element, String(v)) ?? null));
  switch (type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return { type, value: one === undefined ? null : String(one) };
    case 'datepicker':
      return { type, selected_date: one === undefined ? null : String(one) };
    case 'timepicker':
      return { type, selected_time: one === undefined ? null : String(one) };
    case 'static_select':
    case 'radio_buttons':
      return { type, selected_option: option(one) };
    case 'multi_static_select':
    case 'checkboxes':
      return { type, selected_options: many.map(option).filter((o) => o !== null) };
    case 'users_select':
      return { type, selected_user: one ?? null };
    case 'conversations_select':
      return { type, selected_conversation: one ?? null };
    case 'channels_select':
      return { type, selected_channel: one ?? null };
    default:
      return undefined;
  }
}

/** The raw value an element starts with (its initial_* field), in the form stateValue takes. */
export function initialRaw(element: Json): unknown {
  if (element.initial_value !== undefined) return element.initial_value;
  if (element.initial_date !== undefined) return element.initial_date;
  if (element.initial_time !== undefined) return element.initial_time;
  if (isObj(element.initial_option)) return element.initial_option.value;
  if (Array.isArray(element.initial_options))
    return element.initial_options.filter(isObj).map((o) => o.value);
  if (element.initial_user !== undefined) return element.initial_user;
  if (element.initial_conversation !== undefined) return element.initial_conversation;
  if (element.initial_channel !== undefined) return element.initial_channel;
  return undefined;
}

/**
 * view.state.values for a view: each stateful element's value from `values` (keyed by
 * `block_id/action_id`, action_id or block_id), else its initial value.
 */
export function viewState(
  blocks: unknown,
  values: Record<string, unknown>,
): Record<string, Record<string, Json>> {
  const state: Record<string, Record<string, Json>> = {};
  for (const { blockId, element } of allElements(blocks)) {
    const actionId = typeof element.action_id === 'string' ? element.action_id : undefined;
    if (!actionId) continue;
    const both = `${blockId}/${actionId}`;
    const raw =
      both in values
        ? values[both]
        : actionId in values
          ? values[actionId]
          : blockId in values
            ? values[blockId]
            : initialRaw(element);
    const value = stateValue(element, raw);
    if (!value) continue;
    state[blockId] = { ...(state[blockId] ?? {}), [actionId]: value };
  }
  return state;
}
