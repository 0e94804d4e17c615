// How often retries of each scraper or processor recovered at the first attempt lately: the bot's own number
// on an alert's Next step line ("67 % of bdl_box_scores retries recovered at attempt 1 in the last 30 days").
import { days24h, hours } from '../jobs/time.js';
import type { DocumentStore } from '../store/port.js';
import * as retryQueue from '../store/retry-queue.js';
import type { RecoveryRate } from '../views/next-step.js';

/** Days of finished retries the Next step line's recovery rate counts. */
const RECOVERY_RATE_DAYS = 30;
/** Finished retries read for it: the newest, as App Home's recovery line reads them. */
const RECOVERY_RATE_ITEMS = 1000;
/**
 * How long one read of them serves every alert rendered meanwhile: a 30-day share moves little in 6 h, and each
 * read is up to 1,000 documents (a delivery run renders many alerts; the season replay renders thousands).
 */
const RECOVERY_RATE_TTL_MS = hours(6);

/**
 * Per scraper or processor, retries that finished in the last 30 days and those attempt 1 recovered, read at
 * most once per 6 h (the clock decides, so the replay's jumps re-read it).
 */
export function recoveryRates(store: DocumentStore) {
  let cached: { at: number; rates: Map<string, RecoveryRate> } | undefined;
  return async (name: string, now: Date): Promise<RecoveryRate | undefined> => {
    if (!cached || Math.abs(now.getTime() - cached.at) > RECOVERY_RATE_TTL_MS) {
      const items = await retryQueue.listByStatus(store, ['recovered', 'exhausted'], RECOVERY_RATE_ITEMS);
      const since = now.getTime() - days24h(RECOVERY_RATE_DAYS);
      const rates = new Map<string, RecoveryRate>();
      for (const item of items) {
        const at = item.recovered_at ?? item.exhausted_at;
        if (!at || at.getTime() < since || at.getTime() > now.getTime()) continue;
        const rate = rates.get(item.scraper_name) ?? {
          name: item.scraper_name,
          days: RECOVERY_RATE_DAYS,
          finished: 0,
          atFirstAttempt: 0,
        };
        const first = item.status === 'recovered' && item.retry_attempts === 1 ? 1 : 0;
        rates.set(item.scraper_name, {
          ...rate,
          finished: rate.finished + 1,
          atFirstAttempt: rate.atFirstAttempt + first,
        });
      }
      cached = { at: now.getTime(), rates };
    }
    return cached.rates.get(name);
  };
}
