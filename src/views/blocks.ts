// Small typed constructors for the Block Kit pieces the views use. They enforce the per-object limits
// (truncating text) so no builder can produce an oversize field by forgetting to.
import type {
  ActionsBlock,
  ActionsBlockElement,
  Button,
  ConfirmationDialog,
  ContextBlock,
  DividerBlock,
  HeaderBlock,
  KnownBlock,
  MrkdwnElement,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { escapePlainText } from './escape.js';
import { truncate } from './format.js';
import { LIMITS } from './validate.js';

export type { KnownBlock };

export const plain = (text: string, max: number = LIMITS.sectionText): PlainTextElement => ({
  type: 'plain_text',
  text: truncate(escapePlainText(text) || ' ', max),
  emoji: true,
});

export const mrkdwn = (text: string, max: number = LIMITS.sectionText): MrkdwnElement => ({
  type: 'mrkdwn',
  text: truncate(text || ' ', max),
});

export const header = (text: string): HeaderBlock => ({
  type: 'header',
  text: plain(text, LIMITS.headerText),
});

export const divider = (): DividerBlock => ({ type: 'divider' });

export const section = (text: string, blockId?: string): SectionBlock => ({
  type: 'section',
  text: mrkdwn(text),
  ...(blockId !== undefined && { block_id: blockId }),
});

/** Sections of at most 10 mrkdwn fields each (Slack's limit), each field cut to 2000 chars. */
export function fieldSections(fields: readonly string[]): SectionBlock[] {
  const out: SectionBlock[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.sectionFields) {
    out.push({
      type: 'section',
      fields: fields.slice(i, i + LIMITS.sectionFields).map((f) => mrkdwn(f, LIMITS.fieldText)),
    });
  }
  return out;
}

/** A context line; more than 10 parts are joined so the block stays within Slack's element limit. */
export function context(parts: readonly string[]): ContextBlock {
  const nonEmpty = parts.filter((p) => p !== '');
  const elements =
    nonEmpty.length > LIMITS.contextElements
      ? [
          ...nonEmpty.slice(0, LIMITS.contextElements - 1),
          nonEmpty.slice(LIMITS.contextElements - 1).join('  ·  '),
        ]
      : nonEmpty;
  return { type: 'context', elements: (elements.length ? elements : [' ']).map((p) => mrkdwn(p)) };
}

export interface ButtonSpec {
  readonly text: string;
  readonly actionId: string;
  readonly value?: string;
  readonly style?: 'primary' | 'danger';
  readonly confirm?: ConfirmationDialog;
}

export const button = (b: ButtonSpec): Button => ({
  type: 'button',
  text: plain(b.text, LIMITS.buttonText),
  action_id: b.actionId,
  ...(b.value !== undefined && { value: b.value }),
  ...(b.style !== undefined && { style: b.style }),
  ...(b.confirm !== undefined && { confirm: b.confirm }),
});

export function confirmDialog(
  title: string,
  text: string,
  confirm: string,
  deny = 'Cancel',
): ConfirmationDialog {
  return {
    title: plain(title, LIMITS.confirmTitle),
    text: mrkdwn(text, LIMITS.confirmText),
    confirm: plain(confirm, LIMITS.confirmButton),
    deny: plain(deny, LIMITS.confirmButton),
    style: 'danger',
  };
}

/** Actions blocks of at most 25 elements each. */
export function actionsBlocks(elements: readonly ActionsBlockElement[], blockId?: string): ActionsBlock[] {
  const out: ActionsBlock[] = [];
  for (let i = 0; i < elements.length; i += LIMITS.actionsElements) {
    const n = i / LIMITS.actionsElements;
    out.push({
      type: 'actions',
      elements: elements.slice(i, i + LIMITS.actionsElements),
      ...(blockId !== undefined && { block_id: n === 0 ? blockId : `${blockId}.${n}` }),
    });
  }
  return out;
}

/** Keep `blocks` within `max`: when over, cut and end with a context line (`note`) saying what was left out. */
export function capBlocks<T extends KnownBlock>(
  blocks: readonly T[],
  max: number,
  note: string,
): (T | ContextBlock)[] {
  if (blocks.length <= max) return [...blocks];
  return [...blocks.slice(0, max - 1), context([note])];
}

/**
 * Lines packed into as few sections as fit 3000 chars each, at most `maxBlocks` blocks; lines that do not
 * fit are counted in a closing context line (`more(n)` words it, e.g. "12 more scrapers").
 */
export function packLines(
  lines: readonly string[],
  maxBlocks: number,
  more: (n: number) => string,
): (SectionBlock | ContextBlock)[] {
  const out: (SectionBlock | ContextBlock)[] = [];
  let current: string[] = [];
  let length = 0;
  let used = 0;
  const flush = () => {
    if (current.length) out.push(section(current.join('\n')));
    current = [];
    length = 0;
  };
  for (const raw of lines) {
    const l = truncate(raw, LIMITS.sectionText);
    if (current.length && length + 1 + l.length > LIMITS.sectionText) flush();
    // Keep one block for the "more" line while lines remain.
    if (!current.length && out.length >= maxBlocks - 1 && used < lines.length - 1) break;
    current.push(l);
    length += (current.length > 1 ? 1 : 0) + l.length;
    used++;
  }
  flush();
  if (used < lines.length) out.push(context([more(lines.length - used)]));
  return out;
}
