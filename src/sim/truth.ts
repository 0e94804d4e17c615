// Ground truth of a scenario, as data: per incident, what must fire (check and subject, with the dates it
// concerns), what it explains downstream, when the warehouse first shows it and when it ends. Derived from
// the scenario and from the rows the generator writes for its dates (pure: no I/O). The season replay
// scores every alert against it.

import { DEFAULT_THRESHOLDS, type Thresholds } from '../jobs/thresholds.js';
import { hours } from '../jobs/time.js';
import { WORKFLOWS } from './catalog.js';
import { createContext, type Row, type SimContext, TABLES } from './context.js';
import { addDays, dateRange, etMs } from './et.js';
import { bdlMissingOrder, noonOf } from './gen-games.js';
import { simulateDate } from './generate.js';
import type { Incident, IncidentOf, Scenario } from './scenario.js';
import { loadSchedule, type Schedule } from './schedule.js';
import { DEFAULT_SEED } from './seed.js';

/** A finding that must fire (required) or that the incident explains (downstream, allowed). */
export interface TruthSignal {
  readonly check: string;
  /** Subject fields the finding must carry with these values (others are free). */
  readonly subject: Readonly<Record<string, string>>;
  /** Dates the finding must concern (its subject's date or the dates in its facts), when it names any. */
  readonly dates?: readonly string[];
  readonly required: boolean;
}

export interface TruthIncident {
  /** `<kind>#<n>` (n = its place in the scenario) plus the date for per-date incidents. */
  readonly id: string;
  readonly kind: Incident['kind'];
  readonly note?: string;
  /** The pipeline dates it concerns. */
  readonly dates: readonly string[];
  /** Expected behaviour (BigDataBall's late publishing): nothing may fire, and recall leaves it out. */
  readonly expected: boolean;
  readonly signals: readonly TruthSignal[];
  /** First moment the warehouse shows it: the first bad row written, or an expected row past its grace. */
  readonly observableAt: string;
  /** When the pipeline itself ends it (recovered, backfilled, over); null: only a retry or a person does. */
  readonly endsAt: string | null;
  readonly endsHow: 'recovered' | 'backfilled' | 'over' | 'never';
  /** Alerts first seen after this no longer concern it (its end plus the checks' look-back). */
  readonly matchUntil: string;
}

export interface TruthOptions {
  readonly scenario: Scenario;
  readonly seed?: number;
  readonly schedule?: Schedule;
  /** Only incidents concerning dates in this window (default: all). */
  readonly from?: string;
  readonly until?: string;
  readonly thresholds?: Thresholds;
}

/** The end of simulated time for the rows truth reads: every event of a date is written by then. */
const ALL_WRITTEN = Date.parse('2100-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const DAY = hours(24);

/** The scenario's incidents as truth, in scenario order (per-date incidents split by date). */
export function scenarioTruth(options: TruthOptions): TruthIncident[] {
  const schedule = options.schedule ?? loadSchedule();
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const ctx = createContext({
    seed: options.seed ?? DEFAULT_SEED,
    now: new Date(ALL_WRITTEN),
    scenario: options.scenario,
    schedule,
  });
  const rowsCache = new Map<string, Record<string, Row[]>>();
  const rows = (date: string, table: string): Row[] => {
    let all = rowsCache.get(date);
    if (!all) {
      all = simulateDate(ctx, date) as Record<string, Row[]>;
      rowsCache.set(date, all);
    }
    return all[table] ?? [];
  };
  const inWindow = (dates: readonly string[]) =>
    dates.some((d) => (!options.from || d >= options.from) && (!options.until || d <= options.until));
  const out: TruthIncident[] = [];
  options.scenario.incidents.forEach((inc, n) => {
    for (const t of truthOf(inc, `${inc.kind}#${n}`, { ctx, rows, schedule, thresholds })) {
      if (inWindow(t.dates)) out.push(t);
    }
  });
  return out;
}

interface Derive {
  readonly ctx: SimContext;
  readonly rows: (date: string, table: string) => Row[];
  readonly schedule: Schedule;
  readonly thresholds: Thresholds;
}

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : Date.parse(String(v)));
const minOf = (xs: readonly number[]): number | undefined => (xs.length ? Math.min(...xs) : undefined);
const maxOf = (xs: readonly number[]): number | undefined => (xs.length ? Math.max(...xs) : undefined);
const gameDays = (s: Schedule, dates: readonly string[]) => dates.filter((d) => s.gamesOn(d).length > 0);

function incidentBase(
  inc: Incident,
  id: string,
  dates: readonly string[],
  signals: TruthSignal[],
  observable: number | undefined,
  end: { at: number | null; how: TruthIncident['endsHow'] },
  lookbackDays: number,
): TruthIncident {
  const lastDate = dates[dates.length - 1] as string;
  // Without an end of its own, an incident still concerns alerts while the checks look back over its dates.
  const endMs = end.at ?? etMs(addDays(lastDate, 1), 24 * 60);
  return {
    id,
    kind: inc.kind,
    ...(inc.note ? { note: inc.note } : {}),
    dates,
    expected: inc.kind === 'bdb_late',
    signals,
    observableAt: iso(observable ?? etMs(dates[0] as string, 0)),
    endsAt: end.at === null ? null : iso(end.at),
    endsHow: end.how,
    matchUntil: iso(endMs + lookbackDays * DAY),
  };
}

function truthOf(inc: Incident, id: string, d: Derive): TruthIncident[] {
  switch (inc.kind) {
    case 'bdl_shortfall':
      return Object.keys(inc.dates)
        .sort()
        .map((date) => bdlShortfall(inc, `${id}:${date}`, date, d));
    case 'workflow_storm':
      return [workflowStorm(inc, id, d)];
    case 'bdb_late': {
      const dates = gameDays(d.schedule, dateRange(inc.from, inc.until));
      return [
        incidentBase(inc, id, dates, [], undefined, { at: etMs(addDays(inc.until, 3), 0), how: 'over' }, 0),
      ];
    }
    case 'missing_team_boxscores':
      return [missingTeams(inc, id, d)];
    case 'prediction_duplicates': {
      const copies = d
        .rows(inc.date, TABLES.predictions)
        .filter((r) => /-r\d+$/.test(String(r.prediction_id)));
      return [
        incidentBase(
          inc,
          `${id}:${inc.date}`,
          [inc.date],
          [
            {
              check: 'prediction_duplicates',
              subject: { date: inc.date },
              dates: [inc.date],
              required: true,
            },
          ],
          minOf(copies.map((r) => ms(r.created_at))),
          { at: null, how: 'never' },
          1,
        ),
      ];
    }
    case 'stale_phase3':
      return [stalePhase3(inc, id, d)];
    case 'thin_slate': {
      const preds = d.rows(inc.date, TABLES.predictions);
      return [
        incidentBase(
          inc,
          `${id}:${inc.date}`,
          [inc.date],
          [{ check: 'prediction_volume', subject: { date: inc.date }, dates: [inc.date], required: true }],
          minOf(preds.map((r) => ms(r.created_at))),
          { at: null, how: 'never' },
          1,
        ),
      ];
    }
    case 'grading_collapse': {
      const graded = d.rows(inc.date, TABLES.accuracy);
      const systems = [...new Set(graded.map((r) => String(r.system_id)))].sort();
      return [
        incidentBase(
          inc,
          `${id}:${inc.date}`,
          [inc.date],
          systems.map((system) => ({
            check: 'grading_accuracy',
            subject: { system, date: inc.date },
            dates: [inc.date],
            required: true,
          })),
          // Judged on the whole slate: observable once the date's grading is written.
          maxOf(graded.map((r) => ms(r.graded_at))),
          { at: null, how: 'never' },
          2,
        ),
      ];
    }
    case 'proxy_block': {
      const until = inc.until;
      const dates = dateRange(inc.from, until ?? inc.from);
      return [
        incidentBase(
          inc,
          `${id}:${inc.provider}>${inc.target}`,
          dates,
          [
            {
              check: 'proxy_breakers',
              subject: { provider: inc.provider, target: inc.target },
              required: true,
            },
          ],
          etMs(inc.from, 6 * 60 + 5),
          until ? { at: etMs(addDays(until, 1), 0), how: 'over' } : { at: null, how: 'never' },
          0,
        ),
      ];
    }
    case 'scraper_outage':
      return [scraperOutage(inc, id, d)];
    case 'silent_stop':
      return [silentStop(inc, id, d)];
    case 'thin_phase3_run':
      return [thinPhase3Run(inc, id, d)];
    case 'game_days_only':
      return [gameDaysOnly(inc, id, d)];
  }
}

function bdlShortfall(inc: IncidentOf<'bdl_shortfall'>, id: string, date: string, d: Derive): TruthIncident {
  const missing = inc.dates[date] as number;
  const byId = new Map(d.schedule.gamesOn(date).map((g) => [g.game_id, g]));
  const teams = bdlMissingOrder(d.ctx, date)
    .slice(0, missing)
    .flatMap((gid) => {
      const g = byId.get(gid);
      return g ? [g.home, g.away] : [];
    })
    .sort();
  const partial = d
    .rows(date, TABLES.scrapeEvents)
    .filter((r) => r.scraper_name === 'bdl_box_scores' && r.status === 'partial');
  return incidentBase(
    inc,
    id,
    [date],
    [
      {
        check: 'source_discrepancy',
        subject: { scraper: 'bdl_box_scores', date },
        dates: [date],
        required: true,
      },
      ...teams.map((team) => ({
        check: 'boxscore_completeness',
        subject: { team },
        dates: [date],
        required: false,
      })),
      { check: 'scraper_gaps', subject: { scraper: 'bdl_box_scores' }, dates: [date], required: false },
    ],
    minOf(partial.map((r) => ms(r.started_at))),
    inc.recovered_on ? { at: noonOf(inc.recovered_on), how: 'recovered' } : { at: null, how: 'never' },
    d.thresholds.discrepancyLookbackDays,
  );
}

function workflowStorm(inc: IncidentOf<'workflow_storm'>, id: string, d: Derive): TruthIncident {
  const runs = d.rows(inc.date, TABLES.workflows);
  const failed = runs.filter((r) => r.status === 'failed');
  const endOf = (r: Row) => ms(r.execution_time) + Number(r.duration_seconds) * 1000;
  const signals: TruthSignal[] = [];
  for (const wf of WORKFLOWS) {
    const mine = runs.filter((r) => r.workflow_name === wf.name);
    const bad = mine.filter((r) => r.status === 'failed').length;
    if (mine.length > 0 && bad / mine.length > d.thresholds.workflowFailureWarn)
      signals.push({ check: 'workflow_failures', subject: { workflow: wf.name }, required: true });
    if (bad > 0)
      for (const scraper of wf.scrapers)
        signals.push({ check: 'scraper_gaps', subject: { scraper }, dates: [inc.date], required: false });
  }
  if (failed.some((r) => r.error_message === null))
    signals.push({ check: 'workflow_failures', subject: {}, required: true });
  const last = maxOf(failed.map(endOf));
  return incidentBase(
    inc,
    `${id}:${inc.date}`,
    [inc.date],
    signals,
    minOf(failed.map(endOf)),
    { at: last ?? null, how: last === undefined ? 'never' : 'over' },
    // The check reads the last 24 h: its finding may outlive the storm by a day and one run.
    2,
  );
}

function missingTeams(inc: IncidentOf<'missing_team_boxscores'>, id: string, d: Derive): TruthIncident {
  const dates = dateRange(inc.from, inc.until);
  const backfilledAt = inc.backfilled_on ? noonOf(inc.backfilled_on) : undefined;
  const signals: TruthSignal[] = [];
  const playedOn = (team: string, date: string) =>
    d.schedule.gamesOn(date).some((g) => g.home === team || g.away === team);
  const min = d.thresholds.boxscoreCoverageMin;
  const windowDays = d.thresholds.boxscoreWindowDays;
  let observable: number | undefined;
  for (const team of inc.teams) {
    const missed = dates.filter((date) => playedOn(team, date));
    if (missed.length === 0) continue;
    // Must fire when, at some 06:00 completeness run before the backfill, coverage of the team's final
    // games in the window falls under the minimum; otherwise it is a consequence the check may show.
    const below = missed.some((date) => {
      const runAt = etMs(addDays(date, 1), 6 * 60);
      if (backfilledAt !== undefined && backfilledAt <= runAt) return false;
      const window = dateRange(addDays(date, -(windowDays - 1)), date).filter((x) => playedOn(team, x));
      const gone = window.filter((x) => x >= inc.from && x <= inc.until).length;
      return (window.length - gone) / window.length < min;
    });
    signals.push({ check: 'boxscore_completeness', subject: { team }, dates: missed, required: below });
    const first = missed[0] as string;
    const gamebook = d
      .rows(first, TABLES.gamebook)
      .filter((r) => r.team_abbr === team)
      .map((r) => ms(r.processed_at));
    const at = minOf(gamebook);
    if (at !== undefined) observable = Math.min(observable ?? at, at);
  }
  const affected = dates.filter((date) => inc.teams.some((t) => playedOn(t, date)));
  signals.push({
    check: 'source_discrepancy',
    subject: { scraper: 'bdl_box_scores' },
    dates: affected,
    required: false,
  });
  if (inc.breaker) {
    const analysis = dateRange(addDays(inc.from, 1), addDays(inc.until, 1)).filter((date) =>
      inc.teams.some((t) => playedOn(t, date)),
    );
    for (const processor of inc.breaker.processors)
      signals.push({
        check: 'circuit_breakers',
        subject: { processor },
        dates: analysis,
        required: analysis.length > 0,
      });
    for (const date of analysis)
      signals.push({ check: 'prediction_volume', subject: { date }, dates: [date], required: false });
  }
  return incidentBase(
    inc,
    id,
    dates,
    signals,
    observable,
    backfilledAt !== undefined ? { at: backfilledAt, how: 'backfilled' } : { at: null, how: 'never' },
    Math.max(windowDays, inc.breaker ? Math.ceil(inc.breaker.lockout_hours / 24) : 0),
  );
}

function stalePhase3(inc: IncidentOf<'stale_phase3'>, id: string, d: Derive): TruthIncident {
  const date = inc.date;
  const failed = d
    .rows(date, TABLES.processorRuns)
    .filter((r) => r.status === 'failed' && inc.processors.includes(String(r.processor_name)));
  const signals: TruthSignal[] = inc.processors.map((processor) => ({
    check: 'phase3_completion',
    subject: { processor, date },
    dates: [date],
    required: true,
  }));
  const downstream = [
    'phase3_completion',
    'phase3_data_stale',
    'data_freshness',
    'prediction_volume',
    'grading_coverage',
  ];
  for (const check of downstream) signals.push({ check, subject: { date }, dates: [date], required: false });
  signals.push({ check: 'grading_accuracy', subject: { date }, dates: [date], required: false });
  return incidentBase(
    inc,
    `${id}:${date}`,
    [date],
    signals,
    minOf(failed.map((r) => ms(r.completed_at))),
    { at: null, how: 'never' },
    2,
  );
}

function scraperOutage(inc: IncidentOf<'scraper_outage'>, id: string, d: Derive): TruthIncident {
  const dates = [...inc.dates].sort();
  const failedEvents = dates.flatMap((date) =>
    d.rows(date, TABLES.scrapeEvents).filter((r) => r.scraper_name === inc.scraper && r.status === 'failed'),
  );
  const signals: TruthSignal[] = [];
  // The gap alert fires once enough failure days fall in one look-back window.
  const { gapAlertThreshold: need, gapLookbackDays: span } = d.thresholds;
  const gapDays = gameDays(d.schedule, dates);
  const enough = gapDays.some(
    (start) => gapDays.filter((x) => x >= start && x <= addDays(start, span - 1)).length >= need,
  );
  signals.push({ check: 'scraper_gaps', subject: { scraper: inc.scraper }, dates, required: enough });
  for (const wf of WORKFLOWS) {
    if (!wf.scrapers.includes(inc.scraper)) continue;
    const runs = dates.flatMap((date) =>
      d.rows(date, TABLES.workflows).filter((r) => r.workflow_name === wf.name),
    );
    const bad = runs.filter((r) => r.status === 'failed').length;
    if (runs.length > 0)
      signals.push({
        check: 'workflow_failures',
        subject: { workflow: wf.name },
        required: bad / runs.length > d.thresholds.workflowFailureWarn,
      });
  }
  return incidentBase(
    inc,
    `${id}:${inc.scraper}`,
    dates,
    signals,
    minOf(failedEvents.map((r) => ms(r.started_at))),
    inc.backfilled_on ? { at: noonOf(inc.backfilled_on), how: 'backfilled' } : { at: null, how: 'never' },
    span,
  );
}

/**
 * When the scraper would next have run from `from` on (its workflows' first hour on a date they run: every
 * day for a daily workflow, game days otherwise; BigDataBall the night after a game day), as the generator
 * runs it (src/sim/catalog.ts, src/sim/gen-phase1.ts).
 */
function firstExpectedRun(scraper: string, from: string, d: Derive): number | undefined {
  const workflows = WORKFLOWS.filter((wf) => (wf.scrapers as readonly string[]).includes(scraper));
  for (let date = from, n = 0; n < 60; date = addDays(date, 1), n++) {
    const games = d.schedule.gamesOn(date).length > 0;
    const starts = workflows
      .filter((wf) => wf.daily || games)
      .map((wf) => etMs(date, Math.min(...wf.hours) * 60));
    if (workflows.length === 0 && games) starts.push(etMs(date, 26 * 60 + 15));
    const first = minOf(starts);
    if (first !== undefined) return first;
  }
  return undefined;
}

/**
 * A scraper that stops without failing: source_freshness must name it, from its first missed run (the
 * first run it owed and did not make); it ends at the first run after its last silent date.
 */
function silentStop(inc: IncidentOf<'silent_stop'>, id: string, d: Derive): TruthIncident {
  const end = inc.until === undefined ? undefined : firstExpectedRun(inc.scraper, addDays(inc.until, 1), d);
  return incidentBase(
    inc,
    `${id}:${inc.scraper}`,
    dateRange(inc.from, inc.until ?? inc.from),
    [{ check: 'source_freshness', subject: { scraper: inc.scraper }, required: true }],
    firstExpectedRun(inc.scraper, inc.from, d),
    end === undefined ? { at: null, how: 'never' } : { at: end, how: 'over' },
    1,
  );
}

/** A phase 3 run recorded as a success with too few records: source_volume must name it once it completed. */
function thinPhase3Run(inc: IncidentOf<'thin_phase3_run'>, id: string, d: Derive): TruthIncident {
  const thin = d
    .rows(inc.date, TABLES.processorRuns)
    .filter(
      (r) =>
        r.processor_name === inc.processor && r.status === 'success' && r.records_processed === inc.records,
    );
  return incidentBase(
    inc,
    `${id}:${inc.processor}:${inc.date}`,
    [inc.date],
    [
      {
        check: 'source_volume',
        subject: { processor: inc.processor, date: inc.date },
        dates: [inc.date],
        required: true,
      },
    ],
    minOf(thin.map((r) => ms(r.completed_at))),
    { at: null, how: 'never' },
    2,
  );
}

/** A scraper quiet on days without games, as it should be: expected, nothing may fire. */
function gameDaysOnly(inc: IncidentOf<'game_days_only'>, id: string, d: Derive): TruthIncident {
  const offDays = dateRange(inc.from, inc.until).filter((date) => d.schedule.gamesOn(date).length === 0);
  const dates = offDays.length > 0 ? offDays : [inc.from];
  return {
    ...incidentBase(
      inc,
      `${id}:${inc.scraper}`,
      dates,
      [],
      etMs(dates[0] as string, 0),
      { at: etMs(addDays(inc.until, 1), 0), how: 'over' },
      0,
    ),
    expected: true,
  };
}

/** What the scorecard knows of an alert: its finding's check, subject and facts, and when it was first seen. */
export interface AlertFacts {
  readonly check: string;
  /** Its dedup key: a fan-out group's is `<check>:group:<cause>`, its subjects listed in its facts. */
  readonly key?: string;
  readonly subject: Readonly<Record<string, string | undefined>>;
  readonly facts: Readonly<Record<string, unknown>>;
  readonly firstSeen: Date;
  /** When it resolved (null: still open); unknown when absent. */
  readonly resolvedAt?: Date | null;
}

const DATE_FACTS = ['date', 'missing_dates', 'analysis_dates', 'gap_dates'] as const;

/** The dates a finding concerns: its subject's date and the dates its facts list. */
export function alertDates(alert: Pick<AlertFacts, 'subject' | 'facts'>): string[] {
  const out = new Set<string>();
  if (alert.subject.date) out.add(alert.subject.date);
  for (const name of DATE_FACTS) {
    const v = alert.facts[name];
    for (const x of Array.isArray(v) ? v : [v])
      if (typeof x === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(x)) out.add(x);
  }
  return [...out].sort();
}

/** Slack before observability a dateless alert may have (a check may see a row minutes before truth says). */
export const EARLY_MS = hours(1);

/**
 * Whether the alert was already open, from before `incident` became observable: a dateless alert of the
 * same check and subject kept open by it (a second workflow storm the day after the first) shows it too.
 * An alert naming dates is matched by them instead, and one raised early for them is simply early.
 */
export function openBefore(incident: TruthIncident, alert: AlertFacts): boolean {
  const observable = Date.parse(incident.observableAt);
  return (
    alertDates(alert).length === 0 &&
    alert.firstSeen.getTime() < observable - EARLY_MS &&
    alert.resolvedAt !== undefined &&
    (alert.resolvedAt === null || alert.resolvedAt.getTime() >= observable)
  );
}

/**
 * Whether the alert concerns subject field `name` = `value`: its subject says so, or, for an alert grouping
 * many subjects (fan-out: one alert for seven teams, its subject without `team`), the list its facts carry
 * under the plural (`teams`) names it.
 */
function concerns(alert: AlertFacts, name: string, value: string): boolean {
  const own = alert.subject[name];
  if (own !== undefined) return own === value;
  // Only a group alert (key `<check>:group:<cause>`) lists its subjects: another finding's list (the
  // workflows whose failures lack a message) is not an alert about each of them.
  if (!alert.key?.startsWith(`${alert.check}:group:`)) return false;
  const listed = alert.facts[`${name}s`];
  return Array.isArray(listed) && listed.some((x) => String(x) === value);
}

/**
 * The signal of `incident` that `alert` is, if any: same check, the signal's subject fields equal (or listed,
 * for a grouped alert), and the same dates when both name dates (else first seen while the incident is
 * observable, or still open when it became so), not after matchUntil. A required signal wins over a downstream one when the alert is both
 * (a grouped alert can list a team that must fire and one that may).
 */
export function matchSignal(incident: TruthIncident, alert: AlertFacts): TruthSignal | undefined {
  const seen = alert.firstSeen.getTime();
  if (seen > Date.parse(incident.matchUntil)) return undefined;
  const dates = alertDates(alert);
  let downstream: TruthSignal | undefined;
  for (const signal of incident.signals) {
    if (signal.check !== alert.check) continue;
    if (!Object.entries(signal.subject).every(([k, v]) => concerns(alert, k, v))) continue;
    if (signal.dates && dates.length > 0) {
      if (!dates.some((x) => signal.dates?.includes(x))) continue;
    } else if (seen < Date.parse(incident.observableAt) - EARLY_MS && !openBefore(incident, alert)) continue;
    if (signal.required) return signal;
    downstream ??= signal;
  }
  return downstream;
}
