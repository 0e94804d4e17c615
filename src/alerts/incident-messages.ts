import type { ChatPort } from '../chat/port.js';
import type { Clock } from '../clock.js';
import type { AutoHealPolicy } from '../recovery/policies.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import type { TimeFormatter } from '../views/types.js';
import { createIncidentRenderer } from './render.js';

export interface IncidentMessageDeps {
  readonly store: DocumentStore;
  readonly chat: ChatPort;
  readonly clock: Clock;
  readonly fmt: TimeFormatter;
  /** config.autoHeal.policies, so a re-rendered alert keeps its "Pause auto-heal" button. */
  readonly policies?: readonly AutoHealPolicy[];
}

/** Re-render an incident's alert in place (after ack, snooze, a retry's progress or its resolution). */
export async function refreshAlert(deps: IncidentMessageDeps, incidentId: string): Promise<void> {
  const incident = await incidents.get(deps.store, incidentId);
  if (!incident?.message) return;
  const view = await createIncidentRenderer(deps.fmt, deps.store, deps.policies).alert(
    incident,
    deps.clock.now(),
  );
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
