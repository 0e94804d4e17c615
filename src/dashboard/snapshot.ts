// The shared snapshot App Home and the slash commands read their warehouse data from. BigQuery bills every
// query by the bytes it scans (README, "Warehouse cost"), and these surfaces are opened by many people many
// times a day: each reading of Home's scraper status alone scans a week of `scrape_events`, so even one
// reading per minute and a half cost many times what all the scheduled checks scan.
//
// So a reading is taken once and shown until it is DASHBOARD_CACHE_SECONDS old, with the time it is "as
// of" (Home says so). Most readings are taken by the scheduled job runs: after each check run the refresh
// of App Home reads afresh under the job's label, which is when what Home shows changes the most (the
// checks' own findings, retries and resets), and every open and undated command until the next run shares
// that reading. A reader only reads when no reading is young enough, or when they ask for a current answer
// (an explicit date); readers that arrive while a reading is being taken share it (no stampede).

/** Who asks: the label of the BigQuery jobs a reading runs (a shared reading is charged to whoever took it). */
export type ReadingSurface = 'home' | 'command' | 'job';

/** How a read may skip the shared snapshot. */
export interface ReadOptions {
  /**
   * Read now, as of the caller's `now`, rather than reuse a reading; the result replaces the held one (it
   * is the newest). For answers the user asked to be current (an explicit date) and the readings the job
   * runs publish.
   */
  readonly fresh?: boolean;
  /** Who asks (default 'home'). */
  readonly surface?: ReadingSurface;
}

/** A value read from the warehouse and the instant it is as of (what its queries took as `now`). */
export interface Reading<T> {
  readonly value: T;
  readonly asOf: Date;
}

export interface Snapshots {
  /**
   * The held reading of `key` while it is younger than the TTL (and not from after `now`), else a new one,
   * `compute(now)`; with `fresh`, always a new one. A failed computation is not kept.
   */
  read<T>(
    key: string,
    now: Date,
    compute: (asOf: Date) => Promise<T>,
    options?: ReadOptions,
  ): Promise<Reading<T>>;
}

/** Every read computes, as of its own `now` (no sharing: the replay, and the bench's "before"). */
export const UNSHARED: Snapshots = {
  read: async (_key, now, compute) => ({ value: await compute(now), asOf: now }),
};

/** Readings kept for `ttlMs`; 0 shares nothing. */
export function createSnapshots(ttlMs: number): Snapshots {
  if (!Number.isFinite(ttlMs) || ttlMs < 0)
    throw new Error(`snapshot TTL must be a non-negative number of milliseconds, got ${ttlMs}`);
  if (ttlMs === 0) return UNSHARED;
  const held = new Map<string, { readonly asOf: number; readonly reading: Promise<Reading<unknown>> }>();
  const young = (asOf: number, now: number) => asOf <= now && now - asOf < ttlMs;
  return {
    read<T>(key: string, now: Date, compute: (asOf: Date) => Promise<T>, options?: ReadOptions) {
      const at = now.getTime();
      const kept = held.get(key);
      if (!options?.fresh && kept && young(kept.asOf, at)) return kept.reading as Promise<Reading<T>>;
      // Readings too old to be shown are never read again (keys with a date would otherwise pile up).
      for (const [k, e] of held) if (!young(e.asOf, at)) held.delete(k);
      const reading = compute(now).then((value) => ({ value, asOf: now }));
      held.set(key, { asOf: at, reading });
      reading.catch(() => {
        if (held.get(key)?.reading === reading) held.delete(key);
      });
      return reading;
    },
  };
}
