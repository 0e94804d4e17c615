// When a retry recovers a scrape, the pipeline's own scrape event log says so: its failed events for that
// scraper and date are marked is_recovered, as the team's error-tracking notes propose, so their SQL (and the
// digest's recovery-time table) sees recoveries (docs/pipeline.md#retry-schedule).
import type { Services } from '../services.js';
import type { RetryItem } from '../store/retry-queue.js';
import { cycleOf } from './backoff.js';

export const MARK_RECOVERED_SQL = 'recovery/mark_scrape_events_recovered.sql';

/** Which retry recovered the events, in their `recovery_event_id`: the item and its cycle. */
export const recoveryEventId = (item: Pick<RetryItem, 'doc_id' | 'created_at'>) =>
  `shotclock:retry:${item.doc_id}:${cycleOf(item)}`;

/**
 * Mark a recovered scraper item's failed scrape events recovered. Safe to repeat (a redelivered task marks
 * nothing twice). Processors have no scrape events. A failed write is logged and does not undo the recovery:
 * the item, the thread and the alert already say it recovered.
 * Returns the rows marked (null when unknown), or 'skipped'.
 */
export async function markScrapeEventsRecovered(
  deps: Pick<Services, 'warehouse' | 'log'>,
  item: RetryItem,
): Promise<number | null | 'skipped' | 'failed'> {
  if (item.kind !== 'scraper' || item.status !== 'recovered' || !item.recovered_at) return 'skipped';
  try {
    const rows = await deps.warehouse.execute(
      MARK_RECOVERED_SQL,
      {
        scraper_name: item.scraper_name,
        target_date: item.target_date,
        recovered_at: item.recovered_at,
        recovery_event_id: recoveryEventId(item),
      },
      { surface: 'action' },
    );
    deps.log.info('scrape events marked recovered', { item: item.doc_id, rows });
    return rows;
  } catch (error) {
    deps.log.warn('could not mark scrape events recovered; the retry stands', {
      item: item.doc_id,
      error: error instanceof Error ? error.message : String(error),
    });
    return 'failed';
  }
}
