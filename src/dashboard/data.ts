// DashboardData on the Warehouse and the Store: what /scrape-status, /pipeline-health, /breakers,
// /retry-queue, App Home and the digest show. Queries take every instant as a parameter (a replay "as of"
// a past time sees what it would have seen then); the decisions live in rules.ts. What Home and the
// commands read from the warehouse goes through the shared snapshot (snapshot.ts), and Home says what time
// that reading is as of; the digest, once a day, reads afresh.
import { z } from 'zod';
import { breakerWindow } from '../jobs/circuit_breakers.js';
import { EXHIBITION_SEASON_TYPES } from '../jobs/expectations.js';
import { proxyBreakersCheck } from '../jobs/proxy_breakers.js';
import { scraperGapsCheck } from '../jobs/scraper_gaps.js';
import { addDays, etDate, hoursBefore, lookbackStart } from '../jobs/time.js';
import type { ConfigOf, Services } from '../services.js';
import * as audit from '../store/audit.js';
import * as incidents from '../store/incidents.js';
import * as leases from '../store/leases.js';
import { listByStatus, RETRY_STATUSES, type RetryItem, type RetryStatus } from '../store/retry-queue.js';
import type { BreakerRow, HealedRow, PipelineHealthInput } from '../views/types.js';
import { defineQuery, type QuerySurface } from '../warehouse/port.js';
import type { DashboardData } from './port.js';
import { RECOVERY_TIME_DAYS, readRecoveryTimes } from './recovery-times.js';
import {
  activeFirst,
  autoHealCounts,
  dateCoverage,
  gapTrend,
  healedRows,
  missingRows,
  pipelinePhases,
  realGaps,
  recoveryByAttempt,
  scraperStatusRows,
} from './rules.js';
import { type ReadOptions, type Snapshots, UNSHARED } from './snapshot.js';

const TREND_DAYS = 14;
const RECOVERY_DAYS = 30;
/** Retry items read for recovery-by-attempt: a month of retries is far below this. */
const FINISHED_ITEMS_LIMIT = 1000;

export const scrapersQuery = defineQuery(
  'status/scrapers.sql',
  z.object({
    scraper_name: z.string(),
    last_success_at: z.date().nullable(),
    error_at: z.date().nullable(),
    error_text: z.string().nullable(),
    runs_24h: z.number().int(),
    successes_24h: z.number().int(),
    failures_24h: z.number().int(),
    unexpected_failures_24h: z.number().int(),
    partial_24h: z.number().int(),
  }),
);

export const coverageQuery = defineQuery(
  'status/game_coverage.sql',
  z.object({
    game_date: z.string(),
    game_id: z.string(),
    home_team: z.string(),
    away_team: z.string(),
    due: z.boolean(),
    gamebook_home: z.boolean(),
    gamebook_away: z.boolean(),
    bdl_home: z.boolean(),
    bdl_away: z.boolean(),
  }),
);

export const runsQuery = defineQuery(
  'status/pipeline_runs.sql',
  z.object({
    processor_name: z.string(),
    phase: z.number().int(),
    attempts: z.number().int(),
    successes: z.number().int(),
    last_status: z.string().nullable(),
    last_records_processed: z.number().int().nullable(),
    last_records_expected: z.number().int().nullable(),
    last_error: z.string().nullable(),
  }),
);

export const predictionsQuery = defineQuery(
  'status/predictions.sql',
  z.object({ predictions: z.number().int(), active_rows: z.number().int(), graded: z.number().int() }),
);

// The circuit_breakers check's own query (same rules for what counts as active), with the notes it carries.
export const entityBreakersQuery = defineQuery(
  'checks/circuit_breakers.sql',
  z.object({
    processor_name: z.string(),
    entity_id: z.string(),
    analysis_date: z.string(),
    attempt_count: z.number().int(),
    skip_reason: z.string().nullable(),
    circuit_breaker_until: z.date(),
    upstream_ready: z.boolean(),
    notes: z.string().nullable(),
  }),
);

export function createDashboardData(
  deps: Pick<Services, 'warehouse' | 'store'> & ConfigOf<'thresholds'>,
  snapshots: Snapshots = UNSHARED,
): DashboardData {
  const { warehouse, store } = deps;
  const { thresholds } = deps.config;
  // Each reader takes the surface its BigQuery jobs are labelled with: the digest's are the job's, a shared
  // reading's those of the reader that started it (see ReadOptions.surface).
  /** Gap rows of the scraper_gaps check over [from, through] as of now, expected gaps left out. */
  const gaps = async (from: string, through: string, now: Date, surface: QuerySurface) =>
    realGaps(
      await warehouse.query(
        scraperGapsCheck.query,
        {
          window_start: from,
          report_date: through,
          now,
          exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
        },
        { surface },
      ),
      now,
      through,
      thresholds,
    );

  const coverage = (from: string, through: string, now: Date, surface: QuerySurface) =>
    warehouse.query(
      coverageQuery,
      {
        window_start: from,
        report_date: through,
        due_before: hoursBefore(now, thresholds.discrepancyGraceHours),
        now,
      },
      { surface },
    );

  const readScraperStatus = async (now: Date, surface: QuerySurface) => {
    const today = etDate(now);
    const from = lookbackStart(today, thresholds.gapLookbackDays);
    // The scrape log's activity only for what is shown of it (the last 24 h, the recent error): from
    // yesterday on (sql/status/scrapers.sql says why); gap days and the last success over the lookback.
    const window = {
      window_start: from,
      activity_start: addDays(today, -1),
      window_end: addDays(today, 1),
      now,
    };
    const [activity, gapRows] = await Promise.all([
      warehouse.query(scrapersQuery, window, { surface }),
      gaps(from, today, now, surface),
    ]);
    return scraperStatusRows(activity, gapRows, thresholds);
  };

  const readBreakers = async (now: Date, surface: QuerySurface) => {
    const today = etDate(now);
    const [entities, proxies] = await Promise.all([
      warehouse.query(entityBreakersQuery, { ...breakerWindow(today), now }, { surface }),
      warehouse.query(proxyBreakersCheck.query, { health_since: hoursBefore(now, 24), now }, { surface }),
    ]);
    const rows: BreakerRow[] = entities.map((e) => ({
      kind: 'entity',
      processor: e.processor_name,
      entity: e.entity_id,
      date: e.analysis_date,
      attempts: e.attempt_count,
      trippedUntil: e.circuit_breaker_until,
      ...(e.notes || e.skip_reason ? { reason: [e.skip_reason, e.notes].filter(Boolean).join(': ') } : {}),
      dataArrived: e.upstream_ready,
    }));
    for (const p of proxies) {
      if (p.circuit_state !== 'OPEN' && p.circuit_state !== 'HALF_OPEN') continue;
      rows.push({
        kind: 'proxy',
        provider: p.proxy_provider,
        target: p.target_host,
        state: p.circuit_state,
        failures: p.failure_count ?? 0,
        openedAt: p.opened_at,
      });
    }
    return rows;
  };

  const readPipelineHealth = async (
    date: string,
    now: Date,
    surface: QuerySurface,
  ): Promise<PipelineHealthInput> => {
    const [games, runs, predictions] = await Promise.all([
      coverage(date, date, now, surface),
      warehouse.query(runsQuery, { report_date: date, now }, { surface }),
      warehouse.query(predictionsQuery, { report_date: date, now }, { surface }),
    ]);
    const c = dateCoverage(games, date);
    const phases = pipelinePhases({
      coverage: c,
      missing: missingRows(games),
      runs,
      predictions: predictions[0] ?? { predictions: 0, active_rows: 0, graded: 0 },
      thresholds,
    });
    return { date, phases, gamesScheduled: c.scheduled };
  };

  const asker = (options: ReadOptions | undefined): QuerySurface => options?.surface ?? 'home';
  const scraperStatus: DashboardData['scraperStatus'] = (now, options) =>
    snapshots.read('scraper-status', now, (asOf) => readScraperStatus(asOf, asker(options)), options);
  const breakers: DashboardData['breakers'] = (now, options) =>
    snapshots.read('breakers', now, (asOf) => readBreakers(asOf, asker(options)), options);

  const retryQueue: DashboardData['retryQueue'] = (status?: RetryStatus) =>
    listByStatus(store, status ?? RETRY_STATUSES);

  const finishedRetries = async (now: Date) => {
    const items = await listByStatus(store, ['recovered', 'exhausted'], FINISHED_ITEMS_LIMIT);
    return recoveryByAttempt(items, now, RECOVERY_DAYS);
  };

  /** The audit trail that explains an item: its incident's, else the entries that name it. */
  const itemTrail = async (item: RetryItem) => {
    if (item.incident_id) return audit.listByIncident(store, item.incident_id);
    const docs = await store.query(audit.AUDIT_LOG, { where: [['target', '==', item.doc_id]] });
    return docs.map((d) => audit.auditEntrySchema.parse(d.data));
  };

  const healed24h = async (now: Date) => {
    const since = hoursBefore(now, 24);
    const [resolved, recovered] = await Promise.all([
      incidents.listResolvedSince(store, since),
      listByStatus(store, 'recovered'),
    ]);
    const inWindow = (d: Date | null) => d !== null && d.getTime() >= since.getTime() && d <= now;
    const resolvedRows = await Promise.all(
      resolved
        .filter((i) => inWindow(i.resolved_at))
        .map(async (incident) => ({ incident, trail: await audit.listByIncident(store, incident.id) })),
    );
    const recoveredRows = await Promise.all(
      recovered
        .filter((i) => inWindow(i.recovered_at))
        .map(async (item) => ({ item, trail: await itemTrail(item) })),
    );
    return healedRows(resolvedRows, recoveredRows);
  };

  /** Each auto-heal policy's last 24 h: its audited automatic actions and what they healed. */
  const autoHeal24h = async (now: Date, healed: readonly HealedRow[]) => {
    // One range filter: served by Firestore's automatic index; a day of audit entries is small.
    const docs = await store.query(audit.AUDIT_LOG, {
      where: [['at', '>=', hoursBefore(now, 24)]],
    });
    const entries = docs.map((d) => audit.auditEntrySchema.parse(d.data)).filter((e) => e.at <= now);
    return autoHealCounts(entries, healed);
  };

  /** When a scheduled job slot last finished (slot leases), as a cheap "checks last ran". */
  const lastRunAt = async (now: Date): Promise<Date | null> => {
    const docs = await store.query(leases.LEASES, {
      where: [['finished_at', '<=', now]],
      orderBy: [{ field: 'finished_at', direction: 'desc' }],
      limit: 1,
    });
    const finished = docs[0]?.data.finished_at;
    return finished instanceof Date ? finished : null;
  };

  return {
    scraperStatus,
    breakers,
    retryQueue,

    pipelineHealth: (date, now, options) =>
      snapshots.read(
        `pipeline-health ${date}`,
        now,
        (asOf) => readPipelineHealth(date, asOf, asker(options)),
        options,
      ),

    // Only the warehouse parts are shared: the Store parts (incidents, retries, audit) are what clicks and
    // job runs change, and reading them costs no scanned bytes, so Home always shows them as they are.
    async home(now, options) {
      const [openIncidents, scrapers, breakerRows, retryItems, healed, byAttempt, lastRun] =
        await Promise.all([
          incidents.listOpen(store),
          scraperStatus(now, options),
          breakers(now, options),
          retryQueue(),
          healed24h(now),
          finishedRetries(now),
          lastRunAt(now),
        ]);
      return {
        openIncidents,
        scrapers: scrapers.value,
        breakers: breakerRows.value,
        // The older of the two readings: what Home says its warehouse parts are as of.
        warehouseAsOf: new Date(Math.min(scrapers.asOf.getTime(), breakerRows.asOf.getTime())),
        retryItems: activeFirst(retryItems),
        healed24h: healed,
        recoveryByAttempt: byAttempt,
        autoHeal24h: await autoHeal24h(now, healed),
        lastRunAt: lastRun,
      };
    },

    async digest(now) {
      const date = addDays(etDate(now), -1);
      const windowStart = addDays(date, -(thresholds.boxscoreWindowDays - 1));
      const [games, gapRows, breakerRows, openIncidents, recoveries, byAttempt, recoveryTimes] =
        await Promise.all([
          coverage(windowStart, date, now, 'job'),
          gaps(addDays(date, -(TREND_DAYS - 1)), date, now, 'job'),
          readBreakers(now, 'job'),
          incidents.listOpen(store),
          healed24h(now),
          finishedRetries(now),
          readRecoveryTimes(warehouse, date, now, 'job'),
        ]);
      const c = dateCoverage(games, date);
      return {
        date,
        games: c.games,
        boxscores: c.boxscores,
        gamebooks: c.gamebooks,
        missing: missingRows(games),
        breakers: breakerRows,
        openIncidents,
        recoveries24h: recoveries,
        gapTrend: gapTrend(gapRows, date, TREND_DAYS),
        recoveryByAttempt: byAttempt,
        autoHeal24h: await autoHeal24h(now, recoveries),
        recoveryTimes: { days: RECOVERY_TIME_DAYS, rows: recoveryTimes },
      };
    },
  };
}
