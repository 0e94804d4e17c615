import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import {
  attemptDueAt,
  backoffMinutesFor,
  decideAttempt,
  delayBeforeAttemptMs,
  itemBackoffMinutes,
} from '../../src/recovery/backoff.js';

const H = 3_600_000;
const now = new Date('2026-01-20T09:00:00Z');
const item = { expected_records: 9, max_retries: 3 };
const SCRAPER = [4 * 60, 12 * 60, 24 * 60];

describe('backoff', () => {
  it('waits 4 h, 12 h, 24 h before attempts 1, 2, 3 and reuses the last delay beyond the list', () => {
    expect([1, 2, 3, 4].map((a) => delayBeforeAttemptMs(a, SCRAPER) / H)).toEqual([4, 12, 24, 24]);
    expect(attemptDueAt(2, now, SCRAPER).toISOString()).toBe('2026-01-20T21:00:00.000Z');
    expect(() => delayBeforeAttemptMs(0, [4])).toThrow(/attempt must be/);
    expect(() => delayBeforeAttemptMs(1, [])).toThrow(/at least one/);
  });

  it('recovered when received ≥ expected, partial when some arrived, failed when none', () => {
    const decide = (received: number | null, attempt = 1, error: string | null = null) =>
      decideAttempt({
        item,
        attempt,
        verification: received === null ? null : { received, expected: null },
        error,
        now,
        backoffMinutes: SCRAPER,
      });
    expect(decide(9)).toMatchObject({ result: 'recovered', status: 'recovered', nextRetryAt: null });
    expect(decide(10)).toMatchObject({ result: 'recovered' });
    expect(decide(6)).toMatchObject({
      result: 'partial',
      status: 'pending',
      expected: 9,
      nextRetryAt: new Date(now.getTime() + 12 * H),
    });
    expect(decide(0)).toMatchObject({ result: 'failed', status: 'pending' });
    expect(decide(null, 1, 'boom')).toMatchObject({ result: 'failed', received: null, error: 'boom' });
    expect(decide(6, 3)).toMatchObject({ result: 'partial', status: 'exhausted', nextRetryAt: null });
    expect(decide(9, 3)).toMatchObject({ result: 'recovered', status: 'recovered' });
  });

  it("prefers the warehouse's expected count, and without any expected count trusts data that arrived cleanly", () => {
    const base = { attempt: 1, now, backoffMinutes: [240] };
    expect(
      decideAttempt({ ...base, item, verification: { received: 9, expected: 11 }, error: null }).result,
    ).toBe('partial');
    const unknown = { expected_records: null, max_retries: 3 };
    expect(
      decideAttempt({ ...base, item: unknown, verification: { received: 3, expected: null }, error: null })
        .result,
    ).toBe('recovered');
    expect(
      decideAttempt({ ...base, item: unknown, verification: { received: 3, expected: null }, error: 'x' })
        .result,
    ).toBe('partial');
  });

  it('processors retry on their own clock: 30 min apart by default, the third try within 90 min', () => {
    const { recovery } = readConfig({});
    expect(backoffMinutesFor('scraper', recovery)).toEqual(SCRAPER);
    const processor = backoffMinutesFor('processor', recovery);
    expect(processor).toEqual([30, 30, 30]);
    let at = now;
    for (const attempt of [1, 2, 3]) at = attemptDueAt(attempt, at, processor);
    expect(at.getTime() - now.getTime()).toBe(90 * 60_000);
    const configured = readConfig({ PROCESSOR_RETRY_BACKOFF_MINUTES: '15, 20,45' }).recovery;
    expect(backoffMinutesFor('processor', configured)).toEqual([15, 20, 45]);
    expect(backoffMinutesFor('scraper', configured)).toEqual(SCRAPER);
  });

  it("an item keeps the schedule it was created with; an older item without one follows its kind's", () => {
    const { recovery } = readConfig({});
    expect(itemBackoffMinutes({ kind: 'processor', backoff_minutes: [10] }, recovery)).toEqual([10]);
    expect(itemBackoffMinutes({ kind: 'processor' }, recovery)).toEqual([30, 30, 30]);
    expect(itemBackoffMinutes({ kind: 'scraper' }, recovery)).toEqual(SCRAPER);
  });
});
