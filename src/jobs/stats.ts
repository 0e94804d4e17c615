/** A two-sided interval for a proportion, both ends in [0, 1]. */
export interface ProportionInterval {
  readonly low: number;
  readonly high: number;
}

/** z for a two-sided 95 % interval (the 97.5th percentile of the standard normal). */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for `successes` out of `trials`. Chosen over the textbook p ± z·√(p(1−p)/n)
 * because that one collapses to zero width at 0 % or 100 % and leaves [0, 1] on the small samples a
 * single slate gives (a system grades 40-60 picks a day), while Wilson stays honest there.
 * No trials means nothing is known: the whole of [0, 1].
 */
export function wilsonInterval(successes: number, trials: number, z = Z_95): ProportionInterval {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new RangeError(
      `wilsonInterval: need integers 0 <= successes <= trials, got ${successes}/${trials}`,
    );
  }
  if (!(z > 0)) throw new RangeError(`wilsonInterval: z must be positive, got ${z}`);
  if (trials === 0) return { low: 0, high: 1 };
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Clamp only float noise: mathematically the bounds are inside [0, 1] and exact at 0 and n successes.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === trials ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Round half away from zero for display in facts (one decimal for percentages and hours), so −36.25 and
 * 36.25 read the same; decisions use the unrounded value.
 */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return (Math.sign(value) * Math.round(Math.abs(value) * f)) / f;
}
