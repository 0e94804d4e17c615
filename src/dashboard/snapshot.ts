// The shared, short-lived snapshot App Home and the slash commands read their warehouse data from. BigQuery
// bills every query by the bytes it scans (README, "Warehouse cost"), and these surfaces are opened by many
// people many times a day: unshared, they scanned far more than the scheduled checks. So each value is
// computed once per cache window and every reader of that window shares it, including readers that arrive
// while it is still being computed (no stampede of identical queries).
//
// Windows are aligned to the epoch and a value is computed "as of" its window's start: every instance and
// every reader in one window sends BigQuery the same parameters, so BigQuery's own result cache can answer
// a repeat (it does whenever the tables read have not changed since).

/** How a read may skip the shared snapshot. */
export interface ReadOptions {
  /**
   * Compute now, as of the caller's `now`, rather than reuse the window's value; the result replaces it
   * (it is the newest). For answers the user asked to be current: an explicit date, App Home's refresh
   * after a job run.
   */
  readonly fresh?: boolean;
  /**
   * Who asks (default 'home'): the label of the BigQuery jobs a computation this read starts runs (a shared
   * value is charged to the reader that started it).
   */
  readonly surface?: 'home' | 'command';
}

export interface Snapshots {
  /**
   * The value of `key` in the window holding `now`, computed by `compute(asOf)` at most once per window
   * (asOf: the window's start; with `fresh`, `now` itself). A failed computation is not kept.
   */
  read<T>(key: string, now: Date, compute: (asOf: Date) => Promise<T>, options?: ReadOptions): Promise<T>;
}

/** Every read computes, as of its own `now` (no cache: the replay, and the bench's "before"). */
export const UNSHARED: Snapshots = { read: (_key, now, compute) => compute(now) };

/** Snapshots kept for `ttlMs`; 0 shares nothing. */
export function createSnapshots(ttlMs: number): Snapshots {
  if (!Number.isFinite(ttlMs) || ttlMs < 0)
    throw new Error(`snapshot TTL must be a non-negative number of milliseconds, got ${ttlMs}`);
  if (ttlMs === 0) return UNSHARED;
  const entries = new Map<string, { readonly window: number; readonly value: Promise<unknown> }>();
  const keep = (key: string, window: number, value: Promise<unknown>) => {
    entries.set(key, { window, value });
    value.catch(() => {
      if (entries.get(key)?.value === value) entries.delete(key);
    });
  };
  return {
    read<T>(key: string, now: Date, compute: (asOf: Date) => Promise<T>, options?: ReadOptions): Promise<T> {
      const window = Math.floor(now.getTime() / ttlMs) * ttlMs;
      const held = entries.get(key);
      if (!options?.fresh && held?.window === window) return held.value as Promise<T>;
      // Values of past windows are never read again (keys with a date would otherwise pile up).
      for (const [k, e] of entries) if (e.window < window) entries.delete(k);
      const value = compute(options?.fresh ? now : new Date(window));
      keep(key, window, value);
      return value;
    },
  };
}
