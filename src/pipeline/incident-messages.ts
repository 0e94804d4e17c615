// How incidents look in Slack, on the pure views: the alert (with its retry's state) and its lifecycle
// thread replies, plus the two in-place edits made outside a check run (a click, a task callback).

import type { IncidentMessages } from '../alerts/port.js';
import { present } from '../jobs/presentation.js';
import { withLogContext } from '../log.js';
import { coveringPolicy } from '../recovery/policies.js';
import { scraperCheckOf } from '../recovery/warehouse-verifier.js';
import type { ConfigOf, Services } from '../services.js';
import type { Incident } from '../store/incidents.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import type { RetryItem } from '../store/retry-queue.js';
import * as retryQueue from '../store/retry-queue.js';
import { buildAlert } from '../views/alert.js';
import { escapeMrkdwn, severityEmoji, severityLabel } from '../views/format.js';
import { resolvedReply } from '../views/thread.js';
import { presentationOf } from './presentations.js';
import { recoveryRates } from './recovery-rates.js';
import { runbookOf } from './runbooks.js';

/** The retry item an incident's Retry button acts on, if it has one (its state shows on the alert). */
export async function retryOf(store: DocumentStore, incident: Incident): Promise<RetryItem | undefined> {
  for (const action of incident.finding.actions) {
    if (action.kind !== 'retry') continue;
    const name = action.scraper ?? action.processor;
    if (!name) continue;
    const item = await retryQueue.get(store, retryQueue.retryItemId(name, action.date));
    if (item && item.incident_id === incident.id) return item;
  }
  return undefined;
}

/** The unit the recovery replies count in: BDL and NBA.com scrapers are judged by games. */
function unitOf(retry: RetryItem): 'games' | 'records' {
  return retry.kind === 'scraper' && scraperCheckOf(retry.scraper_name) !== 'scraper_run'
    ? 'games'
    : 'records';
}

/** The scraper or processor the incident's Retry acts on, if it offers one. */
const retryNameOf = (incident: Incident): string | undefined => {
  for (const action of incident.finding.actions)
    if (action.kind === 'retry') return action.scraper ?? action.processor;
  return undefined;
};

/**
 * The incident messages on the pure views. `config.autoHeal.policies`: an incident a policy covers
 * offers "Pause auto-heal", on every render.
 */
export function createIncidentMessages(
  deps: Pick<Services, 'store' | 'chat' | 'clock' | 'fmt'> & ConfigOf<'autoHeal'>,
): IncidentMessages {
  const { store, fmt } = deps;
  const rateOf = recoveryRates(store);
  const messages: IncidentMessages = {
    async alert(incident, now) {
      const retry = await retryOf(store, incident);
      const policy = coveringPolicy(incident.finding, deps.config.autoHeal.policies);
      const presentation = presentationOf(incident.check);
      const runbook = runbookOf(incident.check);
      const retryName = retryNameOf(incident);
      const recoveryRate = retryName && incident.status === 'open' ? await rateOf(retryName, now) : undefined;
      return buildAlert({
        incident,
        now,
        fmt,
        ...(retry ? { retry, unit: unitOf(retry) } : {}),
        ...(policy ? { autoHealPolicy: policy.name } : {}),
        ...(presentation ? { presentation } : {}),
        ...(runbook ? { runbook } : {}),
        ...(recoveryRate ? { recoveryRate } : {}),
      });
    },
    async reply(kind, incident, now) {
      if (kind === 'resolved') {
        // The retry's own "Recovered after N attempts" reply tells this story, with the counts.
        if ((await retryOf(store, incident))?.status === 'recovered') return undefined;
        return resolvedReply(incident, { now, fmt });
      }
      // The reply says what changed in the check's own words, so the thread reads without the alert.
      const { summary } = present(presentationOf(incident.check), incident.finding);
      const text = `${severityEmoji(incident.severity)} Escalated to ${severityLabel(incident.severity)}: ${escapeMrkdwn(incident.finding.title)}`;
      return {
        text,
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text } },
          { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(summary) }] },
        ],
      };
    },
    refresh: (incidentId) =>
      withLogContext({ incident: incidentId }, async () => {
        const incident = await incidents.get(store, incidentId);
        if (!incident?.message) return;
        const view = await messages.alert(incident, deps.clock.now());
        await deps.chat.update({ ...incident.message, ...view });
      }),
    resolveRecovered: (incidentId) =>
      withLogContext({ incident: incidentId }, async () => {
        const incident = await incidents.get(store, incidentId);
        if (!incident) return;
        if (incident.status === 'open') await incidents.resolve(store, incidentId, deps.clock.now());
        await messages.refresh(incidentId);
      }),
  };
  return messages;
}
