// The imperative shell of auto-heal (README, "Auto-heal"): after a check run has delivered its alerts, load
// what the policies need to know (actions taken today, pauses, what is still running), decide (policies.ts),
// and do each action through the same paths a click takes, as done "by shotclock (policy NAME)".
import { randomUUID } from 'node:crypto';
import { groupFanOut } from '../alerts/fan-out.js';
import type { Finding } from '../jobs/finding.js';
import { etDate, hours } from '../jobs/time.js';
import type { ConfigOf, Services } from '../services.js';
import * as audit from '../store/audit.js';
import * as incidents from '../store/incidents.js';
import type { DocumentStore } from '../store/port.js';
import * as retryQueue from '../store/retry-queue.js';
import { autoHealReply } from '../views/thread.js';
import { startBackfill } from './backfill.js';
import * as backfillRuns from './backfill-runs.js';
import {
  type AutoHealDecision,
  type Candidate,
  candidates,
  decideAutoHeal,
  type Planned,
  stateKey,
} from './policies.js';
import { requestRetry } from './request-retry.js';
import { resetBreaker } from './reset-breaker.js';

/** The audit action of one automatic action: its id claims (policy, subject, day, ordinal) once. */
export const AUTOHEAL_AUDIT_ACTION = 'autoheal';
const TRAIL_WINDOW_MS = hours(26);

/** What auto-heal uses: the Retry, Backfill and Reset Breaker paths' services, its policies, the stop signal. */
export type AutoHealServices = Pick<
  Services,
  | 'store'
  | 'chat'
  | 'clock'
  | 'tasks'
  | 'warehouse'
  | 'fmt'
  | 'operators'
  | 'incidentMessages'
  | 'stopSignal'
  | 'log'
> &
  ConfigOf<'recovery' | 'autoHeal'>;

export interface AutoHealDone {
  readonly policy: string;
  readonly subject: string;
  readonly action: Planned['action']['kind'];
  readonly incidentId: string | null;
  readonly outcome: string;
}

export interface AutoHealReport {
  readonly done: readonly AutoHealDone[];
  readonly skipped: AutoHealDecision['skipped'];
  /** Actions not started because the process is stopping: the next run of the slot takes them. */
  readonly left: number;
}

export const autoHealClaimId = (p: Pick<Planned, 'policy' | 'subject' | 'day' | 'ordinal'>) =>
  `${AUTOHEAL_AUDIT_ACTION}:${p.policy.name}:${p.subject}:${p.day}:${p.ordinal}`;

/**
 * The automatic actions of the last 26 h (an ET day is at most 25 h long), by policy and subject, newest
 * last: one query for the whole run instead of one per candidate. One range filter on `at`: served by
 * Firestore's automatic index; a day of audit entries is small.
 */
async function recentTrails(store: DocumentStore, now: Date): Promise<Map<string, audit.StoredAuditEntry[]>> {
  const docs = await store.query(audit.AUDIT_LOG, {
    where: [['at', '>=', new Date(now.getTime() - TRAIL_WINDOW_MS)]],
  });
  const trails = new Map<string, audit.StoredAuditEntry[]>();
  const entries = docs
    .map((d) => ({ id: d.id, ...audit.auditEntrySchema.parse(d.data) }))
    .filter((e) => e.action === AUTOHEAL_AUDIT_ACTION && e.outcome === 'ok' && e.target !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of entries) {
    const key = stateKey(String(e.details.policy), String(e.target));
    trails.set(key, [...(trails.get(key) ?? []), e]);
  }
  return trails;
}

/** Whether the subject's target is still being worked on: its retry cycle, or the policy's last backfill. */
async function stillRunning(
  store: DocumentStore,
  c: Candidate,
  trail: readonly audit.StoredAuditEntry[],
  now: Date,
): Promise<boolean> {
  if (c.action.kind === 'retry') {
    const name = c.action.scraper ?? c.action.processor;
    if (!name) return false;
    const item = await retryQueue.get(store, retryQueue.retryItemId(name, c.action.date));
    return item?.status === 'pending' || item?.status === 'retrying';
  }
  if (c.action.kind === 'backfill') {
    const last = trail.at(-1);
    const requestId = typeof last?.details.request_id === 'string' ? last.details.request_id : undefined;
    if (!last || !requestId || now.getTime() - last.at.getTime() > hours(24)) return false;
    const run = await backfillRuns.get(store, requestId);
    return run !== undefined && run.finished_at === null;
  }
  return false;
}

/** Load the state the decision needs, for the (policy, finding) pairs the policies cover. */
export async function loadAutoHealState(deps: AutoHealServices, findings: readonly Finding[], now: Date) {
  const takenToday = new Map<string, number>();
  const inProgress = new Set<string>();
  const paused = new Set<string>();
  const incidentIds = new Map<string, string>();
  const covered = candidates(findings, deps.config.autoHeal.policies);
  if (covered.length === 0) return { state: { takenToday, inProgress, paused }, incidentIds };
  const [open, trails] = await Promise.all([incidents.listOpen(deps.store), recentTrails(deps.store, now)]);
  const openByKey = new Map(open.map((i) => [i.key, i]));
  for (const c of covered) {
    const key = stateKey(c.policy.name, c.subject);
    const incident = openByKey.get(c.finding.key);
    if (incident) incidentIds.set(c.finding.key, incident.id);
    if (incident?.auto_heal_paused) paused.add(c.finding.key);
    const trail = trails.get(key) ?? [];
    takenToday.set(key, trail.filter((e) => e.details.day === etDate(now)).length);
    if (await stillRunning(deps.store, c, trail, now)) inProgress.add(key);
  }
  return { state: { takenToday, inProgress, paused }, incidentIds };
}

/**
 * Decide and act. Each action is claimed first by an audit entry whose id is (policy, subject, ET day,
 * ordinal): a second instance or a rerun of the same slot finds the claim and does nothing, and the claims
 * are what the daily limit and the digest count. A claim whose action then fails still counts (the limit
 * errs on doing less).
 */
export async function runAutoHeal(
  deps: AutoHealServices,
  runFindings: readonly Finding[],
): Promise<AutoHealReport> {
  if (deps.config.autoHeal.policies.length === 0) return { done: [], skipped: [], left: 0 };
  // The findings as delivery grouped them (one alert per shared cause): one action per alert, on its incident.
  const findings = groupFanOut(runFindings);
  const now = deps.clock.now();
  const { state, incidentIds } = await loadAutoHealState(deps, findings, now);
  const decision = decideAutoHeal(
    findings,
    deps.config.autoHeal.policies,
    state,
    now,
    deps.config.autoHeal.quietHours,
  );
  const done: AutoHealDone[] = [];
  let left = 0;
  for (const [index, plan] of decision.take.entries()) {
    if (deps.stopSignal.aborted) {
      left = decision.take.length - index;
      deps.log.info('auto-heal stopped: the rest is left to the next run', { left });
      break;
    }
    const incidentId = incidentIds.get(plan.finding.key) ?? null;
    const claimId = autoHealClaimId(plan);
    const nonce = randomUUID();
    const claim = await audit.append(
      deps.store,
      {
        who: 'system',
        action: AUTOHEAL_AUDIT_ACTION,
        target: plan.subject,
        incident_id: incidentId,
        at: now,
        outcome: 'ok',
        details: {
          policy: plan.policy.name,
          check: plan.finding.check,
          kind: plan.action.kind,
          day: plan.day,
          ordinal: plan.ordinal,
          request_id: claimId,
          claim: nonce,
        },
      },
      claimId,
    );
    if (claim.details.claim !== nonce) {
      deps.log.info('auto-heal action claimed elsewhere', { claim: claimId });
      continue;
    }
    let outcome: string;
    try {
      outcome = await perform(deps, plan, incidentId, claimId);
    } catch (error) {
      outcome = 'failed';
      deps.log.warn('auto-heal action failed', { claim: claimId, error: String(error) });
    }
    done.push({
      policy: plan.policy.name,
      subject: plan.subject,
      action: plan.action.kind,
      incidentId,
      outcome,
    });
    // Only a retry changes what the alert shows (its state replaces the Retry button); the other actions
    // report in the thread alone, which spares a paced Slack call each.
    if (incidentId && plan.action.kind === 'retry' && outcome === 'scheduled')
      await deps.incidentMessages.refresh(incidentId).catch(() => undefined);
  }
  for (const s of decision.skipped)
    deps.log.info('auto-heal skipped', { policy: s.policy.name, subject: s.subject, reason: s.reason });
  return { done, skipped: decision.skipped, left };
}

async function perform(
  deps: AutoHealServices,
  plan: Planned,
  incidentId: string | null,
  claimId: string,
): Promise<string> {
  const by = { policy: plan.policy.name };
  const action = plan.action;
  if (action.kind === 'retry') {
    const name = action.scraper ?? action.processor ?? '';
    const result = await requestRetry(deps, {
      incidentId,
      kind: action.scraper !== undefined ? 'scraper' : 'processor',
      name,
      date: action.date,
      requestedBy: by,
      reason: plan.finding.title,
      expected: expectedOf(plan.finding),
      auditId: `${claimId}:retry`,
    });
    return result.outcome;
  }
  if (action.kind === 'backfill') {
    // A policy is not a person: Backfill and Reset Breaker check the operator only for a user.
    const result = await startBackfill(deps, {
      incidentId,
      scraper: action.scraper,
      from: action.from,
      until: action.until,
      requestedBy: by,
      reason: plan.finding.title,
      requestId: claimId,
      // Written before the tasks are enqueued: they may finish (and say so) before startBackfill returns.
      announce: {
        intentId: `${claimId}:reply`,
        view: autoHealReply({
          policy: plan.policy.name,
          what: `Backfill of ${action.scraper} ${action.from} → ${action.until} started`,
        }),
      },
    });
    return result.outcome;
  }
  const result = await resetBreaker(deps, {
    incidentId,
    requestedBy: by,
    reason: 'the upstream data these breakers waited for has arrived',
    breaker: action,
    requestId: claimId,
  });
  return result.outcome;
}

/** The records that mean "recovered", when the finding names them (as a click's retry reads them). */
function expectedOf(finding: Finding): number | null {
  for (const name of ['expected_records', 'expected_games', 'expected', 'nbac_games']) {
    const v = finding.facts[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}
