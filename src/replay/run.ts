// The season replay: the real bot's scheduled jobs over a window of simulated time, as fast as the machine
// allows. One injected manual clock jumps from event to event: every slot of the scheduler's jobs (checking
// jobs with their delivery and auto-heal, the digest, the retry sweeper) and every task the bot enqueued,
// delivered to its task handler at its schedule time. The warehouse holds what the simulated pipeline
// wrote until the end of the window; every check reads it as of its run's time (its queries filter on
// @now), and the simulated scraper and processor services write into it as retries and backfills run.
// Slack is the local sandbox's state, driven through the Chat port. The self-health watchdog is left out:
// it watches the bot itself, not the pipeline.
import type { Routing } from '../alerts/port.js';
import { ManualClock } from '../clock.js';
import { type Config, readConfig } from '../config.js';
import { createDashboardData } from '../dashboard/data.js';
import { cronSlots } from '../jobs/cron-slots.js';
import type { Severity } from '../jobs/finding.js';
import { isJobName, JOBS } from '../jobs/registry.js';
import { addDays, etDate, etInstant } from '../jobs/time.js';
import { createLogger, type Logger } from '../log.js';
import { createIncidentMessages } from '../pipeline/incident-messages.js';
import { scheduledJobs } from '../pipeline/scheduled-jobs.js';
import { SELF_HEALTH_JOB } from '../pipeline/self-health-job.js';
import { handleRecoveryTask } from '../recovery/task-routes.js';
import { createWarehouseVerifier } from '../recovery/warehouse-verifier.js';
import type { Services } from '../services.js';
import { createContext, type SimContext, TABLES } from '../sim/context.js';
import { proxyBreakerRows } from '../sim/gen-proxy.js';
import { loadSimulation } from '../sim/load.js';
import type { Scenario } from '../sim/scenario.js';
import { loadSchedule } from '../sim/schedule.js';
import { createSimulatedServices, simulatedPorts } from '../sim/scraper-service.js';
import { DEFAULT_SEED } from '../sim/seed.js';
import { scenarioTruth, type TruthIncident } from '../sim/truth.js';
import * as incidents from '../store/incidents.js';
import { zonedFormatter } from '../views/format.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../warehouse/duckdb.js';
import type { Warehouse } from '../warehouse/port.js';
import { type RecordedPost, SandboxChat } from './chat.js';
import { createMemoryStore } from './memory-store.js';
import { ReplayTaskQueue } from './tasks.js';

/** Days simulated before the window: the checks look back up to 14 days (and baselines 14 more). */
const HISTORY_DAYS = 28;
const ALERT_CHANNEL = 'C01ALERTS';

export interface ReplayOptions {
  /** First and last game date (ET) of the window; the replay runs from `from` 00:00 ET to the end of `until`+1. */
  readonly from: string;
  readonly until: string;
  readonly scenario: Scenario;
  readonly seed?: number;
  /** Default: the configuration with nothing set (the demo's schedules, thresholds and policies). */
  readonly config?: Config;
  /** Called after each event with the share of simulated time done. */
  readonly onProgress?: (done: number, total: number, at: Date) => void;
  /** Where the bot's log lines go (default: dropped, warnings and errors counted). */
  readonly log?: Logger;
}

/** One incident the bot opened, as the scorecard needs it. */
export interface ReplayAlert {
  readonly id: string;
  readonly check: string;
  readonly key: string;
  readonly title: string;
  /** The most severe it was while open. */
  readonly severity: Severity;
  readonly subject: Record<string, string | undefined>;
  /** The facts of the last finding, with the date lists merged over every run that saw it. */
  readonly facts: Record<string, unknown>;
  readonly firstSeen: Date;
  readonly resolvedAt: Date | null;
  readonly rootIncidentId: string | null;
  readonly message: { readonly channel: string; readonly ts: string } | null;
}

export interface ReplayRun {
  readonly from: string;
  readonly until: string;
  readonly scenario: string;
  readonly seed: number;
  readonly start: Date;
  readonly end: Date;
  readonly truth: TruthIncident[];
  readonly alerts: ReplayAlert[];
  readonly posts: RecordedPost[];
  /** Warehouse queries (checks, retry verification, the digest's data) per ET date of the clock. */
  readonly queriesPerDay: Record<string, number>;
  readonly jobRuns: Record<string, number>;
  /** Real milliseconds spent in each job's runs (task deliveries as 'tasks', the breaker table's rewrite as 'breaker-state'). */
  readonly jobMs: Record<string, number>;
  /** Real milliseconds spent in each SQL file's queries. */
  readonly queryMs: Record<string, number>;
  readonly tasksDelivered: number;
  readonly warnings: number;
  readonly elapsedMs: number;
  /** Of which simulating the window into the warehouse. */
  readonly loadMs: number;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };
const DATE_LISTS = ['missing_dates', 'analysis_dates', 'gap_dates'] as const;

export async function runReplay(options: ReplayOptions): Promise<ReplayRun> {
  const started = performance.now();
  const seed = options.seed ?? DEFAULT_SEED;
  const config = options.config ?? readConfig({});
  const start = etInstant(options.from, '00:00');
  const end = etInstant(addDays(options.until, 2), '00:00');
  let warnings = 0;
  const log =
    options.log ??
    createLogger({
      level: 'warn',
      format: 'json',
      secrets: [],
      write: () => {
        warnings++;
      },
    });

  const clock = new ManualClock(start);
  // One thread per query: a job's checks run concurrently, and their queries are small.
  const duck = await openDuckDbWarehouse({ path: ':memory:', threads: 1 });
  const store = createMemoryStore();
  try {
    await loadSimulation(
      {
        from: addDays(options.from, -HISTORY_DAYS),
        until: addDays(options.until, 1),
        now: end,
        scenario: options.scenario,
        seed,
      },
      duck,
    );
    const loadMs = performance.now() - started;
    // The breaker table holds the current state only, and the load wrote the state at the window's end:
    // before each run it is set to the state as of the run's time, as the pipeline keeps it.
    const breakerState = breakerStateKeeper(duck, breakerContext(options.scenario, seed));
    const queriesPerDay: Record<string, number> = {};
    const queryMs: Record<string, number> = {};
    const counted = async <T>(file: string, work: () => Promise<T>): Promise<T> => {
      const day = etDate(clock.now());
      queriesPerDay[day] = (queriesPerDay[day] ?? 0) + 1;
      const t = performance.now();
      try {
        return await work();
      } finally {
        queryMs[file] = (queryMs[file] ?? 0) + performance.now() - t;
      }
    };
    const warehouse: Warehouse = {
      engine: duck.engine,
      query: (def, params, opts) => counted(def.file, () => duck.query(def, params, opts)),
      execute: (file, params, opts) => counted(file, () => duck.execute(file, params, opts)),
      ping: () => duck.ping(),
      close: async () => {},
    };
    const sim = createSimulatedServices({
      sink: duck,
      scenario: options.scenario,
      seed,
      clock,
      loadedAsOf: start,
    });
    const chat = new SandboxChat(clock);
    const tasks = new ReplayTaskQueue(clock);
    const routing: Routing = {
      defaultChannel: ALERT_CHANNEL,
      criticalChannel: config.alerts.criticalChannel,
    };
    const fmt = zonedFormatter();
    const services: Services = {
      config,
      warehouse,
      store,
      tasks,
      chat,
      clock,
      fmt,
      log,
      ...simulatedPorts(sim),
      verifier: createWarehouseVerifier(warehouse, { timeoutMs: 60_000 }),
      data: createDashboardData({ warehouse, store, config }),
      // Nobody clicks in a replay: no one is an operator.
      operators: { isOperator: async () => false, mentions: [] },
      routing,
      incidentMessages: createIncidentMessages({ store, chat, clock, fmt, config }),
      inFlightMs: config.recovery.scraperTimeoutMs + 60_000,
      stopSignal: new AbortController().signal,
    };
    const jobs = scheduledJobs(services, {
      watch: {
        slack: () => ({
          consecutiveFailures: 0,
          failingSince: undefined,
          lastError: undefined,
          lastFailedCall: undefined,
        }),
        watchingSince: start,
      },
    }).filter((j) => j.name !== SELF_HEALTH_JOB);

    // Every slot of every job in the window, in time order (jobs of one minute in their declared order).
    const slots = jobs
      .flatMap((job, order) =>
        cronSlots(job.cron, new Date(start.getTime() - 1), end).map((at) => ({ job, at, order })),
      )
      .filter((s) => s.at.getTime() < end.getTime())
      .sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);

    const seen = new Map<string, { severity: Severity; dates: Map<string, Set<string>> }>();
    const note = async () => {
      for (const i of await incidents.listOpen(store)) {
        const s = seen.get(i.id) ?? { severity: i.severity, dates: new Map() };
        if (RANK[i.severity] > RANK[s.severity]) s.severity = i.severity;
        for (const name of DATE_LISTS) {
          const v = i.finding.facts[name];
          if (!Array.isArray(v)) continue;
          const set = s.dates.get(name) ?? new Set<string>();
          for (const x of v) set.add(String(x));
          s.dates.set(name, set);
        }
        seen.set(i.id, s);
      }
    };

    const jobRuns: Record<string, number> = {};
    const jobMs: Record<string, number> = {};
    const timed = async (name: string, work: () => Promise<unknown>) => {
      const t = performance.now();
      try {
        await work();
      } finally {
        jobMs[name] = (jobMs[name] ?? 0) + performance.now() - t;
      }
    };
    const deliverTasks = () =>
      timed('tasks', () =>
        tasks.deliverDue((task) =>
          handleRecoveryTask(services, { route: task.route, body: task.body, taskName: task.name }),
        ),
      );
    const total = end.getTime() - start.getTime();
    for (const slot of slots) {
      // Tasks due before this slot run at their own time first.
      for (let due = tasks.nextDue(); due !== undefined && due < slot.at.getTime(); due = tasks.nextDue()) {
        clock.set(new Date(Math.max(due, clock.now().getTime())));
        await deliverTasks();
      }
      clock.set(slot.at);
      if (readsBreakers(slot.job.name)) await timed('breaker-state', () => breakerState(slot.at));
      await deliverTasks();
      jobRuns[slot.job.name] = (jobRuns[slot.job.name] ?? 0) + 1;
      try {
        await timed(slot.job.name, () => slot.job.run(slot.at));
      } catch (error) {
        log.error(`job ${slot.job.name} failed`, { error });
      }
      if (slot.job.name !== 'retry-sweeper') await timed('scorecard', note);
      options.onProgress?.(slot.at.getTime() - start.getTime(), total, slot.at);
    }
    for (let due = tasks.nextDue(); due !== undefined && due < end.getTime(); due = tasks.nextDue()) {
      clock.set(new Date(Math.max(due, clock.now().getTime())));
      await deliverTasks();
    }
    clock.set(end);
    options.onProgress?.(total, total, end);

    const all = [
      ...(await incidents.listOpen(store)),
      ...(await incidents.listResolvedSince(store, new Date(0))),
    ];
    const alerts: ReplayAlert[] = all
      .map((i) => {
        const s = seen.get(i.id);
        const facts: Record<string, unknown> = { ...i.finding.facts };
        for (const [name, set] of s?.dates ?? []) facts[name] = [...set].sort();
        return {
          id: i.id,
          check: i.check,
          key: i.key,
          title: i.finding.title,
          severity: s && RANK[s.severity] > RANK[i.severity] ? s.severity : i.severity,
          subject: { ...i.finding.subject },
          facts,
          firstSeen: i.first_seen,
          resolvedAt: i.resolved_at,
          rootIncidentId: i.root_incident_id,
          message: i.message,
        };
      })
      .sort((a, b) => a.firstSeen.getTime() - b.firstSeen.getTime() || a.id.localeCompare(b.id));
    return {
      from: options.from,
      until: options.until,
      scenario: options.scenario.name,
      seed,
      start,
      end,
      // Incidents of the history count too: an alert about them in the window is not a false positive.
      truth: scenarioTruth({
        scenario: options.scenario,
        seed,
        from: addDays(options.from, -HISTORY_DAYS),
        until: addDays(options.until, 1),
      }),
      alerts,
      posts: chat.posts,
      queriesPerDay,
      jobRuns,
      jobMs,
      queryMs,
      tasksDelivered: tasks.delivered,
      warnings,
      elapsedMs: performance.now() - started,
      loadMs,
    };
  } finally {
    await store.close();
    await duck.close();
  }
}

/**
 * Whether a job reads the proxy breaker table, which is rewritten to its state as of the run before it
 * runs: a job with the proxy_breakers check, and the digest (its data lists open breakers).
 */
function readsBreakers(job: string): boolean {
  return job === 'digest' || (isJobName(job) && JOBS[job].checks.includes('proxy_breakers'));
}

/**
 * Keeps the proxy breaker table (current state only) at the simulated pipeline's state as of each run: the
 * other tables keep their history in rows the checks filter by @now; this one is overwritten as the
 * pipeline overwrites it. `base` is the simulation's context built once (schedule and rosters are the costly
 * part); only its `now` moves. A rewrite is skipped while every pair stays CLOSED: the times on a CLOSED row
 * (last success, updated_at) are read by nothing (proxy_breakers and the dashboard take only OPEN and
 * HALF_OPEN pairs' fields, and every pair's row is there either way), and rewriting the table before each of
 * the season's ~1,500 runs that read it was a tenth of the replay's time. Returns whether it wrote.
 */
export function breakerStateKeeper(
  sink: Pick<DuckDbWarehouse, 'replaceRows'>,
  base: SimContext,
): (at: Date) => Promise<boolean> {
  // Unknown until the first write: the load left the state at the window's end in the table.
  let allClosedInTable = false;
  return async (at) => {
    const rows = proxyBreakerRows({ ...base, now: at.getTime() });
    const allClosed = rows.every((r) => r.circuit_state === 'CLOSED');
    if (allClosed && allClosedInTable) return false;
    await sink.replaceRows({ [TABLES.proxyBreaker]: rows });
    allClosedInTable = allClosed;
    return true;
  };
}

/** The simulation's context for `scenario` and `seed`, built once for every breaker rewrite. */
export function breakerContext(scenario: Scenario, seed: number): SimContext {
  return createContext({ seed, now: new Date(0), scenario, schedule: loadSchedule() });
}
