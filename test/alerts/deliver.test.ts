import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryServices, deliverRun } from '../../src/alerts/deliver.js';
import type { IncidentMessages } from '../../src/alerts/port.js';
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import * as incidents from '../../src/store/incidents.js';
import type { DocumentStore } from '../../src/store/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';
import { FakeChat } from '../support/fake-chat.js';
import { testLogger } from '../support/services.js';

const incidentMessages: IncidentMessages = {
  alert: (i) => ({ text: `${i.status}:${i.key}:seen ${i.seen_count}`, blocks: [{ type: 'divider' }] }),
  reply: (kind, i) => ({ text: `${kind}:${i.key}` }),
  refresh: async () => {},
  resolveRecovered: async () => {},
};

function finding(check: string, date: string, severity: Finding['severity'] = 'error'): Finding {
  return {
    check,
    key: `${check}:${date}`,
    severity,
    title: `${check} on ${date}`,
    subject: { date },
    facts: { n: 1 },
    actions: [],
  };
}

describe('deliverRun', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  let chat: FakeChat;
  let clock: ManualClock;
  let deps: DeliveryServices;

  beforeEach(async () => {
    ({ store, cleanup } = await tempDuckDbStore());
    chat = new FakeChat();
    clock = new ManualClock(new Date('2026-01-19T14:00:00Z'));
    deps = {
      store,
      chat,
      clock,
      incidentMessages,
      routing: { defaultChannel: 'C_ALERTS', criticalChannel: 'C_CRIT', criticalMention: '<!subteam^S1>' },
      log: testLogger(),
    };
  });
  afterEach(() => cleanup());

  it('posts one message per incident and updates it in place on later runs and after a restart', async () => {
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    const first = await deliverRun(deps, run);
    expect(first).toMatchObject({ opened: 1, posted: 1, errors: [] });
    clock.advance(4 * 3_600_000);
    await deliverRun(deps, run);
    // A fresh process on the same store (restart) must not post again either.
    await deliverRun({ ...deps, chat }, run);
    expect(chat.messages).toHaveLength(1);
    expect(chat.messages[0]?.text).toBe('open:scraper_gaps:2026-01-19:seen 3');
    expect(chat.messages[0]?.updates).toBe(2);
  });

  it('resolves a key that is gone after a clean run: edits the message and replies once in its thread', async () => {
    await deliverRun(deps, {
      findings: [finding('scraper_gaps', '2026-01-19')],
      checksRan: ['scraper_gaps'],
    });
    const root = chat.messages[0];
    clock.advance(5 * 3_600_000);
    const summary = await deliverRun(deps, { findings: [], checksRan: ['scraper_gaps'] });
    await deliverRun(deps, { findings: [], checksRan: ['scraper_gaps'] });
    expect(summary.resolved).toBe(1);
    expect(root?.text).toBe('resolved:scraper_gaps:2026-01-19:seen 1');
    expect(chat.replies(root?.ts ?? '').map((m) => m.text)).toEqual(['resolved:scraper_gaps:2026-01-19']);
  });

  it('does not resolve when the check did not run or failed', async () => {
    await deliverRun(deps, {
      findings: [finding('scraper_gaps', '2026-01-19')],
      checksRan: ['scraper_gaps'],
    });
    await deliverRun(deps, { findings: [], checksRan: ['prediction_volume'] });
    const failed: Finding = {
      ...finding('check_failed', 'x'),
      key: 'check_failed:scraper_gaps',
      subject: { check: 'scraper_gaps' },
    };
    await deliverRun(deps, { findings: [failed], checksRan: ['scraper_gaps'] });
    const open = await incidents.listOpen(store);
    expect(open.map((i) => i.key).sort()).toEqual(['check_failed:scraper_gaps', 'scraper_gaps:2026-01-19']);
  });

  it('threads a downstream incident under its root cause on the same date', async () => {
    await deliverRun(deps, {
      findings: [finding('prediction_volume', '2026-01-19'), finding('source_discrepancy', '2026-01-19')],
      checksRan: ['prediction_volume', 'source_discrepancy'],
    });
    const top = chat.topLevel();
    expect(top.map((m) => m.text)).toEqual(['open:source_discrepancy:2026-01-19:seen 1']);
    expect(chat.replies(top[0]?.ts ?? '').map((m) => m.text)).toEqual([
      'open:prediction_volume:2026-01-19:seen 1',
    ]);
  });

  it('routes critical incidents to the critical channel with the mention', async () => {
    await deliverRun(deps, {
      findings: [finding('prediction_volume', '2026-01-19', 'critical')],
      checksRan: [],
    });
    expect(chat.messages.map((m) => [m.channel, m.text])).toEqual([
      ['C_CRIT', '<!subteam^S1> open:prediction_volume:2026-01-19:seen 1'],
    ]);
  });

  it('a lost Slack response is recovered on a later run without a second post', async () => {
    chat.nextPostFault = 'lost';
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    const first = await deliverRun(deps, run);
    expect(first.errors).toHaveLength(1);
    await deliverRun(deps, run); // too soon to call the claim abandoned: another instance might be posting
    clock.advance(11 * 60_000);
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
    const [incident] = await incidents.listOpen(store);
    expect(incident?.message).toEqual({ channel: 'C_ALERTS', ts: chat.messages[0]?.ts });
    expect(chat.messages[0]?.updates).toBe(1);
  });

  it('a post Slack refused is made on a later run, exactly once', async () => {
    chat.nextPostFault = 'before';
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(0);
    clock.advance(11 * 60_000);
    await deliverRun(deps, run);
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
  });

  it('a slow post still in flight is not taken for a crashed one by a concurrent run', async () => {
    let release: () => void = () => {};
    chat.holdPosts = new Promise((r) => {
      release = r;
    });
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    const slow = deliverRun(deps, run);
    await new Promise((r) => setTimeout(r, 50));
    clock.advance(60 * 60_000); // long past the unfinished window, as on the demo's accelerated clock
    await deliverRun(deps, run);
    release();
    await slow;
    expect(chat.messages).toHaveLength(1);
  });
});
