// Button values and modal metadata are signed by nobody: a click acts only on what its incident offers. Each
// case is a signed click or submission carrying a value that names a made-up incident, another target than
// the incident's finding offers, or a name that is a path; each is refused with "no longer matches its
// alert" (or "could not read"), audited, and changes nothing: no retry item, task, modal, DML or thread reply.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { modalStack } from '../../src/sandbox/state.js';
import * as incidents from '../../src/store/incidents.js';
import { RETRY_QUEUE } from '../../src/store/retry-queue.js';
import { actionId, encodeActionValue, MODALS } from '../../src/views/action-ids.js';
import { ALICE, BOB, eventually, FINDING, type Harness } from '../bot/surface-harness.js';
import {
  auditOutcomes,
  backfillValues,
  click,
  ephemerals,
  lastEphemeral,
  postButtons,
  resetValues,
  startAll,
  submitForged,
  threadTexts,
  wireValue,
} from './slack-support.js';

let h: Harness | undefined;
let cases = 0;
afterEach(async () => {
  await h?.close();
  h = undefined;
});
afterAll(() => console.log(`forged-values: ${cases} hostile cases`));

const NO_MATCH = 'no longer matches its alert';
const GHOST = 'no_such_check:ghost#1';

describe('a button acts only on what its incident offers', () => {
  it('refuses values naming a made-up incident or another target: nothing scheduled, opened, reset or announced', async () => {
    h = await startAll();
    const { id, ts } = await h.seedIncident();
    const forged: [string, string, Record<string, unknown>, string][] = [
      [
        'a retry for an incident that does not exist',
        'retry',
        { incidentId: GHOST, scraper: 'nbac_injury_report', date: '2026-01-10' },
        BOB,
      ],
      [
        'a retry of another scraper and date on a real incident',
        'retry',
        { incidentId: id, scraper: 'bdl_player_box_scores', date: '2025-12-25' },
        BOB,
      ],
      [
        'a retry of the offered scraper on another date',
        'retry',
        { incidentId: id, scraper: 'bdl_box_scores', date: '2026-01-18' },
        BOB,
      ],
      [
        'a retry of a processor the incident does not offer',
        'retry',
        { incidentId: id, processor: 'player_boxscores', date: '2026-01-19' },
        BOB,
      ],
      [
        'a backfill of another scraper',
        'backfill',
        { incidentId: id, scraper: 'nbac_gamebook', from: '2026-01-17', until: '2026-01-19' },
        ALICE,
      ],
      [
        'a backfill of a range the incident does not offer',
        'backfill',
        { incidentId: id, scraper: 'bdl_box_scores', from: '2025-10-01', until: '2026-01-19' },
        ALICE,
      ],
      [
        'an operator resetting breakers of an incident that does not exist',
        'reset_breaker',
        { incidentId: GHOST, breaker: 'entity', processor: 'player_boxscores' },
        ALICE,
      ],
      [
        'a reset of another processor',
        'reset_breaker',
        { incidentId: id, breaker: 'entity', processor: 'ml_feature_store', entities: ['p1'] },
        ALICE,
      ],
      [
        'a reset of every entity where the incident offers two',
        'reset_breaker',
        { incidentId: id, breaker: 'entity', processor: 'player_boxscores' },
        ALICE,
      ],
      [
        'a reset claiming entities were left out that were not',
        'reset_breaker',
        {
          incidentId: id,
          breaker: 'entity',
          processor: 'player_boxscores',
          entities: ['p1'],
          entitiesOmitted: 5,
        },
        ALICE,
      ],
      ['acknowledging an incident that does not exist', 'ack', { incidentId: GHOST }, BOB],
      ['snoozing an incident that does not exist', 'snooze', { incidentId: GHOST, duration: '4h' }, BOB],
      ['pausing auto-heal of an incident that does not exist', 'pause_autoheal', { incidentId: GHOST }, BOB],
    ];
    const buttons = forged.map(([, kind, fields], i) => ({
      id: actionId(kind as 'retry', i + 1),
      value: wireValue({ a: kind, ...fields }),
    }));
    const at = await postButtons(h, buttons);
    for (const [i, [name, , , user]] of forged.entries()) {
      expect(await click(h, at, buttons[i]?.id ?? '', user), name).toContain(NO_MATCH);
      cases++;
    }
    expect(h.tasks.tasks).toEqual([]);
    expect(h.executed).toEqual([]);
    expect(modalStack(h.sandbox.state, ALICE)).toEqual([]);
    expect(await h.store.query(RETRY_QUEUE, {})).toEqual([]);
    expect(threadTexts(h, ts)).toEqual([]);
    expect(await incidents.get(h.store, id)).toMatchObject({
      ack: null,
      snooze_until: null,
      auto_heal_paused: false,
    });
    // Every refusal is audited as such, and nothing else was.
    const outcomes = await auditOutcomes(h);
    expect(outcomes).toHaveLength(forged.length);
    expect(outcomes.every((o) => o.endsWith(' refused'))).toBe(true);
  });

  it('refuses scraper, processor and proxy names that are paths, in the value itself', async () => {
    h = await startAll();
    const { id } = await h.seedIncident();
    const values: [string, Record<string, unknown>, string][] = [
      ['retry', { incidentId: id, scraper: '../x/y', date: '2026-01-19' }, BOB],
      ['retry', { incidentId: id, processor: 'a\\b', date: '2026-01-19' }, BOB],
      [
        'backfill',
        { incidentId: id, scraper: '/etc/passwd', from: '2026-01-17', until: '2026-01-19' },
        ALICE,
      ],
      [
        'reset_breaker',
        { incidentId: id, breaker: 'proxy', provider: 'decodo', target: 'nba.com/../x' },
        ALICE,
      ],
    ];
    const buttons = values.map(([kind, fields], i) => ({
      id: actionId(kind as 'retry', i + 1),
      value: wireValue({ a: kind, ...fields }),
    }));
    const at = await postButtons(h, buttons);
    for (const [i, [, , user]] of values.entries()) {
      expect(await click(h, at, buttons[i]?.id ?? '', user)).toContain('could not read this button');
      cases++;
    }
    expect(h.tasks.tasks).toEqual([]);
    expect(modalStack(h.sandbox.state, ALICE)).toEqual([]);
  });

  it('refuses forged modal submissions for a made-up incident or another target: no DML, no task', async () => {
    h = await startAll();
    const { id } = await h.seedIncident();
    const reset = (incidentId: string, processor: string) =>
      encodeActionValue({ a: 'reset_breaker', incidentId, breaker: 'entity', processor }).value;
    const backfill = (incidentId: string, scraper: string) =>
      encodeActionValue({ a: 'backfill', incidentId, scraper, from: '2026-01-17', until: '2026-01-19' })
        .value;
    const submissions: [string, string, string, Record<string, unknown>][] = [
      [
        'reset of a made-up incident',
        MODALS.reset_breaker.callbackId,
        reset(GHOST, 'player_boxscores'),
        resetValues('all of them'),
      ],
      [
        'reset of another processor',
        MODALS.reset_breaker.callbackId,
        reset(id, 'ml_feature_store'),
        resetValues('why not'),
      ],
      [
        'backfill of another scraper',
        MODALS.backfill.callbackId,
        backfill(id, 'nbac_gamebook'),
        backfillValues('2026-01-17', '2026-01-19'),
      ],
      [
        'backfill of a made-up incident',
        MODALS.backfill.callbackId,
        backfill(GHOST, 'bdl_box_scores'),
        backfillValues('2026-01-17', '2026-01-19'),
      ],
    ];
    for (const [name, callbackId, metadata, values] of submissions) {
      const before = ephemerals(h, ALICE).length;
      expect((await submitForged(h, callbackId, metadata, values, ALICE)).status, name).toBe(200);
      await eventually(() => expect(ephemerals(h as Harness, ALICE).length, name).toBe(before + 1));
      expect(lastEphemeral(h, ALICE), name).toContain(NO_MATCH);
      cases++;
    }
    expect(h.executed).toEqual([]);
    expect(h.tasks.tasks).toEqual([]);
    expect(await auditOutcomes(h)).toEqual([
      'backfill refused',
      'backfill refused',
      'reset_breaker refused',
      'reset_breaker refused',
    ]);
  });

  it('an operator’s reset acts on the incident’s whole entity list, not the part the button could carry', async () => {
    h = await startAll();
    const many = Array.from({ length: 300 }, (_, i) => `player_with_a_long_lookup_name_${i}`);
    const { ts } = await h.seedIncident({
      ...FINDING,
      actions: [{ kind: 'reset_breaker', breaker: 'entity', processor: 'player_boxscores', entities: many }],
    });
    await h.sandbox.drivers.clickButton(ts, actionId('reset_breaker'), { user: ALICE });
    await eventually(() => expect(modalStack((h as Harness).sandbox.state, ALICE)).toHaveLength(1));
    const submitted = await h.sandbox.drivers.submitModal(
      { [MODALS.reset_breaker.reason.actionId]: 'the box scores arrived' },
      { user: ALICE },
    );
    expect(submitted.status).toBe(200);
    await eventually(() => expect((h as Harness).executed).toHaveLength(1));
    expect(h.executed[0]?.params).toMatchObject({ processor_name: 'player_boxscores', entity_ids: many });
  });
});
