import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/jobs/finding.js';
import {
  type AutoHealPolicy,
  type AutoHealState,
  coveringPolicy,
  DEFAULT_POLICIES,
  decideAutoHeal,
  inQuietHours,
  parseQuietHours,
  stateKey,
} from '../../src/recovery/policies.js';

const discrepancy = (date = '2026-01-19'): Finding => ({
  check: 'source_discrepancy',
  key: `source_discrepancy:bdl_box_scores:${date}`,
  severity: 'error',
  title: `BDL box scores missing 3 of 9 games on ${date}`,
  subject: { scraper: 'bdl_box_scores', date },
  facts: {},
  actions: [{ kind: 'retry', scraper: 'bdl_box_scores', date }],
});

const boxscores = (from: string, until: string): Finding => ({
  check: 'boxscore_completeness',
  key: 'boxscore_completeness:LAL',
  severity: 'error',
  title: 'LAL box scores cover 60% of 10 final games',
  subject: { team: 'LAL' },
  facts: {},
  actions: [{ kind: 'backfill', scraper: 'bdl_player_box_scores', from, until }],
});

const breakers = (candidates: string[]): Finding => ({
  check: 'circuit_breakers',
  key: 'circuit_breakers:player_game_summary',
  severity: 'warning',
  title: 'player_game_summary: entity breakers tripped',
  subject: { processor: 'player_game_summary' },
  facts: { auto_reset_candidates: candidates.length },
  actions: [
    candidates.length
      ? { kind: 'reset_breaker', breaker: 'entity', processor: 'player_game_summary', entities: candidates }
      : { kind: 'reset_breaker', breaker: 'entity', processor: 'player_game_summary' },
  ],
});

const EMPTY: AutoHealState = { takenToday: new Map(), inProgress: new Set(), paused: new Set() };
const NOON_ET = new Date('2026-01-20T17:00:00Z');
const policy = (name: string) => DEFAULT_POLICIES.find((p) => p.name === name) as AutoHealPolicy;

describe('decideAutoHeal', () => {
  it('takes the covered findings, first of the day, with the day they count in', () => {
    const { take, skipped } = decideAutoHeal([discrepancy()], DEFAULT_POLICIES, EMPTY, NOON_ET);
    expect(skipped).toEqual([]);
    expect(take.map((t) => [t.policy.name, t.subject, t.action.kind, t.day, t.ordinal])).toEqual([
      ['retry-discrepancy', 'source_discrepancy:bdl_box_scores:2026-01-19', 'retry', '2026-01-20', 1],
    ]);
  });

  it('leaves uncovered checks and severities alone', () => {
    const warning: Finding = {
      ...discrepancy(),
      check: 'phase3_completion',
      key: 'phase3_completion:p:2026-01-20',
      severity: 'warning',
      actions: [{ kind: 'retry', processor: 'p', date: '2026-01-20' }],
    };
    const gaps: Finding = { ...discrepancy(), check: 'scraper_gaps', key: 'scraper_gaps:x' };
    expect(decideAutoHeal([warning, gaps], DEFAULT_POLICIES, EMPTY, NOON_ET)).toEqual({
      take: [],
      skipped: [],
    });
    expect(
      decideAutoHeal([{ ...warning, severity: 'critical' }], DEFAULT_POLICIES, EMPTY, NOON_ET).take,
    ).toHaveLength(1);
  });

  it('resets breakers only when their data has arrived', () => {
    expect(decideAutoHeal([breakers([])], DEFAULT_POLICIES, EMPTY, NOON_ET)).toEqual({
      take: [],
      skipped: [],
    });
    const { take } = decideAutoHeal([breakers(['LAC'])], DEFAULT_POLICIES, EMPTY, NOON_ET);
    expect(take.map((t) => t.action)).toEqual([
      { kind: 'reset_breaker', breaker: 'entity', processor: 'player_game_summary', entities: ['LAC'] },
    ]);
  });

  it('stops at the daily limit per policy and subject; other subjects are counted apart', () => {
    const key = stateKey('retry-discrepancy', discrepancy().key);
    const state = { ...EMPTY, takenToday: new Map([[key, 2]]) };
    const second = decideAutoHeal(
      [discrepancy(), discrepancy('2026-01-18')],
      DEFAULT_POLICIES,
      state,
      NOON_ET,
    );
    expect(second.take.map((t) => [t.subject, t.ordinal])).toEqual([
      ['source_discrepancy:bdl_box_scores:2026-01-19', 3],
      ['source_discrepancy:bdl_box_scores:2026-01-18', 1],
    ]);
    const full = { ...EMPTY, takenToday: new Map([[key, 3]]) };
    const third = decideAutoHeal([discrepancy()], DEFAULT_POLICIES, full, NOON_ET);
    expect(third.take).toEqual([]);
    expect(third.skipped.map((s) => [s.reason, s.detail])).toEqual([
      ['limit', '3 of 3 automatic actions today'],
    ]);
    const strict = [{ ...policy('retry-discrepancy'), maxPerSubjectPerDay: 1 }];
    const once = { ...EMPTY, takenToday: new Map([[key, 1]]) };
    expect(decideAutoHeal([discrepancy()], strict, once, NOON_ET).skipped[0]?.reason).toBe('limit');
  });

  it('a pause wins over everything, for that incident only', () => {
    const state = { ...EMPTY, paused: new Set([discrepancy().key]) };
    const { take, skipped } = decideAutoHeal(
      [discrepancy(), discrepancy('2026-01-18')],
      DEFAULT_POLICIES,
      state,
      NOON_ET,
      { start: 11 * 60, end: 13 * 60, text: '11:00-13:00' },
    );
    expect(take).toEqual([]);
    expect(skipped.map((s) => [s.subject, s.reason])).toEqual([
      ['source_discrepancy:bdl_box_scores:2026-01-19', 'paused'],
      ['source_discrepancy:bdl_box_scores:2026-01-18', 'quiet_hours'],
    ]);
  });

  it('waits while the previous action on the subject still runs', () => {
    const state = { ...EMPTY, inProgress: new Set([stateKey('retry-discrepancy', discrepancy().key)]) };
    expect(decideAutoHeal([discrepancy()], DEFAULT_POLICIES, state, NOON_ET).skipped[0]?.reason).toBe(
      'in_progress',
    );
  });

  it('backfills only the dates whose gap is minAgeHours old', () => {
    const at = (iso: string) =>
      decideAutoHeal([boxscores('2026-01-17', '2026-01-19')], DEFAULT_POLICIES, EMPTY, new Date(iso));
    // 2026-01-19 ends at 05:00Z on the 20th; 6 h later is 11:00Z (06:00 ET).
    expect(at('2026-01-20T10:59:00Z').take[0]?.action).toMatchObject({
      from: '2026-01-17',
      until: '2026-01-18',
    });
    expect(at('2026-01-20T11:00:00Z').take[0]?.action).toMatchObject({
      from: '2026-01-17',
      until: '2026-01-19',
    });
    const young = decideAutoHeal(
      [boxscores('2026-01-19', '2026-01-19')],
      DEFAULT_POLICIES,
      EMPTY,
      new Date('2026-01-20T08:00:00Z'),
    );
    expect(young.take).toEqual([]);
    expect(young.skipped.map((s) => [s.reason, s.detail])).toEqual([
      ['too_recent', 'the gap is not 6 h old yet'],
    ]);
  });

  it("does not backfill twice the dates another team's backfill of the run covers", () => {
    const team = (t: string, from: string, until: string): Finding => ({
      ...boxscores(from, until),
      key: `boxscore_completeness:${t}`,
    });
    const { take, skipped } = decideAutoHeal(
      [
        team('LAL', '2026-01-17', '2026-01-19'),
        team('BOS', '2026-01-19', '2026-01-19'),
        team('CLE', '2026-01-14', '2026-01-19'),
        team('MIA', '2026-01-18', '2026-01-20'),
      ],
      DEFAULT_POLICIES,
      EMPTY,
      new Date('2026-01-22T12:00:00Z'),
    );
    expect(take.map((t) => [t.subject, t.action])).toEqual([
      ['boxscore_completeness:LAL', expect.objectContaining({ from: '2026-01-17', until: '2026-01-19' })],
      ['boxscore_completeness:CLE', expect.objectContaining({ from: '2026-01-14', until: '2026-01-16' })],
      ['boxscore_completeness:MIA', expect.objectContaining({ from: '2026-01-20', until: '2026-01-20' })],
    ]);
    expect(skipped.map((s) => [s.subject, s.reason])).toEqual([['boxscore_completeness:BOS', 'covered']]);
  });

  it('names the policy that covers a finding (for the Pause button)', () => {
    expect(coveringPolicy(discrepancy(), DEFAULT_POLICIES)?.name).toBe('retry-discrepancy');
    expect(coveringPolicy(breakers([]), DEFAULT_POLICIES)).toBeUndefined();
    expect(coveringPolicy(discrepancy(), [])).toBeUndefined();
  });
});

describe('quiet hours', () => {
  it('parses HH:MM-HH:MM and checks ET time, across midnight too', () => {
    const night = parseQuietHours('01:00-05:00');
    const late = parseQuietHours('22:00 - 02:00');
    if (typeof night === 'string' || typeof late === 'string') throw new Error('rejected');
    expect(inQuietHours(night, new Date('2026-01-20T06:00:00Z'))).toBe(true); // 01:00 ET
    expect(inQuietHours(night, new Date('2026-01-20T10:00:00Z'))).toBe(false); // 05:00 ET
    expect(inQuietHours(night, new Date('2026-07-20T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(inQuietHours(late, new Date('2026-01-20T04:00:00Z'))).toBe(true); // 23:00 ET
    expect(inQuietHours(late, new Date('2026-01-20T07:00:00Z'))).toBe(false); // 02:00 ET
    expect(inQuietHours(null, new Date())).toBe(false);
    expect(parseQuietHours('25:00-05:00')).toMatch(/not HH:MM-HH:MM/);
  });
});
