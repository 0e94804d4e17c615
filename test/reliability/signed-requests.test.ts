// Correctly signed requests that must still not be acted on: a timestamp from the future, the same signed
// request sent again, interactions without the fields Slack always sends. Each is refused before any listener
// runs and changes nothing; Slack's own retry of an event (sent anew, X-Slack-Retry-Num) is answered.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { issueResponseUrl } from '../../src/sandbox/state.js';
import * as incidents from '../../src/store/incidents.js';
import { actionId, encodeActionValue } from '../../src/views/action-ids.js';
import { ALERTS, BOB, eventually, type Harness, SECRET } from '../bot/surface-harness.js';
import { postSigned } from '../support/slack-request.js';
import { auditOutcomes, ephemerals, errorLines, logLine, startAll } from './slack-support.js';

let h: Harness | undefined;
let cases = 0;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => console.log(`signed-requests: ${cases} hostile cases`));

const responseUrl = (harness: Harness) =>
  `${harness.sandbox.url}/response/${issueResponseUrl(harness.sandbox.state, { channel: ALERTS, user: BOB })}`;

/** An Acknowledge click as Slack sends it. */
const ackClick = (id: string, ts: string, url: string) => ({
  type: 'block_actions',
  user: { id: BOB, username: 'bob', name: 'bob', team_id: 'T0SANDBOX' },
  api_app_id: 'A0SHOTCLOCK',
  team: { id: 'T0SANDBOX', domain: 'sandbox' },
  trigger_id: '1.2.3',
  container: { type: 'message', message_ts: ts, channel_id: ALERTS },
  channel: { id: ALERTS, name: 'pipeline-alerts' },
  response_url: url,
  actions: [
    {
      type: 'button',
      action_id: actionId('ack'),
      block_id: 'b',
      value: encodeActionValue({ a: 'ack', incidentId: id }).value,
      action_ts: String(Date.now() / 1000),
    },
  ],
});
const form = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

describe('signed requests', () => {
  it('refuses a correctly signed request from more than 5 minutes in the future; 4 minutes is accepted', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const body = form(ackClick(id, ts, responseUrl(h)));
    const now = Math.floor(Date.now() / 1000);
    for (const ahead of [3600, 6 * 60]) {
      const res = await postSigned(h.eventsUrl, body, { secret: SECRET, timestamp: now + ahead });
      expect(res.status, `${ahead} s ahead`).toBe(401);
      cases++;
    }
    await new Promise((r) => setTimeout(r, 200));
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
    expect(await auditOutcomes(h)).toEqual([]);
    expect(
      logLine(h, 'Slack request refused: its timestamp is more than 5 minutes in the future'),
    ).toBeDefined();
    // A sender's clock a few minutes ahead is within Slack's window.
    const ahead = await postSigned(h.eventsUrl, body, { secret: SECRET, timestamp: now + 4 * 60 });
    expect(ahead.status).toBe(200);
    await eventually(async () =>
      expect((await incidents.get((h as Harness).store, id))?.ack?.user).toBe(BOB),
    );
  });

  it('answers the same signed request once; Slack’s own retry of an event (re-signed) is answered', async () => {
    h = await startAll();
    const body = new URLSearchParams({
      token: 'legacy',
      team_id: 'T0SANDBOX',
      team_domain: 'sandbox',
      channel_id: ALERTS,
      channel_name: 'pipeline-alerts',
      user_id: BOB,
      user_name: 'bob',
      command: '/breakers',
      text: '',
      api_app_id: 'A0SHOTCLOCK',
      response_url: responseUrl(h),
      trigger_id: '1.2.3',
    }).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postSigned(h.eventsUrl, body, { secret: SECRET, timestamp })).status).toBe(200);
    await eventually(() => expect(ephemerals(h as Harness, BOB)).toHaveLength(1));
    for (let i = 0; i < 3; i++) {
      const again = await postSigned(h.eventsUrl, body, { secret: SECRET, timestamp });
      expect(again.status).toBe(200);
      expect(await again.text()).toBe('');
      cases++;
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(ephemerals(h, BOB)).toHaveLength(1);
    expect(logLine(h, 'Slack request already answered: a replay, not acted on')).toMatchObject({
      severity: 'WARNING',
    });
    // An event Slack redelivers carries a new timestamp and signature: answered, as Slack expects.
    const retry = await h.sandbox.drivers.sendEvent(
      { type: 'app_home_opened', user: BOB, tab: 'home' },
      BOB,
      {
        eventId: 'Ev0REDELIVERED',
        retryNum: 1,
      },
    );
    expect(retry.status).toBe(200);
    await eventually(() => expect((h as Harness).sandbox.state.homes.get(BOB)).toBeDefined());
  });

  it('a signed interaction without a user, an action or a view is a 400, with no error logged', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const { user: _user, ...noUser } = ackClick(id, ts, 'http://127.0.0.1:9/none');
    const payloads: [string, unknown][] = [
      ['block_actions without user', noUser],
      ['block_actions with user as a string', { ...noUser, user: BOB }],
      ['block_actions without actions', { ...noUser, user: { id: BOB }, actions: [] }],
      [
        'block_actions with an action that is not an object',
        { ...noUser, user: { id: BOB }, actions: ['x'] },
      ],
      ['view_submission without user', { type: 'view_submission', view: { callback_id: 'x' } }],
      ['view_submission without view', { type: 'view_submission', user: { id: BOB } }],
    ];
    for (const [name, payload] of payloads) {
      expect((await postSigned(h.eventsUrl, form(payload), { secret: SECRET })).status, name).toBe(400);
      cases++;
    }
    // Bolt's unhandled-request timeout (3 s) would log an error for a request nobody acked.
    await new Promise((r) => setTimeout(r, 3300));
    expect(errorLines(h)).toEqual([]);
    expect((await incidents.get(h.store, id))?.ack).toBeNull();
    expect(await auditOutcomes(h)).toEqual([]);
  }, 15_000);
});
