import type { Clock } from './clock.js';

/**
 * Simulated time running `factor` times faster than the wall clock from `simStart` (the demo: one
 * simulated hour per 5 real seconds is factor 720), so a 4 h retry backoff plays out in 20 seconds.
 */
export class AcceleratedClock implements Clock {
  private readonly realStart: number;
  constructor(
    private readonly simStart: Date,
    readonly factor: number,
    private readonly realNow: () => number = Date.now,
  ) {
    this.realStart = realNow();
  }
  now(): Date {
    return new Date(this.simStart.getTime() + (this.realNow() - this.realStart) * this.factor);
  }
  /** Real milliseconds until the simulated instant `at`. */
  realMsUntil(at: Date): number {
    return Math.max(0, (at.getTime() - this.now().getTime()) / this.factor);
  }
}
