import type { ChatPort } from '../alerts/chat.js';
import type { Clock } from '../clock.js';
import { scraperCheckOf } from '../recovery/warehouse-verifier.js';
import type { Incident } from '../store/incidents.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import type { RetryItem } from '../store/retry-queue.js';
import * as retryQueue from '../store/retry-queue.js';
import { buildAlert } from '../views/alert.js';
import type { TimeFormatter } from '../views/types.js';

export interface IncidentMessageDeps {
  readonly store: DocumentStore;
  readonly chat: ChatPort;
  readonly clock: Clock;
  readonly fmt: TimeFormatter;
}

/** The retry item an incident's Retry button acts on, if it has one (its state shows on the alert). */
async function retryOf(store: DocumentStore, incident: Incident): Promise<RetryItem | undefined> {
  for (const action of incident.finding.actions) {
    if (action.kind !== 'retry') continue;
    const name = action.scraper ?? action.processor;
    if (!name) continue;
    const item = await retryQueue.get(store, retryQueue.retryItemId(name, action.date));
    if (item && item.incident_id === incident.id) return item;
  }
  return undefined;
}

/** Re-render an incident's alert in place (after ack, snooze, a retry's progress or its resolution). */
export async function refreshAlert(deps: IncidentMessageDeps, incidentId: string): Promise<void> {
  const incident = await incidents.get(deps.store, incidentId);
  if (!incident?.message) return;
  const retry = await retryOf(deps.store, incident);
  // The same unit the recovery replies use: BDL and NBA.com scrapers are judged by games.
  const unit =
    retry?.kind === 'scraper' && scraperCheckOf(retry.scraper_name) !== 'scraper_run' ? 'games' : 'records';
  const view = buildAlert({
    incident,
    now: deps.clock.now(),
    fmt: deps.fmt,
    ...(retry ? { retry, unit } : {}),
  });
  await deps.chat.update({ ...incident.message, ...view });
}

/**
 * A retry recovered the incident's data: resolve it and show it recovered. The recovery thread reply says
 * how; idempotent, so a redelivered task changes nothing the second time.
 */
export async function resolveRecovered(deps: IncidentMessageDeps, incidentId: string): Promise<void> {
  const incident = await incidents.get(deps.store, incidentId);
  if (!incident) return;
  if (incident.status === 'open') await incidents.resolve(deps.store, incidentId, deps.clock.now());
  await refreshAlert(deps, incidentId);
}
