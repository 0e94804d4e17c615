// DashboardData on the default simulated scenario through DuckDB, with an embedded Store: the demo date's
// problems show (bp_player_props red from the proxy block, WAS/LAC breakers, proxyfuel→bettingpros.com OPEN,
// BDL 4 of 9 on 2026-01-19), the clean date 2025-11-12 is green, healed items and recovery by attempt come
// from the Store, and every output renders within Slack's limits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardData } from '../../src/dashboard/data.js';
import type { DashboardData } from '../../src/dashboard/port.js';
import { type ScraperActivity, scraperLight } from '../../src/dashboard/rules.js';
import type { Finding } from '../../src/jobs/finding.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { etInstant } from '../../src/jobs/time.js';
import { loadScenario, loadSimulation } from '../../src/sim/index.js';
import * as audit from '../../src/store/audit.js';
import { createDuckDbStore } from '../../src/store/duckdb.js';
import * as incidents from '../../src/store/incidents.js';
import * as leases from '../../src/store/leases.js';
import type { DocumentStore } from '../../src/store/port.js';
import * as queue from '../../src/store/retry-queue.js';
import { pipelineHealthView } from '../../src/views/commands.js';
import { buildDigest } from '../../src/views/digest.js';
import { zonedFormatter } from '../../src/views/format.js';
import { buildHome } from '../../src/views/home.js';
import type { BreakerRow } from '../../src/views/types.js';
import { validateMessage, validateView } from '../../src/views/validate.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';

const HOUR = 3_600_000;
/** The digest's time on the demo date: 07:00 ET on 2026-01-20 (reports on 2026-01-19). */
const NOW = etInstant('2026-01-20', '07:00');
const CLEAN_NOW = etInstant('2025-11-13', '07:00');
const fmt = zonedFormatter();

let dir: string;
let db: DuckDbWarehouse;
let store: DocumentStore;
let data: DashboardData;

const finding = (key: string, title: string): Finding => ({
  check: 'scraper_gaps',
  key,
  severity: 'error',
  title,
  subject: { scraper: key },
  facts: {},
  actions: [],
});

/** A retry item run to `result` at each attempt, as the retry handler records it. */
async function runRetry(
  name: string,
  date: string,
  results: ('failed' | 'recovered')[],
  start: Date,
  incidentId: string | null,
) {
  await queue.createOrJoin(store, {
    kind: 'scraper',
    name,
    date,
    reason: 'test',
    originalError: 'HTTP 503',
    expectedRecords: 9,
    nextRetryAt: start,
    incidentId,
    now: start,
  });
  const id = queue.retryItemId(name, date);
  for (const [i, result] of results.entries()) {
    const at = new Date(start.getTime() + (i + 1) * HOUR);
    await queue.claimAttempt(store, id, i + 1, `task-${name}-${i + 1}`, at);
    await queue.recordOutcome(
      store,
      id,
      i + 1,
      { result, recordsReceived: result === 'recovered' ? 9 : 4, nextRetryAt: new Date(at.getTime() + HOUR) },
      at,
    );
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shotclock-dashboard-'));
  db = await openDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  const scenario = loadScenario();
  for (const [from, until] of [
    ['2025-11-03', '2025-11-12'],
    ['2026-01-04', '2026-01-20'],
  ] as const) {
    await loadSimulation({ from, until, now: NOW, scenario }, db);
  }
  store = await createDuckDbStore(await db.connect());
  data = createDashboardData({ warehouse: db, store, config: { thresholds: DEFAULT_THRESHOLDS } });

  // The Store side: one open incident; one resolved after a policy's retry recovered at attempt 2; one
  // resolved with nobody acting; a recovered item without incident; one exhausted item.
  const dayAgo = new Date(NOW.getTime() - 20 * HOUR);
  await incidents.open(store, {
    finding: finding('open-one', 'bp_player_props has 5 gap days'),
    now: dayAgo,
  });
  const healed = await incidents.open(store, {
    finding: finding('healed-one', 'BDL returned 4 of 9 games'),
    now: dayAgo,
  });
  await audit.append(store, {
    who: 'system',
    action: 'retry',
    target: 'bdl_box_scores_2026-01-19',
    incident_id: healed.incident.id,
    at: dayAgo,
    outcome: 'ok',
    details: { policy: 'auto-retry-discrepancy' },
  });
  await runRetry('bdl_box_scores', '2026-01-19', ['failed', 'recovered'], dayAgo, healed.incident.id);
  await incidents.resolve(store, healed.incident.id, new Date(dayAgo.getTime() + 3 * HOUR));
  const cleared = await incidents.open(store, { finding: finding('cleared', 'went away'), now: dayAgo });
  await incidents.resolve(store, cleared.incident.id, new Date(dayAgo.getTime() + HOUR));
  await runRetry('nbac_gamebook', '2026-01-18', ['recovered'], dayAgo, null);
  await runRetry('bdl_games', '2026-01-17', ['failed', 'failed', 'failed'], dayAgo, null);
}, 60_000);

afterAll(async () => {
  await store?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('scraperStatus', () => {
  it('on the demo date: bp_player_props red (proxy block), gamebook green, every simulated scraper listed', async () => {
    const rows = (await data.scraperStatus(NOW)).value;
    const by = new Map(rows.map((r) => [r.scraper, r]));
    expect(rows.length).toBeGreaterThanOrEqual(10);
    const props = by.get('bp_player_props');
    expect(props?.state).toBe('red');
    expect(props?.gapCount).toBeGreaterThanOrEqual(DEFAULT_THRESHOLDS.gapAlertThreshold);
    expect(props?.recentError?.message).toMatch(/403/);
    const gamebook = by.get('nbac_gamebook');
    expect(gamebook).toMatchObject({ state: 'green', gapCount: 0, recentError: null });
    expect(gamebook?.lastSuccessAt?.getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(gamebook?.runs24h).toBeGreaterThan(0);
    // BDL's short day (4 of 9) is a partial run: degraded, not a gap.
    expect(by.get('bdl_box_scores')?.state).toBe('yellow');
    // BigDataBall's routine `no_data_yet` is expected: green.
    expect(by.get('bdb_pbp')?.state).toBe('green');
  });

  it('on the clean date every scraper is green', async () => {
    const rows = (await data.scraperStatus(CLEAN_NOW)).value;
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => r.state !== 'green')).toEqual([]);
  });
});

describe('scraperLight', () => {
  const activity = (over: Partial<ScraperActivity>): ScraperActivity => ({
    scraper_name: 's',
    last_success_at: null,
    error_at: null,
    error_text: null,
    runs_24h: 4,
    successes_24h: 4,
    failures_24h: 0,
    unexpected_failures_24h: 0,
    partial_24h: 0,
    ...over,
  });
  const t = DEFAULT_THRESHOLDS;
  it('red at the gap threshold, or when it ran in 24 h and only failed for real', () => {
    expect(scraperLight(t.gapAlertThreshold, activity({}), t)).toBe('red');
    const failing = { successes_24h: 0, failures_24h: 4, unexpected_failures_24h: 4 };
    expect(scraperLight(0, activity(failing), t)).toBe('red');
  });
  it('yellow on a gap, a real failure or a short run; no_data_yet only is green', () => {
    expect(scraperLight(t.gapAlertThreshold - 1, activity({}), t)).toBe('yellow');
    expect(scraperLight(0, activity({ successes_24h: 3, unexpected_failures_24h: 1 }), t)).toBe('yellow');
    expect(scraperLight(0, activity({ partial_24h: 1 }), t)).toBe('yellow');
    expect(scraperLight(0, activity({ successes_24h: 0, failures_24h: 4 }), t)).toBe('green');
    expect(scraperLight(0, undefined, t)).toBe('green');
  });
});

describe('breakers', () => {
  it('WAS and LAC entity breakers are active, proxyfuel→bettingpros.com OPEN, decodo→nba.com HALF_OPEN', async () => {
    const rows = (await data.breakers(NOW)).value;
    const entity = rows.filter((r): r is Extract<BreakerRow, { kind: 'entity' }> => r.kind === 'entity');
    expect(entity.length).toBeGreaterThan(0);
    for (const e of entity) expect(e.trippedUntil?.getTime()).toBeGreaterThan(NOW.getTime());
    const reasons = entity.map((e) => e.reason ?? '').join('\n');
    expect(reasons).toContain('WAS');
    expect(reasons).toContain('LAC');
    const proxy = rows.filter((r) => r.kind === 'proxy');
    expect(proxy).toContainEqual(
      expect.objectContaining({ provider: 'proxyfuel', target: 'bettingpros.com', state: 'OPEN' }),
    );
    expect(proxy).toContainEqual(
      expect.objectContaining({ provider: 'decodo', target: 'nba.com', state: 'HALF_OPEN' }),
    );
    expect(proxy.every((p) => p.state !== 'CLOSED')).toBe(true);
  });

  it('none on the clean date', async () => {
    expect((await data.breakers(CLEAN_NOW)).value).toEqual([]);
  });
});

describe('pipelineHealth', () => {
  it('2026-01-19: raw red (BDL 4 of 9)', async () => {
    const health = (await data.pipelineHealth('2026-01-19', NOW)).value;
    expect(health.gamesScheduled).toBe(9);
    expect(health.phases.map((p) => p.phase)).toEqual([2, 3, 4, 5]);
    const raw = health.phases.find((p) => p.phase === 2);
    expect(raw?.state).toBe('red');
    expect(raw?.metrics).toContainEqual({ label: 'BDL box score games', value: 4, expected: 9 });
    expect(validateMessage(pipelineHealthView(health))).toEqual([]);
  });

  it('2026-01-18: phase 3 red (critical processors failed), predictions red (thin slate)', async () => {
    const health = (await data.pipelineHealth('2026-01-18', NOW)).value;
    expect(health.phases.find((p) => p.phase === 3)?.state).toBe('red');
    expect(health.phases.find((p) => p.phase === 3)?.note).toContain('upcoming_player_game_context');
    expect(health.phases.find((p) => p.phase === 5)?.state).toBe('red');
  });

  it('the clean date is green in every phase', async () => {
    const health = (await data.pipelineHealth('2025-11-12', CLEAN_NOW)).value;
    expect(health.gamesScheduled).toBeGreaterThan(0);
    expect(health.phases.map((p) => [p.phase, p.state, p.note])).toEqual(
      [2, 3, 4, 5].map((p) => [p, 'green', undefined]),
    );
  });
});

describe('digest', () => {
  it('for 2026-01-19: BDL 4 of 9, gamebook 9 of 9, missing teams, breakers, 14-day gap trend', async () => {
    const digest = await data.digest(NOW);
    expect(digest.date).toBe('2026-01-19');
    expect(digest.boxscores).toEqual({ got: 4, expected: 9 });
    expect(digest.gamebooks).toEqual({ got: 9, expected: 9 });
    expect(digest.games).toEqual({ got: 9, expected: 9 });
    const missing19 = digest.missing.find((m) => m.date === '2026-01-19' && m.what === 'box scores');
    expect(missing19?.teams).toHaveLength(10);
    const missing16 = digest.missing.find((m) => m.date === '2026-01-16' && m.what === 'box scores');
    expect(missing16?.teams).toEqual(expect.arrayContaining(['LAC', 'WAS']));
    expect(digest.gapTrend).toHaveLength(14);
    expect(digest.gapTrend[13]).toEqual({ date: '2026-01-19', gaps: expect.any(Number) });
    const props = ['2026-01-13', '2026-01-15', '2026-01-16', '2026-01-18', '2026-01-19'];
    for (const d of props) expect(digest.gapTrend.find((t) => t.date === d)?.gaps, d).toBeGreaterThan(0);
    expect(digest.gapTrend.find((t) => t.date === '2026-01-14')?.gaps).toBe(0);
    expect(digest.breakers.some((b) => b.kind === 'proxy' && b.state === 'OPEN')).toBe(true);
    expect(digest.openIncidents.map((i) => i.finding.title)).toEqual(['bp_player_props has 5 gap days']);
    expect(digest.recoveries24h.map((r) => r.policy ?? null)).toEqual([null, 'auto-retry-discrepancy']);
    const view = buildDigest({ ...digest, now: NOW, fmt });
    expect(validateMessage(view)).toEqual([]);
    expect(view.text).toContain('4/9');
  });

  it('for the clean date: full coverage, nothing missing, no gaps', async () => {
    const digest = await data.digest(CLEAN_NOW);
    expect(digest.date).toBe('2025-11-12');
    expect(digest.boxscores.got).toBe(digest.boxscores.expected);
    expect(digest.boxscores.expected).toBeGreaterThan(0);
    expect(digest.gamebooks.got).toBe(digest.gamebooks.expected);
    expect(digest.missing).toEqual([]);
    expect(digest.breakers).toEqual([]);
    expect(digest.gapTrend.every((t) => t.gaps === 0)).toBe(true);
  });
});

describe('home and the retry queue', () => {
  it('healed in 24 h: the policy retry (2 attempts) and the item recovered without incident; not the incident nobody healed', async () => {
    const home = await data.home(NOW);
    expect(home.openIncidents.map((i) => i.id)).toEqual(['open-one#1']);
    expect(home.healed24h).toHaveLength(2);
    const [first, second] = home.healed24h;
    expect(second).toMatchObject({
      title: 'BDL returned 4 of 9 games',
      action: 'retry',
      policy: 'auto-retry-discrepancy',
      attempts: 2,
      durationMs: 3 * HOUR,
    });
    expect(first).toMatchObject({
      title: expect.stringContaining('nbac_gamebook'),
      action: 'retry',
      attempts: 1,
    });
    expect(first?.policy).toBeUndefined();
    expect(home.recoveryByAttempt).toEqual({ byAttempt: [1, 1, 0], exhausted: 1 });
    expect(home.scrapers.find((s) => s.scraper === 'bp_player_props')?.state).toBe('red');
    expect(home.lastRunAt).toBeNull();
    expect(validateView(buildHome({ ...home, now: NOW, fmt }))).toEqual([]);
  });

  it('nothing healed a day later, and older retries leave recovery by attempt after 30 days', async () => {
    const later = new Date(NOW.getTime() + 31 * 24 * HOUR);
    const home = await data.home(later);
    expect(home.healed24h).toEqual([]);
    expect(home.recoveryByAttempt).toEqual({ byAttempt: [0, 0, 0], exhausted: 0 });
  });

  it('lastRunAt is the latest job slot finished by now', async () => {
    const slot = 'job:health:2026-01-20T11:00:00.000Z';
    const ranAt = new Date(NOW.getTime() - HOUR);
    await leases.acquire(store, { name: slot, holder: 'h1', ttlMs: HOUR, now: ranAt });
    await leases.finish(store, slot, 'h1', new Date(ranAt.getTime() + 60_000));
    expect((await data.home(NOW)).lastRunAt).toEqual(new Date(ranAt.getTime() + 60_000));
    expect((await data.home(ranAt)).lastRunAt).toBeNull();
  });

  it('retryQueue lists by status, newest first', async () => {
    const all = await data.retryQueue();
    expect(all.map((r) => r.status).sort()).toEqual(['exhausted', 'recovered', 'recovered']);
    expect(await data.retryQueue('exhausted')).toEqual([
      expect.objectContaining({ scraper_name: 'bdl_games' }),
    ]);
    expect(await data.retryQueue('pending')).toEqual([]);
  });
});
