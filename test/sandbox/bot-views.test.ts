// The bot's own Block Kit builders through the sandbox: accepted by the Web API, rendered without
// unsupported parts, and read back by the bot's own submission parser from the state the drivers build.
import { webApi } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewState } from '../../src/sandbox/block-walk.js';
import { renderUi } from '../../src/sandbox/page.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import { issueTrigger } from '../../src/sandbox/state.js';
import { buildAlert } from '../../src/views/alert.js';
import { backfillModal, readBackfillSubmission, type ViewStateValues } from '../../src/views/modals.js';
import { ctx, finding, incident } from '../views/fixtures.js';

let sandbox: Sandbox;
let client: webApi.WebClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    botEventsUrl: 'http://127.0.0.1:9/',
    signingSecret: 's',
    rateLimit: false,
  });
  client = new webApi.WebClient('xoxb-any', { slackApiUrl: sandbox.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(() => sandbox.close());

describe("the bot's views in the sandbox", () => {
  it('an alert with Retry, Backfill and Reset Breaker posts and renders every control', async () => {
    const view = buildAlert({
      ...ctx,
      incident: incident(
        {},
        finding({
          actions: [
            { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-18' },
            { kind: 'backfill', scraper: 'bdl_box_scores', from: '2026-01-13', until: '2026-01-18' },
            {
              kind: 'reset_breaker',
              breaker: 'entity',
              processor: 'player_daily_cache',
              entities: ['lebron_james'],
            },
          ],
        }),
      ),
    });
    const posted = await client.chat.postMessage({
      channel: 'C01ALERTS',
      text: view.text,
      blocks: view.blocks,
    });
    expect(posted.ok).toBe(true);
    const ui = renderUi(sandbox.state, { user: 'U01ALICE', channel: 'C01ALERTS', thread: '' });
    expect(ui.main).not.toContain('[unsupported');
    for (const id of ['v1.retry', 'v1.backfill', 'v1.reset_breaker']) {
      expect(ui.main).toMatch(
        new RegExp(`data-act="button" data-action-id="${id.replace('.', '\\.')}(\\.[a-z0-9]+)?"`),
      );
    }
  });

  it('the backfill modal opens with its dates, and the drivers’ state parses with the bot’s reader', async () => {
    const view = backfillModal({
      action: {
        v: 1,
        a: 'backfill',
        incidentId: 'boxscore_completeness:2026-01-19#1',
        scraper: 'bdl_box_scores',
        from: '2026-01-13',
        until: '2026-01-19',
      },
      maxRangeDays: 14,
    });
    const opened = await client.views.open({
      trigger_id: issueTrigger(sandbox.state, 'U01ALICE'),
      view: view,
    });
    expect(opened.ok).toBe(true);
    const ui = renderUi(sandbox.state, { user: 'U01ALICE', channel: 'C01ALERTS', thread: '' });
    expect(ui.modal).toContain('value="2026-01-13"');
    expect(ui.modal).toContain('value="2026-01-19"');
    expect(ui.modal).not.toContain('[unsupported');

    const checkbox = view.blocks
      .flatMap((b) => ('element' in b && b.element?.type === 'checkboxes' ? [b.element] : []))
      .map((e) => ('options' in e ? e.options?.[0]?.value : undefined))[0];
    const state = viewState(view.blocks, checkbox ? { 'v1.backfill_modal.confirmed': [checkbox] } : {});
    const read = readBackfillSubmission(state as ViewStateValues, view.private_metadata ?? '', 14);
    expect(read.ok).toBe(true);
  });
});
