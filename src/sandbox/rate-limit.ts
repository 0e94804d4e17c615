/**
 * Per-key token bucket, the shape of Slack's chat.postMessage limit: about one message per second per
 * channel, with a short burst allowed. Pure apart from the injected clock.
 */
export interface RateLimit {
  /** Sustained messages per second per channel. */
  readonly perSecond: number;
  /** Messages allowed at once before the sustained rate applies. */
  readonly burst: number;
}

export const SLACK_POST_LIMIT: RateLimit = { perSecond: 1, burst: 3 };

interface Bucket {
  tokens: number;
  at: number;
}

export type Take = { readonly ok: true } | { readonly ok: false; readonly retryAfterSec: number };

export function createRateLimiter(limit: RateLimit, now: () => number) {
  const buckets = new Map<string, Bucket>();
  return {
    take(key: string): Take {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return { ok: true };
      }
      // Slack's Retry-After is whole seconds; round up so a client that waits it is then served.
      const retryAfterSec = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
      return { ok: false, retryAfterSec };
    },
  };
}
