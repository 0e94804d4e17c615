import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Action, type Finding, findingKey } from './finding.js';
import { count, counted, list, listFact, numFact, type Presentation, strFact, time } from './presentation.js';
import { round } from './stats.js';
import { addDays, inHours } from './time.js';

const NAME = 'circuit_breakers';
/** Lockouts were 7 days before 2025-12-29: look back twice that for breakers still active. */
const LOOKBACK_DAYS = 14;
/** Entities named in a finding's facts: enough to recognise, few enough to read. */
const SAMPLE = 10;

const row = z.object({
  processor_name: z.string(),
  entity_id: z.string(),
  analysis_date: z.string(),
  attempt_count: z.number().int(),
  completeness_pct: z.number().nullable(),
  skip_reason: z.string().nullable(),
  circuit_breaker_until: z.date(),
  last_attempt_at: z.date(),
  /** Box scores for the entity arrived after the breaker tripped: an auto-reset candidate. */
  upstream_ready: z.boolean(),
});
export type CircuitBreakersRow = z.infer<typeof row>;

/**
 * The analysis dates whose breakers can still be active on pipeline date `date`: the lookback above, and the
 * next day (the upcoming-context processors work a day ahead). The check reads them, and Reset Breaker clears
 * only rows within them (sql/actions/reset_entity_breakers.sql).
 */
export function breakerWindow(date: string): { readonly since: string; readonly through: string } {
  return { since: addDays(date, -LOOKBACK_DAYS), through: addDays(date, 1) };
}

const uniqueSorted = (xs: readonly string[]) => [...new Set(xs)].sort();

/** How long a breaker locks its entity out: from the attempt that tripped it to its `circuit_breaker_until`. */
const lockoutHours = (r: CircuitBreakersRow) =>
  inHours(r.circuit_breaker_until.getTime() - r.last_attempt_at.getTime());

function processorFinding(
  processor: string,
  rows: readonly CircuitBreakersRow[],
  t: CheckContext['thresholds'],
): Finding {
  const entities = uniqueSorted(rows.map((r) => r.entity_id));
  // The pipeline locks entities out for 24 h since 2025-12-29; a longer lockout is the removed 7 days coming
  // back, a configuration regression (docs/pipeline.md#entity-circuit-breakers).
  const longest = Math.max(...rows.map(lockoutHours));
  const overLong = uniqueSorted(
    rows.filter((r) => lockoutHours(r) > t.entityLockoutMaxHours).map((r) => r.entity_id),
  );
  const candidates = uniqueSorted(rows.filter((r) => r.upstream_ready).map((r) => r.entity_id));
  const untils = rows.map((r) => r.circuit_breaker_until.getTime());
  const dates = uniqueSorted(rows.map((r) => r.analysis_date));
  const reasons = uniqueSorted(rows.flatMap((r) => (r.skip_reason ? [r.skip_reason] : [])));
  // With candidates, reset exactly those (their data is back); without, the reset covers every entity
  // of the processor and is the operator's call (the Reset Breaker modal asks for a reason).
  const reset: Action =
    candidates.length > 0
      ? { kind: 'reset_breaker', breaker: 'entity', processor, entities: candidates }
      : { kind: 'reset_breaker', breaker: 'entity', processor };
  return {
    check: NAME,
    key: findingKey(NAME, processor),
    severity: overLong.length > 0 ? 'error' : 'warning',
    title:
      `${entities.length} ${processor} entit${entities.length === 1 ? 'y' : 'ies'} locked out by circuit breakers` +
      (candidates.length > 0 ? ` (${candidates.length} have their data now)` : '') +
      (overLong.length > 0
        ? `, for up to ${round(longest)} h: longer than the ${t.entityLockoutMaxHours} h lockout, a configuration regression`
        : ''),
    subject: { processor },
    facts: {
      processor,
      active_breakers: entities.length,
      sample_entities: entities.slice(0, SAMPLE),
      locked_until: new Date(Math.max(...untils)).toISOString(),
      first_unlock_at: new Date(Math.min(...untils)).toISOString(),
      analysis_dates: dates,
      max_attempts: Math.max(...rows.map((r) => r.attempt_count)),
      skip_reasons: reasons.slice(0, 3),
      auto_reset_candidates: candidates.length,
      auto_reset_sample: candidates.slice(0, SAMPLE),
      longest_lockout_hours: round(longest),
      lockout_limit_hours: t.entityLockoutMaxHours,
      entities_over_lockout_limit: overLong.length,
    },
    actions: [reset],
  };
}

/**
 * One finding per processor with active entity breakers: locked players get no predictions
 * (docs/pipeline.md#entity-circuit-breakers).
 * A warning: the breaker is doing its job, but a locked player gets no prediction until it lifts. An error
 * when a lockout is longer than `entityLockoutMaxHours` (24 h): the configuration regressed.
 */
export function evaluateCircuitBreakers(rows: readonly CircuitBreakersRow[], ctx: CheckContext): Finding[] {
  const byProcessor = new Map<string, CircuitBreakersRow[]>();
  for (const r of rows) {
    if (r.circuit_breaker_until.getTime() <= ctx.now.getTime()) continue; // lifted by now
    byProcessor.set(r.processor_name, [...(byProcessor.get(r.processor_name) ?? []), r]);
  }
  return [...byProcessor.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([processor, active]) => processorFinding(processor, active, ctx.thresholds));
}

const presentation: Presentation = {
  summary: (f) => {
    const candidates = numFact(f, 'auto_reset_candidates') ?? 0;
    const overLong = numFact(f, 'entities_over_lockout_limit') ?? 0;
    const regression =
      overLong > 0
        ? ` Their lockout runs up to ${numFact(f, 'longest_lockout_hours')} h, longer than the ${numFact(f, 'lockout_limit_hours')} h the pipeline set: a configuration regression.`
        : '';
    return `${counted(numFact(f, 'active_breakers'), 'entity', 'entities')} of ${strFact(f, 'processor')} are locked out by circuit breakers and get no predictions until they lift${candidates > 0 ? `; ${counted(candidates, 'has', 'have')} their data again and can be reset now` : ''}.${regression}`;
  },
  fields: (f) => [
    count('Locked out', numFact(f, 'active_breakers'), undefined, 'entities'),
    count('Data back for', numFact(f, 'auto_reset_candidates'), numFact(f, 'active_breakers'), 'entities'),
    time('First unlock', strFact(f, 'first_unlock_at')),
    time('All unlocked', strFact(f, 'locked_until')),
    list('Skip reasons', listFact(f, 'skip_reasons')),
  ],
};

export const circuitBreakersCheck = defineCheck({
  name: NAME,
  description: 'Active entity circuit breakers per processor, with the entities whose data has since arrived',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({ ...breakerWindow(ctx.date), now: ctx.now }),
  evaluate: evaluateCircuitBreakers,
  presentation,
});
