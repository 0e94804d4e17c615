// Details: opens a modal with everything the alert leaves out (every fact, the dedup key, the query, this key's
// history, the runbook). It reads and changes nothing else, so it is open to everyone, on closed alerts too.

import { findCheck } from '../../jobs/registry.js';
import { retryOf } from '../../pipeline/incident-messages.js';
import { presentationOf } from '../../pipeline/presentations.js';
import { runbookOf } from '../../pipeline/runbooks.js';
import type { Services } from '../../services.js';
import * as incidents from '../../store/incidents.js';
import { alertState } from '../../views/alert.js';
import { finalPresentation } from '../../views/alert-facts.js';
import { detailsModal, type PastIncident } from '../../views/details.js';
import type { Handler } from './click.js';

/** Earlier incidents of a key shown: enough to see a pattern. */
const HISTORY = 10;

export const onDetails: Handler<'details'> = async (deps, click, _value, { client, incident }) => {
  const now = deps.clock.now();
  const [history, retry] = await Promise.all([pastIncidents(deps, incident), retryOf(deps.store, incident)]);
  const queryFile = findCheck(incident.check)?.query.file;
  const runbook = runbookOf(incident.check);
  const presentation = presentationOf(incident.check);
  // The alert's own sentence: a recovered alert's says what the retry measured.
  const { summary } = finalPresentation(
    { incident, now, fmt: deps.fmt, ...(retry ? { retry } : {}), ...(presentation ? { presentation } : {}) },
    alertState(incident, now, retry),
  );
  await client.views.open({
    trigger_id: click.triggerId,
    view: detailsModal({
      incident,
      summary,
      history,
      now,
      fmt: deps.fmt,
      ...(queryFile ? { queryFile } : {}),
      ...(runbook ? { runbook } : {}),
    }),
  });
  return undefined;
};

/**
 * The incidents this key had before this one, newest first, each with how it ended. The chain is walked one
 * link at a time (each names the one before); how each ended is read for all of them at once, since the modal
 * must open within Slack's 3 s trigger window.
 */
async function pastIncidents(
  deps: Pick<Services, 'store'>,
  incident: incidents.Incident,
): Promise<PastIncident[]> {
  const chain: incidents.Incident[] = [];
  let id = incident.previous_incident_id;
  while (id && chain.length < HISTORY) {
    const previous = await incidents.get(deps.store, id).catch(() => undefined);
    if (!previous) break;
    chain.push(previous);
    id = previous.previous_incident_id;
  }
  const outcomes = await Promise.all(chain.map((previous) => outcomeOf(deps, previous)));
  return chain.map((previous, i) => ({
    id: previous.id,
    opened_at: previous.opened_at,
    resolved_at: previous.resolved_at,
    seen_count: previous.seen_count,
    outcome: outcomes[i] as PastIncident['outcome'],
  }));
}

async function outcomeOf(
  deps: Pick<Services, 'store'>,
  incident: incidents.Incident,
): Promise<PastIncident['outcome']> {
  if (incident.status === 'open') return 'open';
  if (incident.grouped_into) return 'grouped';
  return (await retryOf(deps.store, incident))?.status === 'recovered' ? 'recovered' : 'resolved';
}
