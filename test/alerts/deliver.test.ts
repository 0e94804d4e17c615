import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DeliveryServices, deliverRun } from '../../src/alerts/deliver.js';
import { UNFINISHED_AFTER_MS } from '../../src/alerts/messenger.js';
import type { IncidentMessages } from '../../src/alerts/port.js';
import { type OutgoingMessage, type PostedMessage, PostNotSentError } from '../../src/chat/port.js';
import { ManualClock } from '../../src/clock.js';
import type { Finding } from '../../src/jobs/finding.js';
import * as incidents from '../../src/store/incidents.js';
import { claimSchema, MESSAGE_LEDGER } from '../../src/store/message-ledger.js';
import { type DocumentStore, docId } from '../../src/store/port.js';
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
      stopSignal: new AbortController().signal,
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

  it('a critical alert threaded under its root is broadcast to the channel too, and so is an escalation', async () => {
    await deliverRun(deps, {
      findings: [
        finding('source_discrepancy', '2026-01-19', 'critical'),
        finding('prediction_volume', '2026-01-19', 'critical'),
        finding('grading_coverage', '2026-01-19', 'warning'),
      ],
      checksRan: [],
    });
    const [root] = chat.topLevel();
    expect(root?.text).toBe('<!subteam^S1> open:source_discrepancy:2026-01-19:seen 1');
    const threaded = chat.replies(root?.ts ?? '');
    expect(threaded.map((m) => [m.text, m.broadcast ?? false])).toEqual([
      ['<!subteam^S1> open:prediction_volume:2026-01-19:seen 1', true],
      ['open:grading_coverage:2026-01-19:seen 1', false],
    ]);
    // The warning escalates to critical while it sits in the thread: the reply says so in the channel.
    await deliverRun(deps, {
      findings: [
        finding('source_discrepancy', '2026-01-19', 'critical'),
        finding('prediction_volume', '2026-01-19', 'critical'),
        finding('grading_coverage', '2026-01-19', 'critical'),
      ],
      checksRan: [],
    });
    const escalated = chat.replies(root?.ts ?? '').at(-1);
    expect([escalated?.text, escalated?.broadcast]).toEqual(['escalated:grading_coverage:2026-01-19', true]);
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
    // The claimant released its claim when the post failed: the next run asks Slack at once, finds it.
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
    const [incident] = await incidents.listOpen(store);
    expect(incident?.message).toEqual({ channel: 'C_ALERTS', ts: chat.messages[0]?.ts });
    expect(chat.messages[0]?.updates).toBe(1);
  });

  it('a post Slack refused is made by the next run, exactly once', async () => {
    chat.nextPostFault = 'before';
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(0);
    await deliverRun(deps, run);
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
    const [incident] = await incidents.listOpen(store);
    expect(incident?.message).toEqual({ channel: 'C_ALERTS', ts: chat.messages[0]?.ts });
  });

  it('a claim a crashed instance left is finished only after the unfinished window, checking Slack first', async () => {
    // Another instance claimed the alert and died before recording it (the message did land).
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    chat.nextPostFault = 'lost';
    await deliverRun(deps, run);
    // Simulate the crash: the claim is left as it was before the failure was handled.
    const [open] = await incidents.listOpen(store);
    await store.runTransaction(async (tx) => {
      tx.update(MESSAGE_LEDGER, docId(`post:${open?.id}`), { released_at: null });
    });
    expect((await deliverRun(deps, run)).pending).toBe(1); // could be a post in flight elsewhere
    clock.advance(UNFINISHED_AFTER_MS + 60_000);
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
    expect((await incidents.listOpen(store))[0]?.message?.ts).toBe(chat.messages[0]?.ts);
  });

  it('once stopping, finishes the decision in flight and leaves the rest unclaimed for the next run', async () => {
    const stop = new AbortController();
    let release: () => void = () => {};
    chat.holdPosts = new Promise((r) => {
      release = r;
    });
    const run = {
      findings: ['2026-01-17', '2026-01-18', '2026-01-19'].map((d) => finding('scraper_gaps', d)),
      checksRan: ['scraper_gaps'],
    };
    const delivering = deliverRun({ ...deps, stopSignal: stop.signal }, run);
    await until(() => chat.postsStarted >= 1); // the first post is on its way
    stop.abort();
    release();
    const summary = await delivering;
    expect(summary).toMatchObject({ opened: 1, posted: 1, deferred: 2, errors: [] });
    expect(chat.messages).toHaveLength(1);
    expect(await store.query(MESSAGE_LEDGER, {})).toHaveLength(1);
    chat.holdPosts = undefined;
    const next = await deliverRun(deps, run);
    expect(next).toMatchObject({ opened: 2, updated: 1, posted: 2, deferred: 0 });
    expect(chat.messages).toHaveLength(3);
  });

  it('a post given up unsent on stop is released, and the next run posts it once', async () => {
    const stop = new AbortController();
    const unsent = new FakeChat();
    // A chat whose post waits for its pacing turn and gives up unsent when the signal fires.
    unsent.post = (_message: OutgoingMessage, intentId: string, signal?: AbortSignal) =>
      new Promise<PostedMessage>((_resolve, reject) => {
        unsent.postsStarted++;
        signal?.addEventListener('abort', () => reject(new PostNotSentError(intentId)), { once: true });
      });
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    const delivering = deliverRun({ ...deps, chat: unsent, stopSignal: stop.signal }, run);
    await until(() => unsent.postsStarted >= 1);
    stop.abort();
    expect(await delivering).toMatchObject({ opened: 1, posted: 0, deferred: 1, errors: [] });
    const [claim] = (await store.query(MESSAGE_LEDGER, {})).map((d) => claimSchema.parse(d.data));
    expect(claim).toMatchObject({ status: 'claimed', released_at: clock.now() });
    await deliverRun(deps, run);
    await deliverRun(deps, run);
    expect(chat.messages).toHaveLength(1);
    expect((await incidents.listOpen(store))[0]?.message?.ts).toBe(chat.messages[0]?.ts);
  });

  it('a slow post still in flight is not taken for a crashed one by a concurrent run', async () => {
    let release: () => void = () => {};
    chat.holdPosts = new Promise((r) => {
      release = r;
    });
    const run = { findings: [finding('scraper_gaps', '2026-01-19')], checksRan: ['scraper_gaps'] };
    const slow = deliverRun(deps, run);
    await until(() => chat.postsStarted >= 1);
    clock.advance(60 * 60_000); // long past the unfinished window, as on the demo's accelerated clock
    await deliverRun(deps, run);
    release();
    await slow;
    expect(chat.messages).toHaveLength(1);
  });
});

/** Wait until `done` holds (a step of concurrent work has happened), polling; fails after 5 s. */
async function until(done: () => boolean): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > 5000) throw new Error('timed out waiting for the condition');
    await new Promise((r) => setTimeout(r, 5));
  }
}
