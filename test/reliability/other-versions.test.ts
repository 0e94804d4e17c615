// Buttons and forms of another wire version, or ones this bot never made, each signed as Slack sends it:
// every one is acked at once (not Bolt's 404 after 3 s), the person is told what it is, nothing changes, and an
// open alert it belongs to is re-rendered with the current buttons.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as incidents from '../../src/store/incidents.js';
import { ALERTS, ALICE, BOB, eventually, type Harness } from '../bot/surface-harness.js';
import {
  auditOutcomes,
  backfillValues,
  channelMessage,
  click,
  ephemerals,
  errorLines,
  lastEphemeral,
  postButtons,
  startAll,
  submitForged,
} from './slack-support.js';

let h: Harness | undefined;
let cases = 0;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => console.log(`other-versions: ${cases} hostile cases`));

describe('buttons and forms of other versions', () => {
  it('an older alert’s button is answered and the alert re-rendered with the current buttons', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    // The alert as an older version posted it: its button's id and value are of wire version 0.
    await h.deps.chat.update({
      channel: ALERTS,
      ts,
      text: channelMessage(h, ts)?.text ?? '',
      blocks: [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Retry' },
              action_id: 'v0.retry',
              value: 'retry:bdl_box_scores:2026-01-19',
            },
          ],
        },
      ],
    });
    expect(await click(h, ts, 'v0.retry', BOB)).toContain('older version of the alert');
    cases++;
    expect(lastEphemeral(h, BOB)).toContain('now shows the current buttons');
    await eventually(() => {
      const blocks = JSON.stringify(channelMessage(h as Harness, ts)?.blocks);
      expect(blocks).toContain('"v1.retry"');
      expect(blocks).not.toContain('v0.retry');
    });
    expect(h.tasks.tasks).toEqual([]);
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
    expect(await auditOutcomes(h)).toEqual(['retry ignored']);
  });

  it('older, newer, unknown ids and an old value on a current id are acked at once and change nothing', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const at = await postButtons(h, [
      { id: 'v0.ack', value: JSON.stringify({ v: 0, a: 'ack', incidentId: id }) },
      { id: 'v2.ack', value: JSON.stringify({ v: 2, a: 'ack', incidentId: id }) },
      { id: 'v9.launch_missiles', value: '{}' },
      { id: 'frobnicate', value: 'x' },
      { id: 'v1.ack', value: JSON.stringify({ v: 0, a: 'ack', incidentId: id }) },
    ]);
    const expected: [string, string][] = [
      ['v0.ack', 'older version of the alert'],
      ['v2.ack', 'newer version of the alert'],
      ['v9.launch_missiles', 'newer version of the alert'],
      ['frobnicate', 'does not know this button'],
      ['v1.ack', 'older version of the alert'],
    ];
    for (const [actionId, text] of expected) {
      expect(await click(h, at, actionId, BOB), actionId).toContain(text);
      cases++;
    }
    // The incident is open and named by the values: its alert was re-rendered (with the v1 buttons it has).
    expect(channelMessage(h, ts)?.edited).toBeDefined();
    expect(JSON.stringify(channelMessage(h, ts)?.blocks)).toContain('"v1.ack"');
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
    expect(h.tasks.tasks).toEqual([]);
    expect(errorLines(h)).toEqual([]);
  });

  it('a form of another version or an unknown callback id is acked, closed and explained', async () => {
    h = await startAll();
    const { id } = await h.seedIncident();
    const metadata = JSON.stringify({ v: 0, a: 'backfill', incidentId: id });
    const expected: [string, RegExp][] = [
      ['v0.backfill_modal', /older version of the alert/],
      ['v3.backfill_modal', /newer version of the alert/],
      ['something_else', /does not know this form/],
    ];
    for (const [callbackId, text] of expected) {
      const before = ephemerals(h, ALICE).length;
      const started = Date.now();
      const res = await submitForged(
        h,
        callbackId,
        metadata,
        backfillValues('2026-01-17', '2026-01-19'),
        ALICE,
      );
      expect(res.status, callbackId).toBe(200);
      expect(Date.now() - started).toBeLessThan(1500);
      // An empty ack closes the modal.
      expect(await res.text()).toBe('');
      await eventually(() => expect(ephemerals(h as Harness, ALICE).length).toBe(before + 1));
      expect(lastEphemeral(h, ALICE)).toMatch(text);
      cases++;
    }
    expect(h.tasks.tasks).toEqual([]);
    expect(errorLines(h)).toEqual([]);
  });
});
