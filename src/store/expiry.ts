// The one field retention adds to documents, apart from the rules that set it (src/store/retention.ts), so
// repositories can read it without importing the rules back.
import type { DocData } from './port.js';

/** The field Firestore's TTL policies watch (firestore.ttl.json): when the document may be deleted. */
export const EXPIRE_AT = 'expire_at';

/**
 * Whether a stored document is past its expiry. Firestore's TTL deletion lags up to a day (and the embedded
 * prune runs every 15 minutes), so a reader for which an expired document would change what the bot does
 * skips it itself.
 */
export function isExpired(data: DocData, now: Date): boolean {
  const at = data[EXPIRE_AT];
  return at instanceof Date && at.getTime() <= now.getTime();
}
