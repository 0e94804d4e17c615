import { describe, expect, it } from 'vitest';
import {
  consumeTrigger,
  createWorkspace,
  eventsSince,
  history,
  issueResponseUrl,
  issueTrigger,
  openModal,
  postMessage,
  publishHome,
  pushModal,
  replies,
  subscribe,
  threadSummary,
  topModal,
  updateMessage,
  updateView,
  useResponseUrl,
} from '../../src/sandbox/state.js';

function clock(start = 1_768_800_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('sandbox workspace state', () => {
  it('gives unique increasing ts even within one millisecond', () => {
    const ws = createWorkspace({ now: () => 1_768_800_000_000 });
    const a = postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'a' });
    const b = postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'b' });
    expect(a.ts).toBe('1768800000.000000');
    expect(b.ts).toBe('1768800000.000001');
  });

  it('keeps threads: history is top level newest first, replies oldest first with a summary', () => {
    const ws = createWorkspace();
    const parent = postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'alert' });
    postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'other' });
    postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'r1', threadTs: parent.ts });
    const r2 = postMessage(ws, { channel: 'C01ALERTS', user: 'U01ALICE', text: 'r2', threadTs: parent.ts });
    expect(history(ws, 'C01ALERTS').map((m) => m.text)).toEqual(['other', 'alert']);
    expect(replies(ws, 'C01ALERTS', parent.ts).map((m) => m.text)).toEqual(['alert', 'r1', 'r2']);
    expect(replies(ws, 'C01ALERTS', r2.ts).map((m) => m.text)).toEqual(['alert', 'r1', 'r2']);
    expect(threadSummary(ws, 'C01ALERTS', parent.ts)).toEqual({
      replyCount: 2,
      latestReply: r2.ts,
      replyUsers: ['U0BOT', 'U01ALICE'],
    });
  });

  it('logs every change with sequence numbers and tells subscribers', () => {
    const ws = createWorkspace();
    const seen: number[] = [];
    const stop = subscribe(ws, (e) => seen.push(e.seq));
    const m = postMessage(ws, { channel: 'C01ALERTS', user: 'U0BOT', text: 'a' });
    updateMessage(ws, 'C01ALERTS', m.ts, { text: 'b' }, 'U0BOT');
    stop();
    publishHome(ws, 'U01ALICE', { type: 'home', blocks: [] });
    expect(seen).toEqual([1, 2]);
    expect(eventsSince(ws, 1).map((e) => e.type)).toEqual(['message_changed', 'home']);
    expect(m.text).toBe('b');
    expect(m.edited?.user).toBe('U0BOT');
  });

  it('checks view hashes and stacks modals up to three', () => {
    const ws = createWorkspace();
    const home = publishHome(ws, 'U01ALICE', { type: 'home', blocks: [] });
    if (typeof home === 'string') throw new Error(home);
    expect(publishHome(ws, 'U01ALICE', { type: 'home', blocks: [] }, 'stale')).toBe('hash_conflict');
    const root = openModal(ws, 'U01ALICE', { type: 'modal', external_id: 'x' });
    pushModal(ws, 'U01ALICE', { type: 'modal' });
    pushModal(ws, 'U01ALICE', { type: 'modal' });
    expect(pushModal(ws, 'U01ALICE', { type: 'modal' })).toBe('push_limit_reached');
    expect(topModal(ws, 'U01ALICE')?.rootViewId).toBe(root.id);
    const updated = updateView(ws, { externalId: 'x' }, { type: 'modal', title: 'new' });
    expect(typeof updated === 'string' ? updated : updated.id).toBe(root.id);
    expect(updateView(ws, { viewId: 'nope' }, { type: 'modal' })).toBe('not_found');
  });

  it('triggers are single use and expire after 3 s; response urls allow 5 uses', () => {
    const c = clock();
    const ws = createWorkspace({ now: c.now });
    const t1 = issueTrigger(ws, 'U01ALICE');
    expect(consumeTrigger(ws, t1)).toEqual({ user: 'U01ALICE' });
    expect(consumeTrigger(ws, t1)).toBe('expired_trigger_id');
    const t2 = issueTrigger(ws, 'U01ALICE');
    c.advance(3001);
    expect(consumeTrigger(ws, t2)).toBe('expired_trigger_id');
    expect(consumeTrigger(ws, 'bogus')).toBe('invalid_trigger_id');
    const r = issueResponseUrl(ws, { channel: 'C01ALERTS', user: 'U01ALICE' });
    for (let i = 0; i < 5; i++) expect(typeof useResponseUrl(ws, r)).toBe('object');
    expect(useResponseUrl(ws, r)).toBe('used_url');
  });
});
