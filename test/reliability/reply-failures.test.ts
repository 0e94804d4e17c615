// The outcome the person sees is the outcome stored: a click's change (Acknowledge, Snooze, Pause auto-heal,
// Retry) is stored and audited before its thread reply is posted, so a 500 from chat.postMessage on that reply
// must not turn the answer into ":warning: … failed" nor keep the alert from being re-rendered. The reply's
// claim is released, and the messenger's unfinished-claim path posts it on the next delivery run.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { finishUnfinished } from '../../src/alerts/messenger.js';
import * as incidents from '../../src/store/incidents.js';
import { actionId, encodeActionValue } from '../../src/views/action-ids.js';
import { ALICE, BOB, eventually, type Harness } from '../bot/surface-harness.js';
import {
  auditOutcomes,
  channelMessage,
  click,
  ephemerals,
  lastEphemeral,
  logLine,
  postButtons,
  startAll,
  threadTexts,
} from './slack-support.js';

let h: Harness | undefined;
let cases = 0;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => console.log(`reply-failures: ${cases} hostile cases`));

/** The next chat.postMessage answers HTTP 500 (the thread reply; ephemerals go through response_url). */
const failNextPost = (harness: Harness) =>
  harness.sandbox.webApi.injectFault('chat.postMessage', { kind: 'error', status: 500 });

describe('a failed thread reply after a stored change', () => {
  it('Acknowledge, Snooze and Pause stay done and are answered so; the alert is re-rendered; the replies follow', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const alertBlocks = () => JSON.stringify(channelMessage(h as Harness, ts)?.blocks);
    const pause = await postButtons(
      h,
      [
        {
          id: actionId('pause_autoheal'),
          value: encodeActionValue({ a: 'pause_autoheal', incidentId: id }).value,
        },
      ],
      ts,
    );

    failNextPost(h);
    expect(await click(h, ts, actionId('ack'), BOB)).toBe('Acknowledged.');
    cases++;
    await eventually(() => expect(alertBlocks()).toContain('Acknowledged by <@U02BOB>'));

    failNextPost(h);
    const before = ephemerals(h, BOB).length;
    const snooze = encodeActionValue({ a: 'snooze', incidentId: id, duration: '4h' }).value;
    await h.sandbox.drivers.selectOverflow(ts, actionId('snooze'), snooze, { user: BOB });
    await eventually(() => expect(ephemerals(h as Harness, BOB).length).toBe(before + 1));
    expect(lastEphemeral(h, BOB)).toMatch(/^Snoozed until /);
    cases++;
    await eventually(() => expect(alertBlocks()).toContain(':zzz: Snoozed until'));

    failNextPost(h);
    expect(await click(h, pause, actionId('pause_autoheal'), ALICE)).toBe(
      'Auto-heal paused for this incident.',
    );
    cases++;

    expect(await incidents.get(h.store, id)).toMatchObject({
      ack: { user: BOB },
      snooze_until: expect.any(Date),
      auto_heal_paused: true,
    });
    expect(await auditOutcomes(h)).toEqual(['ack ok', 'pause_autoheal ok', 'snooze ok']);
    expect(logLine(h, 'thread reply failed; the next delivery run posts it')).toMatchObject({
      severity: 'WARNING',
      incidentId: id,
    });
    const replies = () => threadTexts(h as Harness, ts).filter((t) => t !== 'buttons');
    expect(replies()).toEqual([]);
    // Each reply's claim was released when Slack failed: the next delivery run posts them.
    const finished = await finishUnfinished(h.deps);
    expect(finished.failed).toEqual([]);
    // In the order the run finishes them (not necessarily the clicks').
    expect(replies().sort()).toEqual([
      expect.stringContaining(':double_vertical_bar: Auto-heal paused'),
      expect.stringContaining(':eyes: Acknowledged by <@U02BOB>'),
      expect.stringContaining(':zzz: Snoozed until'),
    ]);
  });

  it('a Retry stays scheduled and is answered so when its "scheduled" reply gets a 500', async () => {
    h = await startAll();
    const { ts } = await h.seedIncident();
    failNextPost(h);
    const answer = await click(h, ts, actionId('retry'), BOB);
    cases++;
    expect(answer).toContain('bdl_box_scores 2026-01-19');
    expect(answer).not.toContain('failed');
    expect(h.tasks.tasks).toHaveLength(1);
    expect(await auditOutcomes(h)).toEqual(['retry ok']);
    await finishUnfinished(h.deps);
    expect(threadTexts(h, ts)).toEqual([
      expect.stringMatching(/^:repeat: Retry 1\/3 for bdl_box_scores 2026-01-19/),
    ]);
  });

  it('a refused click’s thread reply failing still answers "not allowed"', async () => {
    h = await startAll();
    const { ts } = await h.seedIncident();
    failNextPost(h);
    expect(await click(h, ts, actionId('reset_breaker'), BOB)).toContain(
      'Only operators can use Reset Breaker',
    );
    cases++;
    expect(await auditOutcomes(h)).toEqual(['reset_breaker denied']);
  });
});
