// Retry: a retry-queue item for the scraper or processor and date, its first attempt scheduled by the backoff.
import { requestRetry } from '../../recovery/request-retry.js';
import { type Handler, refresh } from './click.js';

/** A number the finding gives as the records that mean "recovered", when it names one. */
function expectedOf(facts: Readonly<Record<string, unknown>>): number | null {
  for (const name of ['expected_records', 'expected_games', 'expected']) {
    const v = facts[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

export const onRetry: Handler<'retry'> = async (deps, click, value, { incident }) => {
  const name = value.scraper ?? value.processor ?? '';
  const result = await requestRetry(deps, {
    incidentId: value.incidentId,
    kind: value.scraper !== undefined ? 'scraper' : 'processor',
    name,
    date: value.date,
    requestedBy: { user: click.user },
    reason: incident.finding.title,
    expected: expectedOf(incident.finding.facts),
    auditId: `click:${click.user}:${click.actionTs}:${click.actionId}`,
  });
  await refresh(deps, value.incidentId);
  return result.ephemeral;
};
