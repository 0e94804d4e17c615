// Reset Breaker: clear a processor's entity breakers (reprocess_attempts) or set a proxy pair to HALF_OPEN.
// Destructive, so: operators only (a refused click changes nothing and is audited as denied), a reason is
// required, writes are parameterized DML files, and the result is threaded under the alert, saying what
// changed: a reset that changed no row says the breakers were already reset, by whom and when if audited.
import { breakerWindow } from '../jobs/circuit_breakers.js';
import type { Action } from '../jobs/finding.js';
import { etDate } from '../jobs/time.js';
import type { Services } from '../services.js';
import * as audit from '../store/audit.js';
import {
  type Actor,
  alreadyResetEphemeral,
  type BreakerResetInput,
  breakerAlreadyResetReply,
  breakerResetReply,
  notAllowedEphemeral,
  type PreviousReset,
} from '../views/thread.js';
import type { MessageView } from '../views/types.js';
import type { SqlParams } from '../warehouse/port.js';
import { auditWho, type Requester } from './ports.js';
import { type ReplyResult, replyAfterStored } from './thread.js';

export const RESET_ENTITY_BREAKERS_SQL = 'actions/reset_entity_breakers.sql';
export const RESET_PROXY_BREAKER_SQL = 'actions/reset_proxy_breaker.sql';

/** What a breaker reset uses (operators only). */
export type ResetBreakerServices = Pick<
  Services,
  'store' | 'chat' | 'clock' | 'fmt' | 'warehouse' | 'operators' | 'log'
>;

export type BreakerTarget = Extract<Action, { kind: 'reset_breaker' }>;

export interface ResetBreakerRequest {
  readonly incidentId: string | null;
  /** A person (must be an operator) or an auto-heal policy (the breakers job, data arrived). */
  readonly requestedBy: Requester;
  readonly reason: string;
  readonly breaker: BreakerTarget;
  /** Makes a retried submission land once (e.g. the modal's view id): audit entry and thread reply. */
  readonly requestId?: string;
}

export interface ResetBreakerResult {
  /** 'already_reset': the DML changed no row (the breakers were reset before); nothing changed. */
  readonly outcome: 'reset' | 'already_reset' | 'denied' | 'invalid' | 'failed';
  /** Rows the DML changed, when the warehouse says. */
  readonly rows?: number | null;
  readonly reply?: ReplyResult;
  /** For the person who clicked (denied, invalid, failed, already reset). */
  readonly ephemeral?: MessageView | { readonly text: string };
}

type ResetFile = typeof RESET_ENTITY_BREAKERS_SQL | typeof RESET_PROXY_BREAKER_SQL;

/** One of the reset DML files with the parameters its header declares. */
type ResetStatement = { [F in ResetFile]: { readonly file: F; readonly params: SqlParams[F] } }[ResetFile];

type Plan =
  | ({ readonly ok: true; readonly target: string } & ResetStatement)
  | { readonly ok: false; readonly problem: string };

/** What to execute for a breaker target (pure). */
export function planReset(breaker: BreakerTarget, note: string, now: Date): Plan {
  if (breaker.breaker === 'entity') {
    if (!breaker.processor) return { ok: false, problem: 'an entity breaker reset needs the processor' };
    return {
      ok: true,
      file: RESET_ENTITY_BREAKERS_SQL,
      params: {
        processor_name: breaker.processor,
        entity_ids: [...(breaker.entities ?? [])],
        note,
        // The breakers the check reports as of now, and no older row (sql/actions/reset_entity_breakers.sql).
        ...breakerWindow(etDate(now)),
      },
      target: `${breaker.processor}:${breaker.entities?.length ? breaker.entities.join(',') : '*'}`,
    };
  }
  if (!breaker.provider || !breaker.target) {
    return { ok: false, problem: 'a proxy breaker reset needs the provider and the target host' };
  }
  return {
    ok: true,
    file: RESET_PROXY_BREAKER_SQL,
    params: { proxy_provider: breaker.provider, target_host: breaker.target, note, now },
    target: `${breaker.provider}→${breaker.target}`,
  };
}

const whoText = (by: Requester) => ('user' in by ? by.user : `shotclock (policy ${by.policy})`);

export async function resetBreaker(
  deps: ResetBreakerServices,
  request: ResetBreakerRequest,
): Promise<ResetBreakerResult> {
  const now = deps.clock.now();
  const by = request.requestedBy;
  const reason = request.reason.trim();
  const id = request.requestId ?? `${auditWho(by)}:${now.getTime()}`;
  const entry = (
    outcome: audit.AuditEntry['outcome'],
    target: string | null,
    details: Record<string, string | number | null>,
  ) =>
    audit.append(
      deps.store,
      {
        who: auditWho(by),
        action: 'reset_breaker',
        target,
        incident_id: request.incidentId,
        at: now,
        outcome,
        details: {
          breaker: request.breaker.breaker,
          reason,
          ...('policy' in by ? { policy: by.policy } : {}),
          ...details,
        },
      },
      `reset_breaker:${id}`,
    );

  // Authorize before anything else: a refused click reads and writes nothing but its audit entry.
  if ('user' in by && !(await deps.operators.isOperator(by.user))) {
    await entry('denied', null, {});
    deps.log.info('reset breaker refused: not an operator', { user: by.user, incident: request.incidentId });
    return {
      outcome: 'denied',
      ephemeral: notAllowedEphemeral({
        action: 'reset_breaker',
        ...(deps.operators.mentions.length ? { operators: deps.operators.mentions.join(' ') } : {}),
      }),
    };
  }
  if (reason === '')
    return { outcome: 'invalid', ephemeral: { text: 'A reason is required to reset a breaker.' } };

  const note = `reset by ${whoText(by)} at ${now.toISOString()} via shotclock: ${reason}`;
  const plan = planReset(request.breaker, note, now);
  if (!plan.ok) return { outcome: 'invalid', ephemeral: { text: `Cannot reset: ${plan.problem}.` } };

  let rows: number | null;
  try {
    rows = await deps.warehouse.execute(plan.file, plan.params, { surface: 'action' });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await entry('failed', plan.target, { error: message });
    deps.log.warn('reset breaker failed', { target: plan.target, error: message });
    return { outcome: 'failed', ephemeral: { text: `Reset failed, nothing was changed: ${message}` } };
  }
  const b = request.breaker;
  const what: BreakerResetInput =
    b.breaker === 'entity'
      ? { breaker: 'entity', processor: b.processor ?? '', entities: b.entities ?? [], by, reason, rows }
      : { breaker: 'proxy', provider: b.provider ?? '', target: b.target ?? '', by, reason, rows };
  const ctx = { now, fmt: deps.fmt };

  if (rows === 0) {
    // Nothing was tripped any more (auto-heal or someone else came first): say so, and who, if audited.
    const previous = await lastReset(deps, request.incidentId, plan.target);
    await entry('ignored', plan.target, { rows });
    const view = breakerAlreadyResetReply({ ...what, ...(previous ? { previous } : {}) }, ctx);
    const { result: reply } = await replyAfterStored(deps, request.incidentId, `reset_breaker:${id}`, view);
    deps.log.info('breaker already reset', { target: plan.target, previous: previous ?? null, reply });
    return { outcome: 'already_reset', rows, reply, ephemeral: alreadyResetEphemeral(previous, ctx) };
  }
  await entry('ok', plan.target, { rows });
  // The reset is done and audited: a failed reply is logged and posted by the next delivery run.
  const view = breakerResetReply(what);
  const { result: reply } = await replyAfterStored(deps, request.incidentId, `reset_breaker:${id}`, view);
  deps.log.info('breaker reset', { target: plan.target, rows, reply });
  return { outcome: 'reset', rows, reply };
}

/** The incident's last reset of the same target that changed something, as audited. */
async function lastReset(
  deps: Pick<Services, 'store'>,
  incidentId: string | null,
  target: string,
): Promise<PreviousReset | undefined> {
  if (!incidentId) return undefined;
  const trail = await audit.listByIncident(deps.store, incidentId);
  const last = trail
    .filter(
      (e) =>
        e.action === 'reset_breaker' && e.outcome === 'ok' && e.target === target && e.details.rows !== 0,
    )
    .at(-1);
  if (!last) return undefined;
  const policy = last.details.policy;
  const by: Actor = last.who === 'system' && typeof policy === 'string' ? { policy } : { user: last.who };
  return { by, at: last.at };
}
