import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/jobs/finding.js';
import {
  ACTION_ID_PATTERNS,
  ACTION_IDS,
  type ActionPayload,
  actionId,
  encodeActionValue,
  MAX_VALUE_CHARS,
  MODALS,
  modalKindOf,
  offeredAction,
  parseAction,
  parseActionId,
  parseActionValue,
  payloadOfAction,
  wireVersionOf,
} from '../../src/views/action-ids.js';

const incidentId = 'source_discrepancy:bdl_box_scores:2026-01-19#1';

const payloads: ActionPayload[] = [
  { a: 'retry', incidentId, scraper: 'bdl_box_scores', date: '2026-01-19' },
  { a: 'retry', incidentId, processor: 'upcoming_player_game_context', date: '2026-01-19' },
  { a: 'backfill', incidentId, scraper: 'bdl_box_scores', from: '2026-01-13', until: '2026-01-19' },
  {
    a: 'reset_breaker',
    incidentId,
    breaker: 'entity',
    processor: 'player_daily_cache',
    entities: ['lebron_james', 'stephen_curry'],
  },
  { a: 'reset_breaker', incidentId, breaker: 'proxy', provider: 'decodo', target: 'bettingpros' },
  { a: 'ack', incidentId },
  { a: 'snooze', incidentId, duration: '1h' },
  { a: 'snooze', incidentId, duration: 'tomorrow' },
  { a: 'pause_autoheal', incidentId },
  { a: 'details', incidentId },
];

describe('action ids', () => {
  it('are versioned, distinct, and matched by their own pattern only', () => {
    const ids = Object.values(ACTION_IDS);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [kind, id] of Object.entries(ACTION_IDS)) {
      expect(id.startsWith('v1.')).toBe(true);
      for (const [other, pattern] of Object.entries(ACTION_ID_PATTERNS)) {
        expect(pattern.test(id)).toBe(kind === other);
        expect(pattern.test(`${id}.2`)).toBe(kind === other);
      }
    }
    const modalIds = [
      MODALS.backfill.callbackId,
      MODALS.backfill.from.blockId,
      MODALS.backfill.until.blockId,
      MODALS.reset_breaker.callbackId,
      MODALS.reset_breaker.reason.blockId,
    ];
    expect(new Set(modalIds).size).toBe(modalIds.length);
    for (const id of modalIds) expect(id.startsWith('v1.')).toBe(true);
  });

  it('route every modal, exactly, to its own kind', () => {
    for (const kind of ['backfill', 'reset_breaker'] as const) {
      const id = MODALS[kind].callbackId;
      expect(modalKindOf(id)).toBe(kind);
      expect(modalKindOf(`${id}x`)).toBeUndefined();
      expect(modalKindOf(`x${id}`)).toBeUndefined();
    }
    expect(modalKindOf('v1xbackfill_modal')).toBeUndefined();
    expect(modalKindOf('v1.unknown_modal')).toBeUndefined();
  });

  it('parse suffixed ids and reject unknown or old ones with a typed error', () => {
    expect(parseActionId(actionId('retry', 2))).toEqual({ ok: true, value: { kind: 'retry', suffix: '2' } });
    expect(parseActionId(actionId('ack'))).toEqual({ ok: true, value: { kind: 'ack', suffix: undefined } });
    const old = parseActionId('v0.retry');
    expect(old.ok === false && old.error.code).toBe('stale_version');
    const unknown = parseActionId('v1.delete_everything');
    expect(unknown.ok === false && unknown.error.code).toBe('unknown_action');
    const garbage = parseActionId('<script>');
    expect(garbage.ok === false && garbage.error.code).toBe('unknown_action');
  });

  it('tell the wire version of any id the bot ever made, of a button or a modal', () => {
    expect(wireVersionOf('v0.retry')).toBe(0);
    expect(wireVersionOf(actionId('retry', 2))).toBe(1);
    expect(wireVersionOf('v12.backfill_modal')).toBe(12);
    expect(wireVersionOf('frobnicate')).toBeUndefined();
    expect(wireVersionOf('v.retry')).toBeUndefined();
  });
});

describe('action values', () => {
  it('round-trip encode → parse for every kind', () => {
    for (const payload of payloads) {
      const { value, omitted } = encodeActionValue(payload);
      expect(omitted).toBe(0);
      expect(value.length).toBeLessThanOrEqual(MAX_VALUE_CHARS);
      const parsed = parseAction(actionId(payload.a), value);
      expect(parsed).toEqual({ ok: true, value: { v: 1, ...payload } });
    }
  });

  it('turn a finding action into the payload its button carries', () => {
    expect(
      payloadOfAction(incidentId, { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' }),
    ).toEqual({ a: 'retry', incidentId, scraper: 'bdl_box_scores', date: '2026-01-19' });
    expect(
      payloadOfAction(incidentId, { kind: 'reset_breaker', breaker: 'proxy', provider: 'p', target: 't' }),
    ).toEqual({ a: 'reset_breaker', incidentId, breaker: 'proxy', provider: 'p', target: 't' });
  });

  it('reject forged and garbled values without throwing', () => {
    const cases: [unknown, string][] = [
      [undefined, 'malformed'],
      ['', 'malformed'],
      ['not json', 'malformed'],
      ['[1,2]', 'malformed'],
      ['null', 'malformed'],
      ['x'.repeat(MAX_VALUE_CHARS + 1), 'malformed'],
      [JSON.stringify({ v: 0, a: 'ack', incidentId }), 'stale_version'],
      [JSON.stringify({ a: 'ack', incidentId }), 'stale_version'],
      [JSON.stringify({ v: 1, a: 'drop_table', incidentId }), 'invalid'],
      [JSON.stringify({ v: 1, a: 'ack' }), 'invalid'],
      [JSON.stringify({ v: 1, a: 'ack', incidentId, admin: true }), 'invalid'],
      [JSON.stringify({ v: 1, a: 'snooze', incidentId, duration: '100y' }), 'invalid'],
      [JSON.stringify({ v: 1, a: 'retry', incidentId, scraper: 's', date: '2026-02-30' }), 'invalid'],
      [JSON.stringify({ v: 1, a: 'retry', incidentId, date: '2026-01-19' }), 'invalid'],
      [
        JSON.stringify({ v: 1, a: 'retry', incidentId, scraper: 's', processor: 'p', date: '2026-01-19' }),
        'invalid',
      ],
      [
        JSON.stringify({
          v: 1,
          a: 'backfill',
          incidentId,
          scraper: 's',
          from: '2026-01-19',
          until: '2026-01-01',
        }),
        'invalid',
      ],
      [JSON.stringify({ v: 1, a: 'reset_breaker', incidentId, breaker: 'all' }), 'invalid'],
    ];
    for (const [value, code] of cases) {
      const parsed = parseActionValue(value);
      expect(parsed.ok, String(value).slice(0, 60)).toBe(false);
      if (!parsed.ok) expect(parsed.error.code, String(value).slice(0, 60)).toBe(code);
    }
  });

  it('reject a valid value sent with another kind of action id', () => {
    const { value } = encodeActionValue({ a: 'ack', incidentId });
    const parsed = parseAction(actionId('reset_breaker'), value);
    expect(parsed.ok === false && parsed.error.code).toBe('mismatch');
  });

  it('cut a long entity list to fit and say how many were left out', () => {
    const entities = Array.from({ length: 500 }, (_, i) => `player_with_a_rather_long_name_${i}`);
    const { value, omitted } = encodeActionValue({
      a: 'reset_breaker',
      incidentId,
      breaker: 'entity',
      processor: 'player_daily_cache',
      entities,
    });
    expect(value.length).toBeLessThanOrEqual(MAX_VALUE_CHARS);
    expect(omitted).toBeGreaterThan(0);
    const parsed = parseActionValue(value, 'reset_breaker');
    if (!parsed.ok || parsed.value.a !== 'reset_breaker') throw new Error('expected a reset_breaker');
    expect(parsed.value.entities?.length).toBe(500 - omitted);
    expect(parsed.value.entitiesOmitted).toBe(omitted);
    expect(parsed.value.entities).toEqual(entities.slice(0, 500 - omitted));
    // One more entity would not have fit.
    const oneMore = JSON.stringify({ ...parsed.value, entities: entities.slice(0, 501 - omitted) });
    expect(oneMore.length).toBeGreaterThan(MAX_VALUE_CHARS);
  });

  it('refuse names that are paths', () => {
    for (const scraper of ['../x/y', 'a/b', 'a\\b', '..', 'x..y', '.hidden', 'a b']) {
      const parsed = parseActionValue(
        JSON.stringify({ v: 1, a: 'retry', incidentId, scraper, date: '2026-01-19' }),
        'retry',
      );
      expect(parsed.ok === false && parsed.error.code, scraper).toBe('invalid');
    }
    expect(() =>
      encodeActionValue({ a: 'retry', incidentId, scraper: '../x', date: '2026-01-19' }),
    ).toThrow();
  });
});

describe('offeredAction', () => {
  const many = Array.from({ length: 500 }, (_, i) => `player_with_a_rather_long_name_${i}`);
  const actions: Action[] = [
    { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-19' },
    { kind: 'backfill', scraper: 'bdl_box_scores', from: '2026-01-13', until: '2026-01-19' },
    { kind: 'reset_breaker', breaker: 'entity', processor: 'player_daily_cache', entities: many },
    { kind: 'reset_breaker', breaker: 'proxy', provider: 'decodo', target: 'nba.com' },
  ];
  const buttonValueOf = (action: Action) => {
    const parsed = parseActionValue(encodeActionValue(payloadOfAction(incidentId, action)).value);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.value;
  };

  it('finds the finding action every button of the alert stands for, a cut entity list included', () => {
    for (const action of actions)
      expect(offeredAction(incidentId, actions, buttonValueOf(action))).toBe(action);
  });

  it('finds nothing for a value the incident does not offer', () => {
    const retry = buttonValueOf(actions[0] as Action);
    const reset = buttonValueOf(actions[2] as Action);
    if (retry.a !== 'retry' || reset.a !== 'reset_breaker') throw new Error('kinds');
    const forged = [
      { ...retry, date: '2026-01-18' },
      { ...retry, scraper: 'bdl_games' },
      { ...retry, incidentId: 'another#1' },
      { ...reset, entities: undefined, entitiesOmitted: undefined },
      { ...reset, entitiesOmitted: (reset.entitiesOmitted ?? 0) + 1 },
      { ...reset, entities: ['someone_else', ...(reset.entities ?? []).slice(1)] },
      { ...reset, processor: 'ml_feature_store' },
      {
        v: 1 as const,
        a: 'reset_breaker' as const,
        incidentId,
        breaker: 'proxy' as const,
        provider: 'decodo',
        target: 'stats.nba.com',
      },
    ];
    for (const value of forged)
      expect(offeredAction(incidentId, actions, value), JSON.stringify(value).slice(0, 120)).toBeUndefined();
  });
});
