import type { ChatPort } from '../alerts/chat.js';
import type { Clock } from '../clock.js';
import type { Finding } from '../jobs/finding.js';
import { AUDIT_LOG } from '../store/audit.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import { docId } from '../store/port.js';
import type { Warehouse } from '../warehouse/port.js';
import type { Logger } from './ports.js';
import { type ResetBreakerResult, resetBreaker } from './reset-breaker.js';

export const AUTO_RESET_POLICY = 'breaker-data-arrived';

export interface AutoResetDeps {
  readonly store: DocumentStore;
  readonly chat: ChatPort;
  readonly clock: Clock;
  readonly warehouse: Pick<Warehouse, 'execute'>;
  readonly log?: Logger;
}

/**
 * Entity breakers whose upstream data has arrived are safe to reset without a person (issue 6): the
 * circuit_breakers check lists them as the finding's reset action. Each is reset once per incident and
 * date (the request id), reported in the incident's thread as done by the policy, and skipped when a
 * person paused auto-heal on the incident.
 */
export async function autoResetArrivedBreakers(
  deps: AutoResetDeps,
  findings: readonly Finding[],
  date: string,
): Promise<ResetBreakerResult[]> {
  const results: ResetBreakerResult[] = [];
  for (const finding of findings) {
    if (finding.check !== 'circuit_breakers' || !(Number(finding.facts.auto_reset_candidates) > 0)) continue;
    const action = finding.actions.find((a) => a.kind === 'reset_breaker' && a.breaker === 'entity');
    if (action?.kind !== 'reset_breaker' || !action.entities?.length) continue;
    const incident = await incidents.findOpenByKey(deps.store, finding.key);
    if (incident?.auto_heal_paused) continue;
    const requestId = `auto:${finding.key}:${date}`;
    // Done already today (its audit entry exists): the next check run sees the breakers cleared.
    if (await deps.store.get(AUDIT_LOG, docId(`reset_breaker:${requestId}`))) continue;
    results.push(
      await resetBreaker(
        // A policy is not a person: the operator check does not apply to it.
        { ...deps, isOperator: async () => false },
        {
          incidentId: incident?.id ?? null,
          requestedBy: { policy: AUTO_RESET_POLICY },
          reason: 'the upstream data these breakers waited for has arrived',
          breaker: action,
          requestId,
        },
      ),
    );
  }
  return results;
}
