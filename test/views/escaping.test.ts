// Every surface shows values from data and people as they are: a value full of mrkdwn markers, entities, a
// mention and emoji renders (through the sandbox's Slack renderer) as exactly its characters, never as
// italics, bold, strike, code, a link or a <!channel> mention; plain_text keeps it on one line.
import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { presentationOf } from '../../src/pipeline/presentations.js';
import { blocks as renderBlocks } from '../../src/sandbox/render.js';
import { createWorkspace } from '../../src/sandbox/state.js';
import { buildAlert } from '../../src/views/alert.js';
import { breakersView, commandErrorView, parseCommand, scrapeStatusView } from '../../src/views/commands.js';
import { detailsModal } from '../../src/views/details.js';
import { buildDigest } from '../../src/views/digest.js';
import { escapeMrkdwn, escapePlainText } from '../../src/views/escape.js';
import { buildHome } from '../../src/views/home.js';
import { resetBreakerModal } from '../../src/views/modals.js';
import { attemptOutcomeReply, breakerResetReply, exhaustedReply } from '../../src/views/thread.js';
import { validateMessage, validateView } from '../../src/views/validate.js';
import { ctx, finding, incident, now } from './fixtures.js';

/** Markers at word edges and inside words, entities, a mention, a link, a quote and emoji. */
const HOSTILE = '_api_error: HTTP 403_ *bold* ~gone~ `code` <!channel> <http://x.example|x> & a_b*c 🔥 👍🏽';
/** What a person must see: the same characters (a backtick looks the same as the modifier grave accent). */
const SHOWN = HOSTILE.replaceAll('`', 'ˋ');

const ws = createWorkspace();

/** The visible text of rendered HTML: tags dropped, entities read, zero-width spaces gone. */
function visible(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replaceAll('\u200B', '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&');
}

/** Rendered as Slack would: the value appears whole, and nothing in it became markup. */
function expectShownAsIs(blocks: readonly KnownBlock[] | readonly unknown[]) {
  const html = renderBlocks(blocks, { ws });
  expect(visible(html)).toContain(SHOWN);
}

describe('escaping values from data and people', () => {
  it('escapeMrkdwn: entities, markers at word edges, backticks; names inside words stay as typed', () => {
    expect(escapeMrkdwn('bdl_box_scores')).toBe('bdl_box_scores');
    expect(escapeMrkdwn('_x_')).toBe('\u200B_\u200Bx\u200B_\u200B');
    expect(escapeMrkdwn('a <b> & c')).toBe('a &lt;b&gt; &amp; c');
    expect(escapeMrkdwn('`rm`')).toBe('ˋrmˋ');
    expect(escapeMrkdwn('> quoted\n> again')).toBe('\u200B&gt; quoted\n\u200B&gt; again');
    expect(escapeMrkdwn('🔥👍🏽')).toBe('🔥👍🏽');
    expect(escapePlainText('two\nlines\tand\u0000more')).toBe('two lines and more');
  });

  it('alerts: title, summary, key fields and facts', () => {
    const f = finding({
      title: HOSTILE,
      key: `k:${HOSTILE}`,
      facts: {
        date: '2026-01-18',
        nbac_games: 9,
        missing_games: 1,
        missing_matchups: [HOSTILE],
        note: HOSTILE,
      },
    });
    const presentation = presentationOf('source_discrepancy');
    const view = buildAlert({ ...ctx, incident: incident({}, f), ...(presentation ? { presentation } : {}) });
    expect(validateMessage(view)).toEqual([]);
    expectShownAsIs(view.blocks);
    expect(view.text).not.toContain('<!channel>');
    const generic = buildAlert({ ...ctx, incident: incident({}, finding({ facts: { error: HOSTILE } })) });
    expectShownAsIs(generic.blocks);
  });

  it('App Home: a scraper error, an incident title, a breaker error (the italic _api_error_ of the demo)', () => {
    const view = buildHome({
      ...ctx,
      openIncidents: [incident({}, finding({ title: HOSTILE }))],
      scrapers: [
        {
          scraper: 'bp_player_props',
          state: 'red',
          gapCount: 3,
          lastSuccessAt: null,
          recentError: { at: now, message: HOSTILE },
        },
      ],
      breakers: [
        {
          kind: 'proxy',
          provider: 'proxyfuel',
          target: 'bettingpros.com',
          state: 'OPEN',
          failures: 3,
          openedAt: now,
          lastError: HOSTILE,
        },
      ],
      retryItems: [],
      healed24h: [{ title: HOSTILE, action: 'retry', at: now }],
    });
    expect(validateView(view)).toEqual([]);
    expectShownAsIs(view.blocks);
    const html = renderBlocks(view.blocks, { ws });
    expect(html).not.toContain('<i>api_error');
  });

  it('digest: missing items, incidents, recoveries', () => {
    const view = buildDigest({
      ...ctx,
      date: '2026-01-18',
      games: { got: 9, expected: 9 },
      boxscores: { got: 8, expected: 9 },
      gamebooks: { got: 9, expected: 9 },
      missing: [{ date: '2026-01-18', what: 'box scores', teams: [HOSTILE] }],
      breakers: [],
      openIncidents: [incident({}, finding({ title: HOSTILE }))],
      recoveries24h: [{ title: HOSTILE, action: 'retry', at: now, policy: HOSTILE }],
      gapTrend: [],
      recoveryByAttempt: { byAttempt: [0, 0, 0], exhausted: 0 },
    });
    expect(validateMessage(view)).toEqual([]);
    expectShownAsIs(view.blocks);
  });

  it('slash command replies: an echoed argument, a scraper error, a breaker', () => {
    const parsed = parseCommand('/pipeline-health', HOSTILE.replaceAll(' ', ''), '2026-01-19');
    if (parsed.kind !== 'error') throw new Error('expected a refusal');
    const refusal = commandErrorView('/pipeline-health', parsed.message);
    expect(renderBlocks(refusal.blocks, { ws })).not.toContain('class="mention"');
    const status = scrapeStatusView(
      [
        {
          scraper: 'bp_player_props',
          state: 'red',
          gapCount: 1,
          lastSuccessAt: null,
          recentError: { at: now, message: HOSTILE },
        },
      ],
      ctx,
    );
    expectShownAsIs(status.blocks);
    const breakers = breakersView(
      [
        {
          kind: 'entity',
          processor: 'pdc',
          entity: HOSTILE,
          attempts: 5,
          trippedUntil: now,
          reason: HOSTILE,
        },
      ],
      ctx,
    );
    expectShownAsIs(breakers.blocks);
  });

  it("thread replies: an attempt's error, an exhausted retry, a reset reason typed by a person", () => {
    const attempt = attemptOutcomeReply({
      ...ctx,
      attempt: 1,
      received: 6,
      expected: 9,
      unit: 'games',
      error: HOSTILE,
      nextAt: null,
    });
    expectShownAsIs(attempt.blocks);
    expect(attempt.text).not.toMatch(/<!channel>/);
    const exhausted = exhaustedReply({
      attempts: 3,
      received: 6,
      expected: 9,
      unit: 'games',
      operators: [],
      lastError: HOSTILE,
    });
    expectShownAsIs(exhausted.blocks);
    const reset = breakerResetReply({
      breaker: 'entity',
      processor: 'pdc',
      entities: ['a'],
      by: { user: 'U1' },
      reason: HOSTILE,
    });
    expectShownAsIs(reset.blocks);
  });

  it('modals: Details with every fact, Reset Breaker naming entities', () => {
    const details = detailsModal({
      ...ctx,
      incident: incident({}, finding({ title: HOSTILE, facts: { error: HOSTILE, list: [HOSTILE] } })),
      summary: HOSTILE,
      history: [],
    });
    expect(validateView(details)).toEqual([]);
    expectShownAsIs(details.blocks);
    const reset = resetBreakerModal({
      action: {
        v: 1,
        a: 'reset_breaker',
        incidentId: 'i#1',
        breaker: 'entity',
        processor: 'pdc',
        entities: [HOSTILE],
      },
    });
    expectShownAsIs(reset.blocks);
  });
});
