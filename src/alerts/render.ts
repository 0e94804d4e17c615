import { type AutoHealPolicy, coveringPolicy } from '../recovery/policies.js';
import { scraperCheckOf } from '../recovery/warehouse-verifier.js';
import type { Incident } from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import type { RetryItem } from '../store/retry-queue.js';
import * as retryQueue from '../store/retry-queue.js';
import { buildAlert } from '../views/alert.js';
import { escapeMrkdwn, severityEmoji, severityLabel } from '../views/format.js';
import { resolvedReply } from '../views/thread.js';
import type { TimeFormatter } from '../views/types.js';
import type { IncidentRenderer } from './deliver.js';

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

/**
 * The alert lifecycle's renderer on the pure views: the alert message (with its retry's state, so a check
 * run's edit and a task callback's edit never disagree) and its lifecycle thread replies.
 */
export function createIncidentRenderer(
  fmt: TimeFormatter,
  store: DocumentStore,
  /** config.autoHeal.policies: an incident a policy covers offers "Pause auto-heal". */
  policies: readonly AutoHealPolicy[] = [],
): IncidentRenderer {
  return {
    async alert(incident, now) {
      const retry = await retryOf(store, incident);
      const policy = coveringPolicy(incident.finding, policies);
      return buildAlert({
        incident,
        now,
        fmt,
        ...(retry ? { retry, unit: unitOf(retry) } : {}),
        ...(policy ? { autoHealPolicy: policy.name } : {}),
      });
    },
    async reply(kind, incident, now) {
      if (kind === 'resolved') {
        // The retry's own "Recovered after N attempts" reply tells this story, with the counts.
        if ((await retryOf(store, incident))?.status === 'recovered') return undefined;
        return resolvedReply(incident, { now, fmt });
      }
      const text = `${severityEmoji(incident.severity)} Escalated to ${severityLabel(incident.severity)}: ${escapeMrkdwn(incident.finding.title)}`;
      return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
    },
  };
}
