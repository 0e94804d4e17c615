// The numbers an alert shows in each state: the latest finding's while it is open, the last seen once it
// resolved, and once a retry recovered it, the ones the retry measured.
import { count, type KeyField, MAX_KEY_FIELDS, present, type RecoveryCounts } from '../jobs/presentation.js';
import type { AlertInput, AlertState } from './alert.js';
import { formatWhen } from './format.js';
import type { RetryQueueRow } from './types.js';

/**
 * The summary and key fields an alert shows: the latest finding's (a later run refreshes the incident's
 * finding, so a resolved alert shows the numbers last seen), and once a retry recovered it, the numbers the
 * recovery measured (through the presentation's `recovered`, else as a leading field).
 */
export function finalPresentation(
  input: AlertInput,
  state: AlertState,
): { summary: string; fields: KeyField[]; note?: string } {
  const { incident, presentation, retry, fmt, now } = input;
  const counts = state === 'recovered' && retry ? lastCounts(retry) : undefined;
  if (counts && presentation?.recovered) {
    const shown = present(presentation, presentation.recovered(incident.finding, counts));
    return { ...shown, note: 'Final numbers: as the recovered retry measured them.' };
  }
  const shown = present(presentation, incident.finding);
  if (counts && counts.received !== null) {
    const lead = count(
      'Recovered with',
      counts.received,
      counts.expected ?? undefined,
      input.unit ?? 'records',
    );
    return {
      summary: shown.summary,
      fields: [lead, ...shown.fields].filter((f): f is KeyField => f !== undefined).slice(0, MAX_KEY_FIELDS),
      note: `Other numbers as the check last saw them, ${formatWhen(fmt, incident.last_seen, now)}.`,
    };
  }
  if (state === 'resolved' || state === 'grouped') {
    return {
      ...shown,
      note: `Final numbers: as the check last saw them, ${formatWhen(fmt, incident.last_seen, now)}.`,
    };
  }
  return shown;
}

/** What the latest attempt with a count measured. */
function lastCounts(retry: RetryQueueRow): RecoveryCounts | undefined {
  const last = [...retry.retry_history].reverse().find((a) => a.records_received !== null);
  return last ? { received: last.records_received, expected: retry.expected_records } : undefined;
}
