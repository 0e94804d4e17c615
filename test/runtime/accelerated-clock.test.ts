import { describe, expect, it } from 'vitest';
import { AcceleratedClock } from '../../src/clock-accelerated.js';

describe('AcceleratedClock', () => {
  it('runs simulated time factor times faster than the wall clock', () => {
    let real = 1_000;
    const clock = new AcceleratedClock(new Date('2026-01-19T11:00:00Z'), 720, () => real);
    real += 5_000; // 5 real seconds = 1 simulated hour
    expect(clock.now().toISOString()).toBe('2026-01-19T12:00:00.000Z');
    expect(clock.realMsUntil(new Date('2026-01-19T16:00:00Z'))).toBe(20_000);
  });
});
