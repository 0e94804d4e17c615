import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderUi } from '../../src/sandbox/page.js';
import { blocks, mrkdwn } from '../../src/sandbox/render.js';
import { type Sandbox, startSandbox } from '../../src/sandbox/server.js';
import {
  createWorkspace,
  openModal,
  postEphemeral,
  postMessage,
  publishHome,
} from '../../src/sandbox/state.js';

const ws = createWorkspace();
const ctx = { ws };

/** Tags in the output other than the ones the renderer writes. */
const foreignTags = (html: string) =>
  [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)]
    .map((m) => m[1]?.toLowerCase())
    .filter(
      (t) =>
        ![
          'b',
          'i',
          's',
          'a',
          'br',
          'code',
          'pre',
          'blockquote',
          'span',
          'div',
          'h3',
          'hr',
          'button',
          'select',
          'option',
          'optgroup',
          'input',
          'textarea',
          'label',
          'img',
          'ul',
          'ol',
          'li',
          'form',
        ].includes(t ?? ''),
    );

describe('mrkdwn', () => {
  it('renders bold, italic, strike, code, links, mentions, groups and emoji', () => {
    const html = mrkdwn(
      '*Retry* _scheduled_ ~old~ `bdl_box_scores` <https://x.test/a?b=1&amp;c=2|run log> <@U01ALICE> <!subteam^S01ONCALL> <!here> :white_check_mark:',
      ctx,
    );
    expect(html).toContain('<b>Retry</b>');
    expect(html).toContain('<i>scheduled</i>');
    expect(html).toContain('<s>old</s>');
    expect(html).toContain('<code>bdl_box_scores</code>');
    expect(html).toContain(
      '<a href="https://x.test/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">run log</a>',
    );
    expect(html).toContain('<span class="mention">@alice</span>');
    expect(html).toContain('<span class="mention">@pipeline-oncall</span>');
    expect(html).toContain('@here');
    expect(html).toContain('✅');
  });

  it('leaves snake_case and arithmetic alone and keeps line breaks', () => {
    expect(mrkdwn('nba_raw.bdl_player_boxscores 2*3*4\nnext', ctx)).toBe(
      'nba_raw.bdl_player_boxscores 2*3*4<br>next',
    );
  });

  it('escapes everything that is not markup it writes', () => {
    const evil = [
      '<script>alert(1)</script>',
      '&lt;img src=x onerror=alert(1)&gt;',
      '<javascript:alert(1)|click me>',
      '*<b onclick=x>*',
      '`</code><script>x</script>`',
      '"quotes" \'single\'',
    ].join(' ');
    const html = mrkdwn(evil, ctx);
    expect(foreignTags(html)).toEqual([]);
    expect(html).not.toMatch(/<(script|img)/i);
    expect(html).not.toContain('href="javascript');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('click me');
  });
});

describe('Block Kit rendering', () => {
  it('renders sections with fields and accessory, header, context, actions, divider and image alt', () => {
    const html = blocks(
      [
        { type: 'header', text: { type: 'plain_text', text: 'BDL box scores short' } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: '*3 of 9* games missing' },
          fields: [
            { type: 'mrkdwn', text: '*Date*\n2026-01-19' },
            { type: 'plain_text', text: 'Severity: high' },
          ],
          accessory: {
            type: 'overflow',
            action_id: 'v1.snooze',
            options: [{ text: { type: 'plain_text', text: 'Snooze 1 h' }, value: '1h' }],
          },
        },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'seen by <@U02BOB>' }] },
        {
          type: 'actions',
          block_id: 'acts',
          elements: [
            {
              type: 'button',
              style: 'primary',
              action_id: 'v1.retry',
              value: 'r',
              text: { type: 'plain_text', text: 'Retry' },
            },
            {
              type: 'button',
              style: 'danger',
              action_id: 'v1.reset_breaker',
              text: { type: 'plain_text', text: 'Reset Breaker' },
              confirm: {
                title: { type: 'plain_text', text: 'Sure?' },
                text: { type: 'plain_text', text: 'Resets the breaker' },
                confirm: { type: 'plain_text', text: 'Reset' },
                deny: { type: 'plain_text', text: 'Back' },
              },
            },
            {
              type: 'static_select',
              action_id: 'pick',
              placeholder: { type: 'plain_text', text: 'Pick one' },
              options: [{ text: { type: 'plain_text', text: 'A' }, value: 'a' }],
            },
          ],
        },
        { type: 'image', image_url: 'https://x.test/chart.png', alt_text: 'gap chart' },
        { type: 'image', image_url: 'javascript:alert(1)', alt_text: 'bad url' },
        { type: 'video' },
      ],
      ctx,
    );
    expect(html).toContain('<h3>BDL box scores short</h3>');
    expect(html).toContain('<b>3 of 9</b> games missing');
    expect(html).toContain(
      '<div class="fields"><div class="field"><b>Date</b><br>2026-01-19</div><div class="field">Severity: high</div></div>',
    );
    expect(html).toMatch(/<select class="overflow"[^>]*data-act="select"[^>]*data-action-id="v1.snooze"/);
    expect(html).toContain('<hr>');
    expect(html).toContain('seen by <span class="mention">@bob</span>');
    expect(html).toMatch(
      /<button type="button" class="btn btn-primary" data-act="button" data-action-id="v1.retry" data-block-id="acts" data-value="r">Retry<\/button>/,
    );
    expect(html).toMatch(/class="btn btn-danger"[^>]*data-confirm="\{&quot;title&quot;:&quot;Sure\?&quot;/);
    expect(html).toContain('<option value="">Pick one</option><option value="a">A</option>');
    expect(html).toContain('alt="gap chart"');
    expect(html).toContain('[bad url]');
    expect(html).not.toContain('src="javascript');
    expect(html).toContain('[unsupported block: video]');
  });

  it('escapes attribute and text injection in element fields', () => {
    const html = blocks(
      [
        {
          type: 'actions',
          block_id: '"><script>1</script>',
          elements: [
            {
              type: 'button',
              action_id: '" onclick="alert(1)',
              value: "'><img src=x onerror=alert(1)>",
              text: { type: 'plain_text', text: '<img src=x onerror=alert(1)>' },
            },
          ],
        },
        { type: 'header', text: { type: 'plain_text', text: '</h3><script>alert(1)</script>' } },
      ],
      ctx,
    );
    expect(foreignTags(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<img|" onclick=/);
  });
});

describe('page fragments', () => {
  it('shows a channel with threads, the user’s own ephemerals, Home and the top modal with inputs and errors', () => {
    const w = createWorkspace();
    const parent = postMessage(w, {
      channel: 'C01ALERTS',
      user: 'U0BOT',
      botId: 'B0BOT',
      text: 'alert &lt;b&gt;x&lt;/b&gt; <b>',
    });
    postMessage(w, { channel: 'C01ALERTS', user: 'U0BOT', text: 'Recovered', threadTs: parent.ts });
    postEphemeral(w, { channel: 'C01ALERTS', user: 'U02BOB', text: 'operators only' });
    publishHome(w, 'U01ALICE', {
      type: 'home',
      blocks: [{ type: 'header', text: { type: 'plain_text', text: 'Dashboard' } }],
    });
    const modal = openModal(w, 'U01ALICE', {
      type: 'modal',
      title: { type: 'plain_text', text: 'Backfill' },
      submit: { type: 'plain_text', text: 'Start' },
      blocks: [
        {
          type: 'input',
          block_id: 'from',
          label: { type: 'plain_text', text: 'From' },
          element: { type: 'datepicker', action_id: 'd', initial_date: '2026-01-18' },
        },
        {
          type: 'input',
          block_id: 'why',
          label: { type: 'plain_text', text: 'Reason' },
          element: { type: 'plain_text_input', action_id: 't', multiline: true },
        },
        {
          type: 'input',
          block_id: 'sure',
          label: { type: 'plain_text', text: 'Confirm' },
          element: {
            type: 'checkboxes',
            action_id: 'c',
            options: [{ text: { type: 'plain_text', text: 'I am sure' }, value: 'yes' }],
          },
        },
      ],
    });
    modal.errors = { why: 'Say why' };

    const alice = renderUi(w, { user: 'U01ALICE', channel: 'C01ALERTS', thread: parent.ts });
    // Slack-escaped text shows as typed; a raw <b> is a (non-URL) link token, shown as its text.
    expect(alice.main).toContain('alert &lt;b&gt;x&lt;/b&gt; b</div>');
    expect(alice.main).toContain(`data-thread="${parent.ts}">1 reply</a>`);
    expect(alice.main).not.toContain('operators only');
    expect(alice.thread).toContain('Recovered');
    expect(alice.modal).toContain(
      '<input type="date" class="date" data-form="1" data-action-id="d" data-block-id="from" value="2026-01-18">',
    );
    expect(alice.modal).toContain(
      '<textarea class="text" data-form="1" data-action-id="t" data-block-id="why">',
    );
    expect(alice.modal).toContain('type="checkbox" data-form="1"');
    expect(alice.modal).toContain('<div class="input-error">Say why</div>');
    expect(alice.modal).toContain('>Start</button>');
    expect(alice.sidebar).toContain('# pipeline-alerts');

    const bob = renderUi(w, { user: 'U02BOB', channel: 'C01ALERTS', thread: '' });
    expect(bob.main).toContain('Only visible to you');
    expect(bob.main).toContain('operators only');
    expect(bob.modal).toBe('');

    const home = renderUi(w, { user: 'U01ALICE', channel: 'home', thread: '' });
    expect(home.main).toContain('<h3>Dashboard</h3>');
    expect(home.main).toContain('data-target="view:');
    expect(renderUi(w, { user: 'U02BOB', channel: 'home', thread: '' }).main).toContain('not published');
  });
});

describe('sandbox server', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({
      port: 0,
      botEventsUrl: 'http://127.0.0.1:9/slack/events',
      signingSecret: 's',
      info: () => 'Simulated <time> 2026-01-19 09:00 ET',
    });
  });
  afterAll(() => sandbox.close());

  it('serves the page, its fragments and a live event stream', async () => {
    const page = await fetch(`${sandbox.url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<div id="main">');
    expect(html).toContain("new EventSource('/events')");
    // The script is written inside a TypeScript template string: make sure its escapes left valid JS.
    const script = html.match(/<script>([\s\S]*)<\/script>/)?.[1] ?? '';
    expect(script.length).toBeGreaterThan(1000);
    expect(() => new Function(script)).not.toThrow();
    expect((await fetch(`${sandbox.url}/archives/C01ALERTS/p1768800000000100`)).status).toBe(200);

    const controller = new AbortController();
    const stream = await fetch(`${sandbox.url}/events`, { signal: controller.signal });
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no stream');
    postMessage(sandbox.state, { channel: 'C01ALERTS', user: 'U0BOT', text: 'live' });
    let text = '';
    while (!text.includes('"type":"message"')) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    controller.abort();
    expect(text).toContain('event: hello');
    expect(text).toMatch(/id: \d+\ndata: \{[^\n]*"type":"message","channel":"C01ALERTS"/);

    const ui = (await (await fetch(`${sandbox.url}/sandbox/ui?user=U01ALICE&channel=C01ALERTS`)).json()) as {
      main: string;
      info: string;
    };
    expect(ui.main).toContain('live');
    expect(ui.info).toBe('Simulated &lt;time&gt; 2026-01-19 09:00 ET');
  });

  it('takes page actions as JSON only and reports a bot that cannot be reached', async () => {
    const form = await fetch(`${sandbox.url}/sandbox/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'kind=command',
    });
    expect(form.status).toBe(415);
    const res = await fetch(`${sandbox.url}/sandbox/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'command', command: '/scrape-status', user: 'U01ALICE' }),
    });
    const out = (await res.json()) as { ok: boolean; result: { status: number; error?: string } };
    expect(out.ok).toBe(false);
    expect(out.result.status).toBe(0);
    // As in Slack, the user is told the command failed.
    expect(sandbox.state.ephemerals.at(-1)?.text).toMatch(/^\/scrape-status failed with the error "/);
    const missing = await fetch(`${sandbox.url}/sandbox/act`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'click', target: '1.000000', actionId: 'x' }),
    });
    expect(missing.status).toBe(400);
  });
});
