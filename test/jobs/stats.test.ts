import { describe, expect, it } from 'vitest';
import { wilsonInterval, Z_95 } from '../../src/jobs/stats.js';

// The Wilson bounds are the two proportions p whose normal-approximation test just accepts p̂:
// (p̂ − p)² = z²·p(1 − p)/n. Checking that equation tests the formula without copying it.
function scoreResidual(p: number, successes: number, trials: number, z = Z_95): number {
  const phat = successes / trials;
  return (phat - p) ** 2 - (z * z * p * (1 - p)) / trials;
}

describe('wilsonInterval', () => {
  it.each([
    [9, 48],
    [26, 48],
    [1, 3],
    [150, 280],
    [39, 40],
  ])('bounds of %i/%i solve the score equation and contain the observed share', (s, n) => {
    const { low, high } = wilsonInterval(s, n);
    expect(scoreResidual(low, s, n)).toBeCloseTo(0, 12);
    expect(scoreResidual(high, s, n)).toBeCloseTo(0, 12);
    expect(low).toBeLessThan(s / n);
    expect(high).toBeGreaterThan(s / n);
  });

  it('the 2026-01-18 collapse (9/48) cannot be a 55 % system having a bad day', () => {
    const { low, high } = wilsonInterval(9, 48);
    expect(low).toBeGreaterThan(0.1);
    expect(high).toBeLessThan(0.55);
  });

  it('at 0 and n successes pins the observed end and gives the closed-form other end', () => {
    const z2 = Z_95 * Z_95;
    expect(wilsonInterval(0, 10)).toEqual({ low: 0, high: expect.closeTo(z2 / (10 + z2), 12) });
    expect(wilsonInterval(10, 10)).toEqual({ low: expect.closeTo(10 / (10 + z2), 12), high: 1 });
  });

  it('narrows as the sample grows at the same share', () => {
    const widths = [10, 40, 160, 640].map((n) => {
      const { low, high } = wilsonInterval(n / 2, n);
      return high - low;
    });
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
    expect(new Set(widths).size).toBe(widths.length);
  });

  it('is symmetric: s/n mirrors (n − s)/n', () => {
    const a = wilsonInterval(12, 50);
    const b = wilsonInterval(38, 50);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it('knows nothing from no trials and rejects impossible counts', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(() => wilsonInterval(5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1.5, 4)).toThrow(RangeError);
    expect(() => wilsonInterval(1, 4, 0)).toThrow(RangeError);
  });
});
