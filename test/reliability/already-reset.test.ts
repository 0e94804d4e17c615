// Reset Breaker from an alert whose breakers were already cleared (by auto-heal, say): the DML changes no
// row, and the thread and the operator are told so, with who reset them and when, not "reset (2 entities)".
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resetBreaker } from '../../src/recovery/reset-breaker.js';
import { modalStack } from '../../src/sandbox/state.js';
import { actionId, MODALS } from '../../src/views/action-ids.js';
import { ALICE, eventually, type Harness } from '../bot/surface-harness.js';
import { auditOutcomes, ephemerals, lastEphemeral, startAll, threadTexts } from './slack-support.js';

let h: Harness | undefined;
let cases = 0;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => console.log(`already-reset: ${cases} hostile cases`));

/** ALICE presses Reset Breaker on the alert and submits the modal with a reason; returns her answer. */
async function resetFromAlert(harness: Harness, ts: string, reason: string): Promise<string> {
  await harness.sandbox.drivers.clickButton(ts, actionId('reset_breaker'), { user: ALICE });
  await eventually(() => expect(modalStack(harness.sandbox.state, ALICE)).toHaveLength(1));
  const before = ephemerals(harness, ALICE).length;
  const submitted = await harness.sandbox.drivers.submitModal(
    { [MODALS.reset_breaker.reason.actionId]: reason },
    { user: ALICE },
  );
  expect(submitted.status).toBe(200);
  return eventually(() => {
    expect(ephemerals(harness, ALICE).length).toBe(before + 1);
    return lastEphemeral(harness, ALICE);
  });
}

describe('Reset Breaker says what changed', () => {
  it('no row changed after auto-heal reset them: "already reset by shotclock (policy …) at …"', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const earlier = h.clock.now();
    await resetBreaker(h.deps, {
      incidentId: id,
      requestedBy: { policy: 'breaker-data-arrived' },
      reason: 'the upstream data these breakers waited for has arrived',
      breaker: {
        kind: 'reset_breaker',
        breaker: 'entity',
        processor: 'player_boxscores',
        entities: ['p1', 'p2'],
      },
      requestId: 'autoheal-claim',
    });
    h.clock.advance(30 * 60_000);
    h.dml.rows = 0;
    const answer = await resetFromAlert(h, ts, 'the alert still shows the button');
    cases++;
    const at = h.deps.fmt.time(earlier);
    expect(answer).toBe(
      `Nothing to reset: these breakers were already reset by shotclock (policy breaker-data-arrived) at ${at}. Nothing was changed.`,
    );
    await eventually(() =>
      expect(threadTexts(h as Harness, ts).at(-1)).toBe(
        `:electric_plug: Entity breakers of player_boxscores (2 entities: p1, p2) were already reset by shotclock (policy breaker-data-arrived) at ${at}; the reset by <@U01ALICE> changed nothing`,
      ),
    );
    // Not the success line ("Entity breakers of player_boxscores reset by <@U01ALICE> (2 entities…)").
    expect(threadTexts(h, ts).filter((t) => t.includes('player_boxscores reset by <@U01ALICE>'))).toEqual([]);
    expect(await auditOutcomes(h)).toEqual(['reset_breaker ignored', 'reset_breaker ok', 'reset_breaker ok']);
  });

  it('no row changed and no reset on record: "already reset", without a who', async () => {
    h = await startAll();
    const { ts } = await h.seedIncident();
    h.dml.rows = 0;
    expect(await resetFromAlert(h, ts, 'try it')).toBe(
      'Nothing to reset: these breakers were already reset. Nothing was changed.',
    );
    cases++;
    await eventually(() =>
      expect(threadTexts(h as Harness, ts).at(-1)).toBe(
        ':electric_plug: Entity breakers of player_boxscores (2 entities: p1, p2) were already reset; the reset by <@U01ALICE> changed nothing',
      ),
    );
  });
});
