import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { type Finding, findingKey, type Severity } from './finding.js';
import {
  amount,
  boolFact,
  count,
  listFact,
  numFact,
  type Presentation,
  strFact,
  text,
  time,
} from './presentation.js';
import { formatDuration, hours } from './time.js';

const NAME = 'proxy_breakers';
const MINUTE_MS = 60_000;
/** The scrapers' breaker cooldown before a trial request (docs/pipeline.md#proxies-and-proxy-breakers). */
const COOLDOWN_MINUTES = 5;

const row = z.object({
  proxy_provider: z.string(),
  target_host: z.string(),
  circuit_state: z.string(),
  /** NULL when only a later row exists (a replay of an earlier time): its counters are not those of then. */
  failure_count: z.number().int().nullable(),
  last_failure_at: z.date().nullable(),
  last_success_at: z.date().nullable(),
  opened_at: z.date().nullable(),
  updated_at: z.date(),
  /**
   * Providers that serve this target (a breaker row for it, or requests to it in the health window): one
   * without a breaker row has never tripped there (CLOSED). Providers of other targets do not count.
   */
  providers_known: z.number().int(),
});
export type ProxyBreakersRow = z.infer<typeof row>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

function pairFinding(r: ProxyBreakersRow, target: readonly ProxyBreakersRow[], ctx: CheckContext): Finding {
  const open = r.circuit_state === 'OPEN';
  const openCount = target.filter((p) => p.circuit_state === 'OPEN').length;
  const providers = Math.max(r.providers_known, target.length);
  const allOpen = openCount === providers;
  const since = r.opened_at ?? r.updated_at;
  const openMs = ctx.now.getTime() - since.getTime();
  // A pair goes HALF_OPEN 5 min after opening; still OPEN long after that, no trial has got through and it
  // will not heal by itself (docs/pipeline.md#proxies-and-proxy-breakers).
  const stuck = open && openMs > hours(ctx.thresholds.proxyStuckOpenHours);
  // Every provider blocked: nothing reaches the target and its scrapers fail until one recovers.
  const severity: Severity = allOpen ? 'critical' : stuck ? 'error' : open ? 'warning' : 'info';
  return {
    check: NAME,
    key: findingKey(NAME, r.proxy_provider, r.target_host),
    severity,
    title: allOpen
      ? `Every proxy provider is blocked for ${r.target_host} (${r.proxy_provider} OPEN)`
      : stuck
        ? `Proxy breaker ${r.proxy_provider} → ${r.target_host} stuck OPEN for ${formatDuration(openMs)}, long past its ${COOLDOWN_MINUTES} min cooldown`
        : `Proxy breaker ${r.proxy_provider} → ${r.target_host} is ${r.circuit_state}`,
    subject: { provider: r.proxy_provider, target: r.target_host },
    facts: {
      provider: r.proxy_provider,
      target: r.target_host,
      state: r.circuit_state,
      failure_count: r.failure_count,
      opened_at: iso(r.opened_at),
      minutes_in_state: Math.max(0, Math.floor(openMs / MINUTE_MS)),
      stuck_open: stuck,
      stuck_open_after_hours: ctx.thresholds.proxyStuckOpenHours,
      last_failure_at: iso(r.last_failure_at),
      last_success_at: iso(r.last_success_at),
      providers_known: providers,
      providers_open_for_target: openCount,
      target_states: target.map((p) => `${p.proxy_provider}: ${p.circuit_state}`),
    },
    // Reset moves an OPEN pair to HALF_OPEN for a trial request; a HALF_OPEN pair is already on trial.
    actions: open
      ? [{ kind: 'reset_breaker', breaker: 'proxy', provider: r.proxy_provider, target: r.target_host }]
      : [],
  };
}

/**
 * One finding per OPEN or HALF_OPEN provider → target pair (docs/pipeline.md#proxies-and-proxy-breakers).
 * OPEN is a warning while another provider still reaches the target, an error once it has stayed OPEN past
 * `proxyStuckOpenHours` (stuck: no trial gets through); every provider OPEN for a target is critical;
 * HALF_OPEN is on trial (info).
 */
export function evaluateProxyBreakers(rows: readonly ProxyBreakersRow[], ctx: CheckContext): Finding[] {
  const byTarget = new Map<string, ProxyBreakersRow[]>();
  for (const r of rows) byTarget.set(r.target_host, [...(byTarget.get(r.target_host) ?? []), r]);
  const findings: Finding[] = [];
  for (const [, target] of [...byTarget.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...target].sort((a, b) => a.proxy_provider.localeCompare(b.proxy_provider));
    for (const r of sorted) {
      if (r.circuit_state === 'OPEN' || r.circuit_state === 'HALF_OPEN')
        findings.push(pairFinding(r, sorted, ctx));
    }
  }
  return findings;
}

/** One provider → target pair: blocked (OPEN), on trial (HALF_OPEN), or the last provider blocked. */
const presentation: Presentation = {
  summary: (f) => {
    const provider = strFact(f, 'provider');
    const target = strFact(f, 'target');
    const known = numFact(f, 'providers_known') ?? 0;
    const open = numFact(f, 'providers_open_for_target') ?? 0;
    if (strFact(f, 'state') === 'HALF_OPEN') {
      return `${provider} is on trial for ${target} (HALF_OPEN): its next requests decide whether it serves again.`;
    }
    if (open >= known)
      return `Every proxy provider is blocked by ${target} (${open} of ${known} OPEN): its scrapers fail until one recovers.`;
    const stuck = boolFact(f, 'stuck_open')
      ? `, stuck for over ${numFact(f, 'stuck_open_after_hours')} h: no trial request has got through since, so it will not heal by itself`
      : '';
    // Name the fallback: the target's other providers whose breaker is not OPEN ("decodo: CLOSED").
    const others = (listFact(f, 'target_states') ?? [])
      .map((state) => state.split(': '))
      .filter(([name, state]) => name !== provider && state !== 'OPEN')
      .map(([name]) => name);
    const reach = others.length
      ? `${others.join(', ')} still ${others.length === 1 ? 'reaches' : 'reach'} it and serves meanwhile`
      : `${known - open} of ${known} providers still reach it`;
    return `${provider} is blocked by ${target} (OPEN)${stuck}; ${reach}.`;
  },
  fields: (f) => [
    text('State', strFact(f, 'state')),
    count(
      'Providers open',
      numFact(f, 'providers_open_for_target'),
      numFact(f, 'providers_known'),
      'providers',
    ),
    time('Opened', strFact(f, 'opened_at')),
    amount('Failures', numFact(f, 'failure_count') ?? undefined, 'in a row'),
    time('Last success', strFact(f, 'last_success_at')),
  ],
};

export const proxyBreakersCheck = defineCheck({
  name: NAME,
  description:
    'Open and half-open proxy breakers per provider and target; every provider open for a target is critical',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    health_since: new Date(ctx.now.getTime() - hours(ctx.thresholds.proxyHealthWindowHours)),
    now: ctx.now,
  }),
  evaluate: evaluateProxyBreakers,
  presentation,
});
