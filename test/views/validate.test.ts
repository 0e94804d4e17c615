import { describe, expect, it } from 'vitest';
import { validateMessage, validateView } from '../../src/views/validate.js';

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const button = (actionId: string, text = 'Go', value = 'x') => ({
  type: 'button',
  action_id: actionId,
  text: { type: 'plain_text', text },
  value,
});

describe('validateMessage', () => {
  it('accepts a small valid message', () => {
    expect(validateMessage({ text: 'hi', blocks: [section('hello <@U1> &amp; <https://x|x>')] })).toEqual([]);
  });

  it('needs a plain-text fallback', () => {
    expect(validateMessage({ blocks: [] })).toEqual([expect.stringContaining('fallback')]);
    expect(validateMessage({ text: ' ', blocks: [] })).toEqual([expect.stringContaining('fallback')]);
  });

  it('reports each broken limit', () => {
    const cases: [unknown[], string][] = [
      [Array.from({ length: 51 }, () => ({ type: 'divider' })), '51 blocks > 50'],
      [[section('x'.repeat(3001))], '3001 chars > 3000'],
      [
        [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }],
        '11 fields',
      ],
      [[{ type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] }], '2001 chars > 2000'],
      [[{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }], '151 chars > 150'],
      [[{ type: 'header', text: { type: 'mrkdwn', text: 'h' } }], 'must be plain_text'],
      [[{ type: 'actions', elements: [button('a', 'b'.repeat(76))] }], '76 chars > 75'],
      [[{ type: 'actions', elements: [button('a', 'b', 'v'.repeat(2001))] }], 'value of 2001 chars'],
      [[{ type: 'actions', elements: [button('a'.repeat(256))] }], 'action_id of 256 chars'],
      [
        [{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`a${i}`)) }],
        '26 elements > 25',
      ],
      [[{ type: 'actions', elements: [button('a'), button('a')] }], 'duplicate action_id a'],
      [
        [
          { type: 'actions', elements: [button('a')] },
          { type: 'actions', elements: [button('a')] },
        ],
        'duplicate action_id',
      ],
      [
        [
          { ...section('x'), block_id: 'b' },
          { ...section('y'), block_id: 'b' },
        ],
        'duplicate block_id b',
      ],
      [[{ ...section('x'), block_id: 'b'.repeat(256) }], 'block_id of 256 chars'],
      [[section('')], 'empty text'],
      [[section('a < b')], "unescaped '<'"],
      [[section('a > b')], "unescaped '>'"],
      [
        [
          {
            type: 'input',
            label: { type: 'plain_text', text: 'l' },
            element: { type: 'plain_text_input', action_id: 'i' },
          },
        ],
        'only in modals',
      ],
      [
        [{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }],
        '11 context elements',
      ],
      [
        [
          {
            type: 'actions',
            elements: [
              {
                type: 'overflow',
                action_id: 'o',
                options: [
                  { text: { type: 'plain_text', text: 'a' }, value: 'v'.repeat(151) },
                  { text: { type: 'plain_text', text: 'b' }, value: 'w' },
                ],
              },
            ],
          },
        ],
        'value of 151 chars > 150',
      ],
      [
        [
          {
            type: 'actions',
            elements: [
              {
                ...button('a'),
                confirm: {
                  title: { type: 'plain_text', text: 't' },
                  text: { type: 'mrkdwn', text: 'x'.repeat(301) },
                  confirm: { type: 'plain_text', text: 'y' },
                  deny: { type: 'plain_text', text: 'n' },
                },
              },
            ],
          },
        ],
        '301 chars > 300',
      ],
      [[{ type: 'video' }], 'not checked'],
    ];
    for (const [blocks, expected] of cases) {
      const problems = validateMessage({ text: 'fallback', blocks });
      expect(problems.join('\n'), expected).toContain(expected);
    }
  });
});

describe('validateView', () => {
  const modal = (extra: Record<string, unknown>) => ({
    type: 'modal',
    title: { type: 'plain_text', text: 'Backfill' },
    blocks: [],
    ...extra,
  });

  it('accepts a modal with inputs and a submit button, and a Home of 100 blocks', () => {
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'r' },
    };
    expect(validateView(modal({ blocks: [input], submit: { type: 'plain_text', text: 'Reset' } }))).toEqual(
      [],
    );
    expect(
      validateView({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }),
    ).toEqual([]);
  });

  it('reports broken modal and Home limits', () => {
    const input = {
      type: 'input',
      label: { type: 'plain_text', text: 'Reason' },
      element: { type: 'plain_text_input', action_id: 'r' },
    };
    expect(validateView(modal({ blocks: [input] })).join()).toContain('needs a submit');
    expect(validateView(modal({ title: { type: 'plain_text', text: 't'.repeat(25) } })).join()).toContain(
      '25 chars > 24',
    );
    expect(validateView(modal({ private_metadata: 'm'.repeat(3001) })).join()).toContain('3001 chars > 3000');
    expect(
      validateView({ type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) }).join(),
    ).toContain('101 blocks > 100');
    expect(validateView({ type: 'dialog' })).toEqual(['view: bad type dialog']);
  });
});
