// Proxies (docs/pipeline.md#proxies-and-proxy-breakers): hourly request outcomes per provider and target, and
// the breaker state as of now. A blocked pair (OPEN) only sees the breaker's probes, all failing; a HALF_OPEN
// pair fails about half.

import { days24h, etDate, hours } from '../jobs/time.js';
import { PROXY_PROVIDERS, PROXY_TARGETS } from './catalog.js';
import type { Row, RowBuffer, SimContext } from './context.js';
import { TABLES } from './context.js';
import { etMs } from './et.js';
import { rngFor } from './rng.js';
import type { IncidentOf } from './scenario.js';

const HOUR = hours(1);
const MIN = 60_000;

/** Requests a pair usually carries in an ET hour (0 = none): bettingpros only while lines are scraped. */
function baseRequests(provider: string, target: string, hour: number, gameDay: boolean): [number, number] {
  const primary = provider === 'proxyfuel';
  if (target === 'bettingpros.com') {
    if (!gameDay || hour < 6 || hour > 15) return [0, 0];
    return primary ? [30, 60] : [2, 6];
  }
  if (hour < 6) return [0, 0];
  if (target === 'nba.com') return primary ? [15, 30] : [3, 8];
  return primary ? [5, 15] : [2, 6];
}

/** When the block started: the first betting-lines run of its first day (06:05 ET). */
const openedAt = (b: IncidentOf<'proxy_block'>) => etMs(b.from, 6 * 60 + 5);

export function generateProxyMetrics(ctx: SimContext, date: string, out: RowBuffer): void {
  const gameDay = ctx.schedule.gamesOn(date).length > 0;
  const blocks = ctx.idx.proxyBlocks(date);
  const rng = rngFor(ctx.seed, 'proxy', date);
  for (let hour = 0; hour < 24; hour++) {
    const metricHour = etMs(date, hour * 60);
    if (metricHour + HOUR > ctx.now) return;
    for (const provider of PROXY_PROVIDERS) {
      for (const target of PROXY_TARGETS) {
        const block = blocks.find(
          (b) => b.provider === provider && b.target === target && openedAt(b) <= metricHour,
        );
        const [lo, hi] = baseRequests(provider, target, hour, gameDay);
        let requests: number;
        let failures: number;
        if (block?.state === 'OPEN') {
          if (hi === 0) continue;
          requests = 12; // one probe every 5 minutes
          failures = 12;
        } else {
          if (hi === 0) continue;
          requests = rng.int(lo, hi);
          failures = block ? Math.round(requests * rng.between(0.35, 0.6)) : 0;
        }
        out.push(TABLES.proxyMetrics, {
          metric_hour: new Date(metricHour),
          proxy_provider: provider,
          target_host: target,
          requests,
          successes: requests - failures,
          failures,
          avg_response_ms: block ? rng.int(2500, 9000) : rng.int(350, 1400),
        });
      }
    }
  }
}

/** The breaker table as of now: one row per provider and target. */
export function proxyBreakerRows(ctx: SimContext): Row[] {
  const now = ctx.now;
  const today = etDate(new Date(now));
  const rows: Row[] = [];
  const rng = rngFor(ctx.seed, 'proxy-breaker', today);
  const last5 = now - (now % (5 * MIN));
  for (const provider of PROXY_PROVIDERS) {
    for (const target of PROXY_TARGETS) {
      const block = ctx.idx
        .allProxyBlocks()
        .find(
          (b) =>
            b.provider === provider &&
            b.target === target &&
            openedAt(b) <= now &&
            (b.until === undefined || b.until >= today),
        );
      if (block) {
        const opened = openedAt(block);
        const days = Math.floor((now - opened) / days24h(1));
        const open = block.state === 'OPEN';
        rows.push({
          proxy_provider: provider,
          target_host: target,
          circuit_state: block.state,
          failure_count: open ? 3 + days * 120 + Math.floor(((now - opened) % days24h(1)) / (5 * MIN)) : 3,
          last_failure_at: new Date(open ? last5 : last5 - 20 * MIN),
          last_success_at: new Date(open ? opened - 10 * MIN : last5 - 5 * MIN),
          opened_at: new Date(opened),
          updated_at: new Date(open ? last5 : last5 - 5 * MIN),
          notes: open
            ? `HTTP 403 from ${target} via ${provider}: blocked, 3 consecutive failures opened the circuit`
            : `testing after cooldown; intermittent timeouts from ${target}`,
        });
      } else {
        const ok = last5 - rng.int(0, 4) * MIN;
        rows.push({
          proxy_provider: provider,
          target_host: target,
          circuit_state: 'CLOSED',
          failure_count: 0,
          last_failure_at: null,
          last_success_at: new Date(ok),
          opened_at: null,
          updated_at: new Date(ok),
          notes: null,
        });
      }
    }
  }
  return rows;
}
