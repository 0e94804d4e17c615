// Clicks on a posted alert through the real Bolt app and the sandbox: Retry schedules once, Backfill and
// Reset Breaker are refused to non-operators (audited, nothing else), operators go through the modals,
// ack/snooze/pause change the incident, forged requests and forged values change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { actionsSurface } from '../../src/bot/actions/index.js';
import { etInstant } from '../../src/jobs/time.js';
import { ephemeralsFor, modalStack, replies } from '../../src/sandbox/state.js';
import * as audit from '../../src/store/audit.js';
import * as incidents from '../../src/store/incidents.js';
import { actionId, encodeActionValue, MODALS } from '../../src/views/action-ids.js';
import { postSigned } from '../support/slack-request.js';
import { ALERTS, ALICE, BOB, eventually, type Harness, SECRET, startHarness } from './surface-harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const start = () => startHarness((deps) => [actionsSurface(deps)]);

const lastEphemeral = (harness: Harness, user: string) => {
  const list = ephemeralsFor(harness.sandbox.state, user, ALERTS);
  return list[list.length - 1]?.text ?? '';
};
const ephemeralCount = (harness: Harness, user: string) =>
  ephemeralsFor(harness.sandbox.state, user, ALERTS).length;
/** who/action/outcome of an incident's audit entries, sorted (entries at one instant have no order). */
const trailOf = async (harness: Harness, id: string) =>
  (await audit.listByIncident(harness.store, id)).map((e) => `${e.who} ${e.action} ${e.outcome}`).sort();
const threadTexts = (harness: Harness, ts: string) =>
  replies(harness.sandbox.state, ALERTS, ts)
    .filter((m) => m.ts !== ts)
    .map((m) => m.text);

/** Click and wait for the ephemeral answer (listeners run after the ack). */
async function click(harness: Harness, ts: string, id: string, user: string) {
  const before = ephemeralCount(harness, user);
  const result = await harness.sandbox.drivers.clickButton(ts, id, { user });
  expect(result.status).toBe(200);
  return eventually(() => {
    expect(ephemeralCount(harness, user)).toBe(before + 1);
    return lastEphemeral(harness, user);
  });
}

describe('alert actions', () => {
  it('Retry enqueues attempt 1 and replies "scheduled" in the thread; a second click adds nothing', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    const first = await click(h, ts, actionId('retry'), BOB);
    expect(first).toContain('bdl_box_scores 2026-01-19');
    expect(h.tasks.tasks).toHaveLength(1);
    expect(h.tasks.tasks[0]).toMatchObject({
      route: '/tasks/retry',
      scheduleTime: new Date('2026-01-20T18:00:00Z'),
    });
    expect(threadTexts(h, ts)).toEqual([
      expect.stringMatching(
        /^:repeat: Retry 1\/3 for bdl_box_scores 2026-01-19 scheduled .*13:00 ET by <@U02BOB>/,
      ),
    ]);
    const second = await click(h, ts, actionId('retry'), BOB);
    expect(second).toContain('already in progress');
    expect(h.tasks.tasks).toHaveLength(1);
    expect(threadTexts(h, ts)).toHaveLength(1);
    expect(await trailOf(h, id)).toEqual([`${BOB} retry ok`, `${BOB} retry ignored`].sort());
  });

  it('refuses Backfill and Reset Breaker to a non-operator: no modal, no task, no DML, audited', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    for (const kind of ['backfill', 'reset_breaker'] as const) {
      expect(await click(h, ts, actionId(kind), BOB)).toContain('Only operators can use');
    }
    expect(modalStack(h.sandbox.state, BOB)).toEqual([]);
    expect(h.tasks.tasks).toEqual([]);
    expect(h.executed).toEqual([]);
    expect(await trailOf(h, id)).toEqual([`${BOB} backfill denied`, `${BOB} reset_breaker denied`].sort());
    // Visible in the incident's thread, and the incident itself is unchanged.
    await eventually(() =>
      expect(threadTexts(h as Harness, ts)).toEqual([
        expect.stringContaining('<@U02BOB> tried Backfill: not allowed, nothing changed'),
        expect.stringContaining('<@U02BOB> tried Reset Breaker: not allowed, nothing changed'),
      ]),
    );
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
  });

  it('an operator backfills through the modal: bad input is refused in the modal, then one task per date', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    const answer = await h.sandbox.drivers.clickButton(ts, actionId('backfill'), { user: ALICE });
    expect(answer.status).toBe(200);
    const modal = await eventually(() => {
      const top = modalStack((h as Harness).sandbox.state, ALICE)[0];
      expect(top?.view.callback_id).toBe(MODALS.backfill.callbackId);
      return top;
    });
    expect(JSON.stringify(modal?.view)).toContain('2026-01-17');

    const unconfirmed = await h.sandbox.drivers.submitModal({}, { user: ALICE });
    expect(unconfirmed.answer).toMatchObject({
      response_action: 'errors',
      errors: { [MODALS.backfill.confirm.blockId]: expect.any(String) },
    });
    expect(modalStack(h.sandbox.state, ALICE)).toHaveLength(1);
    expect(h.tasks.tasks).toEqual([]);

    const before = ephemeralCount(h, ALICE);
    const submitted = await h.sandbox.drivers.submitModal(
      { [MODALS.backfill.confirm.actionId]: ['confirmed'] },
      { user: ALICE },
    );
    expect(submitted.status).toBe(200);
    expect(modalStack(h.sandbox.state, ALICE)).toEqual([]);
    await eventually(() => expect(ephemeralCount(h as Harness, ALICE)).toBe(before + 1));
    expect(lastEphemeral(h, ALICE)).toContain('Backfill of bdl_box_scores 2026-01-17 → 2026-01-19 started');
    expect(h.tasks.tasks.map((t) => [t.route, (t.body as { date: string }).date])).toEqual([
      ['/tasks/backfill', '2026-01-17'],
      ['/tasks/backfill', '2026-01-18'],
      ['/tasks/backfill', '2026-01-19'],
    ]);
    expect(threadTexts(h, ts)).toEqual([expect.stringContaining('Backfill bdl_box_scores: 0/3 dates done')]);
    expect(await trailOf(h, id)).toEqual([`${ALICE} backfill ok`, `${ALICE} backfill ok`].sort());
  });

  it('an operator resets a breaker with a reason: one parameterized DML, a thread reply', async () => {
    h = await start();
    const { ts } = await h.seedIncident();
    await h.sandbox.drivers.clickButton(ts, actionId('reset_breaker'), { user: ALICE });
    await eventually(() =>
      expect(modalStack((h as Harness).sandbox.state, ALICE)[0]?.view.callback_id).toBe(
        MODALS.reset_breaker.callbackId,
      ),
    );
    const r = await h.sandbox.drivers.submitModal(
      { [MODALS.reset_breaker.reason.actionId]: 'box scores arrived at 10:40' },
      { user: ALICE },
    );
    expect(r.status).toBe(200);
    await eventually(() => expect((h as Harness).executed).toHaveLength(1));
    expect(h.executed[0]).toMatchObject({
      file: 'actions/reset_entity_breakers.sql',
      params: { processor_name: 'player_boxscores', entity_ids: ['p1', 'p2'] },
    });
    await eventually(() =>
      expect(threadTexts(h as Harness, ts)).toEqual([
        expect.stringContaining(
          'Entity breakers of player_boxscores reset by <@U01ALICE> (2 entities: p1, p2)',
        ),
      ]),
    );
  });

  it('Acknowledge and Snooze change the incident, re-render the alert and show in the thread', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    expect(await click(h, ts, actionId('ack'), BOB)).toBe('Acknowledged.');
    const acked = await incidents.get(h.store, id);
    expect(acked?.ack).toEqual({ user: BOB, at: h.clock.now() });
    h.clock.advance(60_000);
    await eventually(() =>
      expect(JSON.stringify(h?.sandbox.state.messages.get(ALERTS)?.[0]?.blocks)).toContain(
        'Acknowledged by <@U02BOB>',
      ),
    );

    const snooze = (duration: '4h' | 'tomorrow') =>
      encodeActionValue({ a: 'snooze', incidentId: id, duration }).value;
    const before = ephemeralCount(h, BOB);
    await h.sandbox.drivers.selectOverflow(ts, actionId('snooze'), snooze('4h'), { user: BOB });
    await eventually(() => expect(ephemeralCount(h as Harness, BOB)).toBe(before + 1));
    expect((await incidents.get(h.store, id))?.snooze_until).toEqual(new Date('2026-01-20T18:01:00Z'));
    h.clock.advance(60_000);
    await h.sandbox.drivers.selectOverflow(ts, actionId('snooze'), snooze('tomorrow'), { user: ALICE });
    await eventually(async () =>
      expect((await incidents.get((h as Harness).store, id))?.snooze_until).toEqual(
        etInstant('2026-01-21', '06:00'),
      ),
    );
    expect(await trailOf(h, id)).toEqual([`${BOB} ack ok`, `${BOB} snooze ok`, `${ALICE} snooze ok`].sort());
    await eventually(() =>
      expect(threadTexts(h as Harness, ts)).toEqual([
        expect.stringContaining(':eyes: Acknowledged by <@U02BOB>'),
        expect.stringContaining(':zzz: Snoozed until'),
        expect.stringContaining(':zzz: Snoozed until'),
      ]),
    );
  });

  it('Details opens a modal with every fact, the key, the query, the history and the runbook, for anyone', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    const answer = await h.sandbox.drivers.clickButton(ts, actionId('details'), { user: BOB });
    expect(answer.status).toBe(200);
    const modal = await eventually(() => {
      const top = modalStack((h as Harness).sandbox.state, BOB)[0];
      expect(top).toBeDefined();
      return top;
    });
    const text = JSON.stringify(modal?.view);
    for (const shown of [
      '*Expected games*: 9',
      '*Received games*: 6',
      'boxscore_completeness:bdl_box_scores:2026-01-19',
      'sql/checks/boxscore_completeness.sql',
      'No earlier incident of this key.',
      'Runbook: boxscore_completeness',
    ])
      expect(text).toContain(shown);
    // Reading changes nothing: no audit entry, no thread reply, no ephemeral answer.
    expect(await trailOf(h, id)).toEqual([]);
    expect(threadTexts(h, ts)).toEqual([]);
    expect(ephemeralCount(h, BOB)).toBe(0);
  });

  it('Pause auto-heal sets the flag once; a second press is ignored', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    const value = encodeActionValue({ a: 'pause_autoheal', incidentId: id }).value;
    const posted = await h.deps.chat.post(
      {
        channel: ALERTS,
        text: 'pause',
        blocks: [
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                text: { type: 'plain_text', text: 'Pause' },
                action_id: actionId('pause_autoheal'),
                value,
              },
            ],
          },
        ],
        threadTs: ts,
      },
      'test-pause',
    );
    expect(await click(h, posted.ts, actionId('pause_autoheal'), ALICE)).toContain('Auto-heal paused');
    expect((await incidents.get(h.store, id))?.auto_heal_paused).toBe(true);
    expect(await click(h, posted.ts, actionId('pause_autoheal'), ALICE)).toContain('Already done');
    expect(await trailOf(h, id)).toEqual([`${ALICE} pause_autoheal ignored`, `${ALICE} pause_autoheal ok`]);
  });

  it('a forged or garbled button value gets an explanation and changes nothing', async () => {
    h = await start();
    const { id } = await h.seedIncident();
    const forged = [
      'not json',
      JSON.stringify({
        v: 1,
        a: 'backfill',
        incidentId: id,
        scraper: 'x',
        from: '2026-01-19',
        until: '2026-01-01',
      }),
      encodeActionValue({ a: 'ack', incidentId: id }).value, // an ack value on a retry id
    ];
    const posted = await h.deps.chat.post(
      {
        channel: ALERTS,
        text: 'forged',
        blocks: [
          {
            type: 'actions',
            elements: forged.map((value, i) => ({
              type: 'button',
              text: { type: 'plain_text', text: `b${i}` },
              action_id: actionId(i === 1 ? 'backfill' : 'retry', i),
              value,
            })),
          },
        ],
      },
      'test-forged',
    );
    for (const [i] of forged.entries()) {
      const kind = i === 1 ? 'backfill' : 'retry';
      expect(await click(h, posted.ts, actionId(kind, i), ALICE)).toContain('could not read this button');
    }
    expect(h.tasks.tasks).toEqual([]);
    expect(modalStack(h.sandbox.state, ALICE)).toEqual([]);
    expect(await incidents.get(h.store, id)).toMatchObject({ ack: null, snooze_until: null });
    // The log line says what happened; the parse error is a field of it, not its message.
    const lines = h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.message === 'unreadable action')).toHaveLength(forged.length);
    expect(lines.find((l) => l.message === 'unreadable action')).toMatchObject({
      severity: 'WARNING',
      error: { code: 'malformed', message: 'value is not JSON' },
    });
  });

  it('a backfill submission a non-operator forged without the modal is refused at submit, audited', async () => {
    h = await start();
    const { id } = await h.seedIncident();
    const ids = MODALS.backfill;
    const metadata = encodeActionValue({
      a: 'backfill',
      incidentId: id,
      scraper: 'bdl_box_scores',
      from: '2026-01-17',
      until: '2026-01-19',
    }).value;
    const payload = {
      type: 'view_submission',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      user: { id: BOB, username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SHOTCLOCK',
      trigger_id: '1.2.3',
      view: {
        id: 'VFORGED1',
        type: 'modal',
        callback_id: ids.callbackId,
        private_metadata: metadata,
        state: {
          values: {
            [ids.from.blockId]: { [ids.from.actionId]: { type: 'datepicker', selected_date: '2026-01-17' } },
            [ids.until.blockId]: {
              [ids.until.actionId]: { type: 'datepicker', selected_date: '2026-01-19' },
            },
            [ids.confirm.blockId]: {
              [ids.confirm.actionId]: { type: 'checkboxes', selected_options: [{ value: 'confirmed' }] },
            },
          },
        },
      },
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await postSigned(h.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    await eventually(() =>
      expect(lastEphemeral(h as Harness, BOB)).toContain('Only operators can use Backfill'),
    );
    expect(h.tasks.tasks).toEqual([]);
    expect(await trailOf(h, id)).toEqual([`${BOB} backfill denied`]);
  });

  it('a request with a forged signature is refused with 401 and changes nothing', async () => {
    h = await start();
    const { id, ts } = await h.seedIncident();
    const payload = {
      type: 'block_actions',
      user: { id: BOB, username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
      api_app_id: 'A0SHOTCLOCK',
      team: { id: 'T0SANDBOX', domain: 'sandbox' },
      trigger_id: '1.2.3',
      container: { type: 'message', message_ts: ts, channel_id: ALERTS },
      channel: { id: ALERTS, name: 'pipeline-alerts' },
      response_url: 'http://127.0.0.1:9/response',
      actions: [
        {
          type: 'button',
          action_id: actionId('ack'),
          block_id: 'b',
          value: encodeActionValue({ a: 'ack', incidentId: id }).value,
          action_ts: String(Date.now() / 1000),
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await postSigned(h.eventsUrl, body, { secret: SECRET, forge: true })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await postSigned(h.eventsUrl, body, { secret: SECRET, timestamp: stale })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
    expect(await audit.listByIncident(h.store, id)).toEqual([]);
    // The same body correctly signed is accepted: the 401s were about the signature alone.
    expect((await postSigned(h.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    await eventually(async () =>
      expect((await incidents.get((h as Harness).store, id))?.ack?.user).toBe(BOB),
    );
  });
});
