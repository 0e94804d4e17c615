import { describe, expect, it } from 'vitest';
import { cronSlots, longestInterval, previousSlot } from '../../src/jobs/cron-slots.js';
import {
  evaluateSelfHealth,
  type SelfHealthInput,
  type SlackHealth,
  slackKey,
  staleKey,
} from '../../src/pipeline/self-health.js';

const H = 3_600_000;
const MIN = 60_000;
const at = (iso: string) => new Date(iso);
const healthySlack: SlackHealth = {
  consecutiveFailures: 0,
  failingSince: undefined,
  lastError: undefined,
  lastFailedCall: undefined,
};
const settings = { staleFactor: 2, startupGraceMs: 30 * MIN, slackFailures: 5, slackFailureMs: 5 * MIN };

function input(over: Partial<SelfHealthInput>): SelfHealthInput {
  return {
    now: at('2026-01-20T17:00:00Z'),
    jobs: [],
    slack: healthySlack,
    watchingSince: at('2026-01-01T00:00:00Z'),
    settings,
    ...over,
  };
}

describe('cron slots in ET', () => {
  it('lists slots in ET across the DST change and measures the longest gap', () => {
    // 09:00 ET is 14:00 UTC in winter and 13:00 UTC after the 2026-03-08 change.
    const slots = cronSlots(['0 9 * * *'], at('2026-03-06T00:00:00Z'), at('2026-03-10T00:00:00Z'));
    expect(slots.map((d) => d.toISOString())).toEqual([
      '2026-03-06T14:00:00.000Z',
      '2026-03-07T14:00:00.000Z',
      '2026-03-08T13:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
    ]);
    expect(longestInterval(['0 */4 * * *'], at('2026-01-20T12:00:00Z'))).toBe(4 * H);
    expect(longestInterval(['0 9 * * *', '15 14 * * *'], at('2026-01-20T12:00:00Z'))).toBe(18.75 * H);
    expect(longestInterval(['0 9 * * 1-5'], at('2026-01-20T12:00:00Z'))).toBe(72 * H);
    expect(previousSlot(['0 9 * * *', '15 14 * * *'], at('2026-01-20T20:00:00Z'))?.toISOString()).toBe(
      '2026-01-20T19:15:00.000Z',
    );
  });
});

describe('evaluateSelfHealth: stale jobs', () => {
  const gaps = (last: string | undefined) => ({
    name: 'gaps',
    cron: ['0 */4 * * *'],
    lastCompletedAt: last ? at(last) : undefined,
  });

  it('a 4-hourly job is stale only after twice its interval without a completion', () => {
    // Last completed at 04:00 ET (09:00 UTC); the 08:00 and 12:00 ET slots were missed.
    const job = gaps('2026-01-20T09:01:00Z');
    expect(evaluateSelfHealth(input({ jobs: [job], now: at('2026-01-20T16:30:00Z') }))).toEqual([]);
    expect(evaluateSelfHealth(input({ jobs: [job], now: at('2026-01-20T17:00:00Z') }))).toEqual([]);
    const [finding, ...rest] = evaluateSelfHealth(input({ jobs: [job], now: at('2026-01-20T17:31:00Z') }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      check: 'self_health',
      key: staleKey('gaps'),
      // The only checking job is stale: nothing completes at all.
      severity: 'critical',
      actions: [],
      facts: {
        last_completed: '2026-01-20T09:01:00.000Z',
        expected_interval: '4 h 00 m',
        stale_after: '8 h 00 m',
        overdue_by: '30 m',
        missed_slot: '2026-01-20T17:00:00.000Z',
      },
    });
  });

  it('is not stale while the slot it missed is followed by a completion', () => {
    const job = gaps('2026-01-20T17:02:00Z');
    expect(evaluateSelfHealth(input({ jobs: [job], now: at('2026-01-21T00:00:00Z') }))).toEqual([]);
  });

  it('a daily job between its slots is not stale, and is once two days pass without it', () => {
    const daily = { name: 'completeness', cron: ['0 6 * * *'], lastCompletedAt: at('2026-01-19T11:01:00Z') };
    // 05:59 ET on the 21st: the slot on the 20th was missed, but only 43 h have passed.
    expect(evaluateSelfHealth(input({ jobs: [daily], now: at('2026-01-21T10:59:00Z') }))).toEqual([]);
    // Completed yesterday morning, evening now: between slots, nothing to say.
    const fresh = { ...daily, lastCompletedAt: at('2026-01-20T11:01:00Z') };
    expect(evaluateSelfHealth(input({ jobs: [fresh], now: at('2026-01-21T03:00:00Z') }))).toEqual([]);
    // 06:20 ET on the 21st: two slots missed, 49 h since the last completion.
    const found = evaluateSelfHealth(input({ jobs: [daily], now: at('2026-01-21T11:20:00Z') }));
    expect(found.map((f) => f.key)).toEqual([staleKey('completeness')]);
  });

  it('is error while another job still completes, critical when none does', () => {
    const daily = { name: 'grading', cron: ['0 11 * * *'], lastCompletedAt: at('2026-01-20T16:01:00Z') };
    const stale = gaps('2026-01-20T01:00:00Z');
    const one = evaluateSelfHealth(input({ jobs: [stale, daily], now: at('2026-01-20T17:20:00Z') }));
    expect(one.map((f) => [f.key, f.severity])).toEqual([[staleKey('gaps'), 'error']]);
  });

  it('times a job never seen completing from the start of watching, after a startup grace', () => {
    const job = gaps(undefined);
    const watchingSince = at('2026-01-20T10:00:00Z');
    expect(
      evaluateSelfHealth(input({ jobs: [job], watchingSince, now: at('2026-01-20T10:20:00Z') })),
    ).toEqual([]);
    expect(
      evaluateSelfHealth(input({ jobs: [job], watchingSince, now: at('2026-01-20T17:59:00Z') })),
    ).toEqual([]);
    const [f] = evaluateSelfHealth(input({ jobs: [job], watchingSince, now: at('2026-01-20T18:01:00Z') }));
    expect(f?.facts.last_completed).toMatch(/none on record \(watching since 2026-01-20T10:00/);
  });

  it('says nothing within the startup grace, even with an old completion on record', () => {
    const job = gaps('2026-01-17T09:00:00Z');
    const watchingSince = at('2026-01-20T17:00:00Z');
    expect(
      evaluateSelfHealth(input({ jobs: [job], watchingSince, now: at('2026-01-20T17:10:00Z') })),
    ).toEqual([]);
    expect(
      evaluateSelfHealth(input({ jobs: [job], watchingSince, now: at('2026-01-20T17:40:00Z') })),
    ).toHaveLength(1);
  });
});

describe('evaluateSelfHealth: Slack', () => {
  const failing = (n: number, sinceMinAgo: number, now: Date): SlackHealth => ({
    consecutiveFailures: n,
    failingSince: new Date(now.getTime() - sinceMinAgo * MIN),
    lastError: 'slack: internal_error',
    lastFailedCall: 'chat.postMessage',
  });
  const now = at('2026-01-20T17:00:00Z');

  it('raises once failures keep happening (count and duration), and resolves when calls succeed', () => {
    expect(evaluateSelfHealth(input({ now, slack: failing(4, 10, now) }))).toEqual([]);
    expect(evaluateSelfHealth(input({ now, slack: failing(50, 2, now) }))).toEqual([]);
    const [f] = evaluateSelfHealth(input({ now, slack: failing(6, 7, now) }));
    expect(f).toMatchObject({
      key: slackKey,
      severity: 'critical',
      actions: [],
      facts: {
        failed_calls_in_a_row: 6,
        failing_since: '2026-01-20T16:53:00.000Z',
        last_error: 'slack: internal_error',
      },
    });
    // Calls succeed again: the counter is back to zero, the finding is gone (its incident resolves).
    expect(evaluateSelfHealth(input({ now, slack: healthySlack }))).toEqual([]);
  });
});

describe('self-health config', () => {
  it('defaults: stale after 2x, 30 min startup grace, Slack after 5 failures over 5 min, every 5 min', async () => {
    const { readConfig } = await import('../../src/config.js');
    expect(readConfig({}).selfHealth).toEqual({
      cron: ['*/5 * * * *'],
      staleFactor: 2,
      startupGraceMs: 30 * MIN,
      slackFailures: 5,
      slackFailureMs: 5 * MIN,
    });
    expect(
      readConfig({
        SELF_HEALTH_STALE_FACTOR: '3',
        SLACK_FAILURE_ALERT_COUNT: '10',
        SLACK_FAILURE_ALERT_MINUTES: '15',
      }).selfHealth,
    ).toMatchObject({ staleFactor: 3, slackFailures: 10, slackFailureMs: 15 * MIN });
    expect(() => readConfig({ SELF_HEALTH_STALE_FACTOR: '0.5' })).toThrow(/SELF_HEALTH_STALE_FACTOR/);
  });
});
