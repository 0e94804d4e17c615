// Bad input changes nothing: a table of hostile slash-command arguments and interactive payloads, sent
// through the real Bolt app as Slack would. Each gets a clear ephemeral answer or a 4xx; no message is
// posted to the channel or a thread, no task enqueued, no DML run, no incident or audit entry changed, and the
// bot keeps serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionsSurface } from '../../src/bot/actions/index.js';
import { commandsSurface } from '../../src/bot/commands.js';
import { ephemeralsFor } from '../../src/sandbox/state.js';
import { AUDIT_LOG } from '../../src/store/audit.js';
import * as incidents from '../../src/store/incidents.js';
import { ACTION_IDS } from '../../src/views/action-ids.js';
import { COMMANDS } from '../../src/views/commands.js';
import {
  ALERTS,
  ALICE,
  BOB,
  eventually,
  type Harness,
  SECRET,
  startHarness,
} from '../bot/surface-harness.js';
import { postSigned } from '../support/slack-request.js';

const ARGUMENTS = [
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '20260119',
  'yesterday',
  "'; DROP TABLE nba_raw.nbac_schedule; --",
  '@now',
  '<script>alert(1)</script>',
  '<!channel> <@U01ALICE>',
  '🏀💥 ünïcødé',
  'bdl_box_scores extra words here',
  '\u0000\u0007',
  'x'.repeat(10_000),
];

let h: Harness;
let incidentId: string;
let alertTs: string;

beforeAll(async () => {
  h = await startHarness((deps) => [commandsSurface(deps), actionsSurface(deps)]);
  ({ id: incidentId, ts: alertTs } = await h.seedIncident());
});
afterAll(() => h?.close());

async function snapshot() {
  const incident = await incidents.get(h.store, incidentId);
  // Refused clicks are audited (every click is), but only as `ignored`/`denied`/`refused`: nothing done.
  const audit = (await h.store.query(AUDIT_LOG, {})).filter(
    (d) => !['ignored', 'denied', 'refused'].includes(String(d.data.outcome)),
  );
  const messages = h.sandbox.state.messages.get(ALERTS) ?? [];
  const channel = messages.filter((m) => !m.threadTs).length;
  const thread = messages.filter((m) => m.threadTs).length;
  return JSON.stringify({
    incident,
    acted: audit.length,
    channel,
    thread,
    tasks: h.tasks.tasks.length,
    dml: h.executed.length,
  });
}

describe('bad input', () => {
  it(`slash commands: ${COMMANDS.length} commands × ${ARGUMENTS.length} hostile arguments each get one ephemeral answer and change nothing`, async () => {
    const before = await snapshot();
    let cases = 0;
    for (const command of COMMANDS) {
      for (const text of ARGUMENTS) {
        const seen = ephemeralsFor(h.sandbox.state, BOB, ALERTS).length;
        const result = await h.sandbox.drivers.sendSlashCommand({
          command,
          text,
          user: BOB,
          channel: ALERTS,
        });
        expect(result.status).toBe(200);
        const answer = await eventually(() => {
          const list = ephemeralsFor(h.sandbox.state, BOB, ALERTS);
          expect(list.length).toBe(seen + 1);
          return list[list.length - 1];
        });
        // Whatever came in, what goes back is escaped: no live mention or markup from the input.
        expect(JSON.stringify(answer)).not.toMatch(/<!channel>|<script>/);
        cases++;
      }
    }
    console.log(`bad-input: ${cases} slash-command cases`);
    expect(await snapshot()).toBe(before);
  }, 60_000);

  it('interactive payloads: garbled, forged and malformed ones are refused and change nothing', async () => {
    const before = await snapshot();
    const url = h.eventsUrl;
    const blockActions = (
      actionId: string,
      value: unknown,
      user: unknown = { id: BOB, username: 'bob', team_id: 'T1' },
    ) =>
      `payload=${encodeURIComponent(
        JSON.stringify({
          type: 'block_actions',
          user,
          team: { id: 'T1', domain: 'demo' },
          api_app_id: 'A0SHOTCLOCK',
          token: 'legacy',
          trigger_id: '1.2.3',
          channel: { id: ALERTS, name: 'pipeline-alerts' },
          container: { type: 'message', message_ts: alertTs, channel_id: ALERTS, is_ephemeral: false },
          message: { ts: alertTs, text: 'alert', type: 'message' },
          response_url: 'http://127.0.0.1:9/none',
          actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: '1.2' }],
        }),
      )}`;
    const cases: [string, string, { forge?: boolean; timestamp?: number }, number[]][] = [
      ['garbled retry value', blockActions(ACTION_IDS.retry, 'not-json{'), {}, [200]],
      ['retry value of another kind', blockActions(ACTION_IDS.retry, '{"v":1,"a":"ack","i":"x"}'), {}, [200]],
      ['wrong value type', blockActions(ACTION_IDS.backfill, 42), {}, [200]],
      ['unknown action id', blockActions('v9.launch_missiles', '{}'), {}, [200]],
      ['stale version', blockActions('v0.retry', '{}'), {}, [200]],
      ['payload is not JSON', 'payload=%7Bnot-json', {}, [400, 401, 500]],
      ['no payload at all', 'nothing=here', {}, [200, 400, 404, 500]],
      ['forged signature', blockActions(ACTION_IDS.ack, '{}'), { forge: true }, [401]],
      [
        'replayed 10 minutes later',
        blockActions(ACTION_IDS.ack, '{}'),
        { timestamp: Math.floor(Date.now() / 1000) - 600 },
        [401],
      ],
      [
        'signed an hour in the future',
        blockActions(ACTION_IDS.ack, '{}'),
        { timestamp: Math.floor(Date.now() / 1000) + 3600 },
        [401],
      ],
      [
        'retry for an incident that does not exist',
        blockActions(
          ACTION_IDS.retry,
          '{"v":1,"a":"retry","incidentId":"no_such_check:ghost#1","scraper":"nbac_injury_report","date":"2026-01-10"}',
        ),
        {},
        [200],
      ],
      [
        'retry of a scraper and date its incident does not offer',
        blockActions(
          ACTION_IDS.retry,
          JSON.stringify({
            v: 1,
            a: 'retry',
            incidentId,
            scraper: 'bdl_player_box_scores',
            date: '2025-12-25',
          }),
        ),
        {},
        [200],
      ],
      [
        'retry of a scraper named like a path',
        blockActions(
          ACTION_IDS.retry,
          JSON.stringify({ v: 1, a: 'retry', incidentId, scraper: '../x/y', date: '2026-01-19' }),
        ),
        {},
        [200],
      ],
      [
        'reset of every breaker of a made-up incident (by an operator)',
        blockActions(
          ACTION_IDS.reset_breaker,
          '{"v":1,"a":"reset_breaker","incidentId":"x#1","breaker":"entity","processor":"player_boxscores"}',
          { id: ALICE, username: 'alice', team_id: 'T1' },
        ),
        {},
        [200],
      ],
      ['no user', blockActions(ACTION_IDS.ack, '{}', null), {}, [400]],
      ['user without an id', blockActions(ACTION_IDS.ack, '{}', { name: 'bob' }), {}, [400]],
    ];
    for (const [name, body, options, statuses] of cases) {
      const res = await postSigned(url, body, { secret: SECRET, ...options });
      expect(statuses, name).toContain(res.status);
    }
    console.log(`bad-input: ${cases.length} interactive payload cases`);
    // Give any (wrongly) accepted click time to act before checking nothing changed.
    await new Promise((r) => setTimeout(r, 300));
    expect(await snapshot()).toBe(before);
    // Still serving after all of it.
    const ok = await h.sandbox.drivers.sendSlashCommand({
      command: '/breakers',
      text: '',
      user: BOB,
      channel: ALERTS,
    });
    expect(ok.status).toBe(200);
  }, 30_000);
});
