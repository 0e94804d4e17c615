// Pure decisions behind the dashboards: scraper and phase lights, coverage, the digest's missing list, the
// 14-day gap trend, retry recovery by attempt, and what healed. src/dashboard/data.ts feeds them rows; no I/O here.
import { PHASE3_CRITICAL } from '../jobs/phase3.js';
import { expectedGapReason, type ScraperGapsRow } from '../jobs/scraper_gaps.js';
import type { Thresholds } from '../jobs/thresholds.js';
import { addDays, days24h } from '../jobs/time.js';
import type { AuditEntry } from '../store/audit.js';
import type { Incident } from '../store/incidents.js';
import type { RetryItem } from '../store/retry-queue.js';
import type { Coverage, MissingRow } from '../views/digest.js';
import type {
  AutoHealCount,
  HealedRow,
  Light,
  PhaseHealthRow,
  PhaseMetric,
  RecoveryByAttempt,
  RetryQueueRow,
  ScraperStatusRow,
} from '../views/types.js';

/** One row of sql/status/scrapers.sql. */
export interface ScraperActivity {
  readonly scraper_name: string;
  readonly last_success_at: Date | null;
  readonly error_at: Date | null;
  readonly error_text: string | null;
  readonly runs_24h: number;
  readonly successes_24h: number;
  readonly failures_24h: number;
  readonly unexpected_failures_24h: number;
  readonly partial_24h: number;
}

/** Gap days per scraper that the scraper_gaps check would count (expected gaps left out). */
export function realGaps(rows: readonly ScraperGapsRow[], now: Date, date: string, thresholds: Thresholds) {
  return rows.filter((r) => expectedGapReason(r, { now, date, thresholds }) === undefined);
}

/**
 * red: at least the alert threshold of real gap days in the lookback (what scraper_gaps alerts on), or it
 * ran in the last 24 h and nothing succeeded while something failed for a real reason (not `no_data_yet`).
 * yellow: any real gap, real failure or short (partial) run in the last 24 h. green otherwise.
 */
export function scraperLight(gaps: number, a: ScraperActivity | undefined, thresholds: Thresholds): Light {
  const failing = a !== undefined && a.runs_24h > 0 && a.successes_24h === 0 && a.unexpected_failures_24h > 0;
  if (gaps >= thresholds.gapAlertThreshold || failing) return 'red';
  if (gaps > 0 || (a && (a.unexpected_failures_24h > 0 || a.partial_24h > 0))) return 'yellow';
  return 'green';
}

/** Every scraper seen in the runs or with a gap, with its light. */
export function scraperStatusRows(
  activity: readonly ScraperActivity[],
  gaps: readonly ScraperGapsRow[],
  thresholds: Thresholds,
): ScraperStatusRow[] {
  const gapCount = new Map<string, number>();
  for (const g of gaps) gapCount.set(g.scraper_name, (gapCount.get(g.scraper_name) ?? 0) + 1);
  const byName = new Map(activity.map((a) => [a.scraper_name, a]));
  const names = [...new Set([...byName.keys(), ...gapCount.keys()])].sort();
  return names.map((scraper) => {
    const a = byName.get(scraper);
    const count = gapCount.get(scraper) ?? 0;
    return {
      scraper,
      state: scraperLight(count, a, thresholds),
      gapCount: count,
      lastSuccessAt: a?.last_success_at ?? null,
      recentError: a?.error_at && a.error_text ? { at: a.error_at, message: a.error_text } : null,
      runs24h: a?.runs_24h ?? 0,
      failures24h: a?.failures_24h ?? 0,
    };
  });
}

/** Real gap days per date over `days` dates ending at `date`, oldest first (zeros included). */
export function gapTrend(gaps: readonly ScraperGapsRow[], date: string, days: number) {
  return Array.from({ length: days }, (_, i) => {
    const d = addDays(date, i - days + 1);
    return { date: d, gaps: gaps.filter((g) => g.game_date === d).length };
  });
}

/** One row of sql/status/game_coverage.sql. */
export interface GameCoverageRow {
  readonly game_date: string;
  readonly game_id: string;
  readonly home_team: string;
  readonly away_team: string;
  readonly due: boolean;
  readonly gamebook_home: boolean;
  readonly gamebook_away: boolean;
  readonly bdl_home: boolean;
  readonly bdl_away: boolean;
}

export const hasGamebook = (g: GameCoverageRow) => g.gamebook_home && g.gamebook_away;
export const hasBoxscores = (g: GameCoverageRow) => g.bdl_home && g.bdl_away;

/** A date's coverage: games counted when both teams have rows; only games due (final + grace) expected. */
export function dateCoverage(rows: readonly GameCoverageRow[], date: string) {
  const all = rows.filter((g) => g.game_date === date);
  const due = all.filter((g) => g.due);
  const games: Coverage = { got: all.filter(hasGamebook).length, expected: all.length };
  const gamebooks: Coverage = { got: due.filter(hasGamebook).length, expected: due.length };
  const boxscores: Coverage = { got: due.filter(hasBoxscores).length, expected: due.length };
  return { scheduled: all.length, due: due.length, games, gamebooks, boxscores };
}

function missingTeams(g: GameCoverageRow, source: 'bdl' | 'gamebook'): string[] {
  const [home, away] = source === 'bdl' ? [g.bdl_home, g.bdl_away] : [g.gamebook_home, g.gamebook_away];
  return [...(home ? [] : [g.home_team]), ...(away ? [] : [g.away_team])];
}

/** Teams without box scores / gamebook rows per date, over due games only. */
export function missingRows(rows: readonly GameCoverageRow[]): MissingRow[] {
  const out: MissingRow[] = [];
  const dates = [...new Set(rows.map((r) => r.game_date))].sort();
  for (const date of dates) {
    const due = rows.filter((r) => r.game_date === date && r.due);
    for (const [what, source] of [
      ['box scores', 'bdl'],
      ['gamebook', 'gamebook'],
    ] as const) {
      const teams = due.flatMap((g) => missingTeams(g, source)).sort();
      if (teams.length) out.push({ date, what, teams });
    }
  }
  return out;
}

/** One row of sql/status/pipeline_runs.sql. */
export interface ProcessorRunRow {
  readonly processor_name: string;
  readonly phase: number;
  readonly attempts: number;
  readonly successes: number;
  readonly last_status: string | null;
  readonly last_records_processed: number | null;
  readonly last_records_expected: number | null;
  readonly last_error: string | null;
}

const worse = (a: Light, b: Light): Light =>
  a === 'red' || b === 'red' ? 'red' : a === 'yellow' || b === 'yellow' ? 'yellow' : 'green';

/** A processor's light: red when it ran and never succeeded, yellow when its last run was not a full success. */
export function processorLight(r: ProcessorRunRow): Light {
  if (r.successes === 0 && r.last_status !== 'running') return 'red';
  if (r.last_status !== 'success') return r.last_status === 'running' ? 'green' : 'yellow';
  const short =
    r.last_records_expected !== null &&
    r.last_records_processed !== null &&
    r.last_records_processed < r.last_records_expected;
  return short ? 'yellow' : 'green';
}

function processorMetric(r: ProcessorRunRow): PhaseMetric {
  if (r.last_records_processed !== null && r.last_records_expected !== null && r.last_records_expected > 0) {
    return { label: r.processor_name, value: r.last_records_processed, expected: r.last_records_expected };
  }
  const runs = r.attempts > 1 ? ` (${r.attempts} runs)` : '';
  const records = r.last_records_processed !== null ? `, ${r.last_records_processed} records` : '';
  return { label: r.processor_name, value: `${r.last_status ?? 'no run'}${records}${runs}` };
}

function processorPhase(
  phase: 3 | 4,
  name: string,
  runs: readonly ProcessorRunRow[],
  scheduled: number,
  required: readonly string[],
): PhaseHealthRow {
  const mine = runs.filter((r) => r.phase === phase);
  const neverRan = required.filter((p) => !mine.some((r) => r.processor_name === p));
  let state: Light = mine.reduce<Light>((s, r) => worse(s, processorLight(r)), 'green');
  if (scheduled > 0 && mine.length === 0) state = worse(state, 'yellow');
  if (scheduled > 0 && neverRan.length) state = worse(state, 'yellow');
  const bad = mine.filter((r) => processorLight(r) !== 'green');
  const notes = [
    ...bad.map(
      (r) =>
        `${r.processor_name}: ${r.successes === 0 ? `no success in ${r.attempts} run${r.attempts === 1 ? '' : 's'}` : r.last_status === 'success' ? 'short' : `last run ${r.last_status}`}` +
        (r.last_records_expected !== null && r.last_records_processed !== null
          ? ` (${r.last_records_processed}/${r.last_records_expected} records)`
          : '') +
        (r.last_error ? `: ${r.last_error}` : ''),
    ),
    ...(scheduled > 0 && mine.length === 0 ? ['no runs recorded yet'] : []),
    ...neverRan.map((p) => `${p}: no run yet`),
  ];
  return {
    phase,
    name,
    state,
    metrics: mine.map(processorMetric),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
}

export interface PhaseInput {
  readonly coverage: ReturnType<typeof dateCoverage>;
  readonly missing: readonly MissingRow[];
  readonly runs: readonly ProcessorRunRow[];
  readonly predictions: {
    readonly predictions: number;
    readonly active_rows: number;
    readonly graded: number;
  };
  readonly thresholds: Thresholds;
}

/**
 * Phase 2 (raw): gamebook and BDL coverage of the games due (final + grace): red below the box score
 * coverage minimum or when a phase 2 processor never succeeded, yellow when short or a processor's last run
 * was not clean. Phases 3 and 4: per processor (red: ran and never succeeded; yellow: partial, short of its
 * expected records, or a required processor with no run). Phase 5: red below the prediction volume minimum
 * once phase 5 ran (none before that is yellow: pending), yellow below the expected volume, or a graded share
 * under the grading minimum once every game is final. An off-day (no games) is green throughout.
 */
export function pipelinePhases(input: PhaseInput): PhaseHealthRow[] {
  const { coverage: c, runs, thresholds: t } = input;
  const off = c.scheduled === 0;

  const phase2Runs = runs.filter((r) => r.phase === 2);
  let raw: Light = phase2Runs.reduce<Light>((s, r) => worse(s, processorLight(r)), 'green');
  if (c.due > 0) {
    const ratio = Math.min(c.gamebooks.got, c.boxscores.got) / c.due;
    raw = worse(raw, ratio < t.boxscoreCoverageMin ? 'red' : ratio < 1 ? 'yellow' : 'green');
  }
  const rawNotes = [
    ...(c.scheduled > c.due ? [`${c.scheduled - c.due} of ${c.scheduled} games not final yet`] : []),
    ...input.missing.map((m) => `${m.what} missing for ${m.teams.join(', ')}`),
  ];
  const phase2: PhaseHealthRow = {
    phase: 2,
    name: 'raw',
    state: off ? 'green' : raw,
    metrics: [
      { label: 'Games scheduled', value: c.scheduled },
      { label: 'Gamebook games', value: c.gamebooks.got, expected: c.gamebooks.expected },
      { label: 'BDL box score games', value: c.boxscores.got, expected: c.boxscores.expected },
      ...phase2Runs.map(processorMetric),
    ],
    ...(rawNotes.length ? { note: rawNotes.join('; ') } : {}),
  };

  const phase3 = processorPhase(3, 'analytics', runs, c.scheduled, off ? [] : PHASE3_CRITICAL);
  const phase4 = processorPhase(4, 'precompute', runs, c.scheduled, []);

  const p = input.predictions;
  const allFinal = c.scheduled > 0 && c.due === c.scheduled;
  const gradedShare = p.predictions > 0 ? p.graded / p.predictions : 1;
  let predState: Light = 'green';
  const predNotes: string[] = [];
  // Before the coordinator has run for the date, missing predictions are pending, not failed.
  const coordinated = runs.some((r) => r.phase === 5);
  if (!off && !coordinated && p.predictions === 0) {
    predState = 'yellow';
    predNotes.push('no predictions yet (phase 5 has not run)');
  } else if (!off) {
    if (p.predictions < t.predictionVolumeMin) {
      predState = 'red';
      predNotes.push(`${p.predictions} predictions, minimum ${t.predictionVolumeMin}`);
    } else if (p.predictions < t.predictionVolumeExpected) {
      predState = 'yellow';
      predNotes.push(`${p.predictions} predictions, usually ${t.predictionVolumeExpected}`);
    }
    if (p.active_rows > p.predictions) predNotes.push(`${p.active_rows - p.predictions} duplicate rows`);
    if (allFinal && gradedShare < t.gradingCoverageMin) {
      predState = worse(predState, 'yellow');
      predNotes.push(`${p.graded}/${p.predictions} graded`);
    }
  }
  const phase5: PhaseHealthRow = {
    phase: 5,
    name: 'predictions',
    state: predState,
    metrics: [
      { label: 'Active predictions', value: p.predictions, expected: t.predictionVolumeExpected },
      { label: 'Graded', value: p.graded, expected: p.predictions },
      ...runs.filter((r) => r.phase === 5).map(processorMetric),
    ],
    ...(predNotes.length ? { note: predNotes.join('; ') } : {}),
  };
  return [phase2, phase3, phase4, phase5];
}

/** Retries that finished in the 30 days before `now`: recovered at attempt n (index n-1), and exhausted. */
export function recoveryByAttempt(items: readonly RetryItem[], now: Date, days = 30): RecoveryByAttempt {
  const since = now.getTime() - days24h(days);
  const within = (d: Date | null) => d !== null && d.getTime() >= since && d.getTime() <= now.getTime();
  const recovered = items.filter((i) => i.status === 'recovered' && within(i.recovered_at));
  const width = Math.max(3, ...recovered.map((i) => i.retry_attempts));
  const byAttempt = Array.from(
    { length: width },
    (_, n) => recovered.filter((i) => i.retry_attempts === n + 1).length,
  );
  const exhausted = items.filter((i) => i.status === 'exhausted' && within(i.exhausted_at)).length;
  return { byAttempt, exhausted };
}

/** Pending and retrying first (what is still moving), then the finished ones; newest first within each. */
export function activeFirst<T extends RetryQueueRow>(items: readonly T[]): T[] {
  const final = (s: RetryQueueRow['status']) => (s === 'recovered' || s === 'exhausted' ? 1 : 0);
  return [...items].sort(
    (a, b) => final(a.status) - final(b.status) || b.created_at.getTime() - a.created_at.getTime(),
  );
}

/** Actions that heal (an ack or a snooze does not). */
export const HEAL_ACTIONS = ['retry', 'backfill', 'reset_breaker'] as const;

/** The last successful healing action of an audit trail, if any. */
export function lastHeal(trail: readonly AuditEntry[]): AuditEntry | undefined {
  return [...trail]
    .filter((e) => e.outcome === 'ok' && (HEAL_ACTIONS as readonly string[]).includes(e.action))
    .sort((a, b) => b.at.getTime() - a.at.getTime())[0];
}

const policyOf = (e: AuditEntry | undefined) =>
  typeof e?.details.policy === 'string' ? { policy: e.details.policy } : {};

/**
 * What healed in the window: resolved incidents a healing action (person or policy) preceded, and recovered
 * retry items not already shown through their incident. Incidents that resolved with nobody acting are left
 * out: the views attribute a row without a policy to a person.
 */
export function healedRows(
  resolved: readonly { readonly incident: Incident; readonly trail: readonly AuditEntry[] }[],
  recovered: readonly { readonly item: RetryItem; readonly trail: readonly AuditEntry[] }[],
): HealedRow[] {
  const rows: HealedRow[] = [];
  const shown = new Set<string>();
  for (const { incident, trail } of resolved) {
    const heal = lastHeal(trail);
    if (!heal || !incident.resolved_at) continue;
    shown.add(incident.id);
    const item = recovered.find((r) => r.item.incident_id === incident.id)?.item;
    rows.push({
      title: incident.finding.title,
      action: heal.action,
      ...policyOf(heal),
      at: incident.resolved_at,
      durationMs: incident.resolved_at.getTime() - incident.opened_at.getTime(),
      ...(item ? { attempts: item.retry_attempts } : {}),
    });
  }
  for (const { item, trail } of recovered) {
    if (!item.recovered_at || (item.incident_id && shown.has(item.incident_id))) continue;
    const heal = lastHeal(trail.filter((e) => e.action === 'retry')) ?? lastHeal(trail);
    rows.push({
      title: `${item.scraper_name} ${item.target_date}: ${item.reason}`,
      action: 'retry',
      ...policyOf(heal),
      at: item.recovered_at,
      durationMs: item.recovered_at.getTime() - item.created_at.getTime(),
      attempts: item.retry_attempts,
    });
  }
  return rows.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Auto-heal per policy: automatic actions taken (the engine's `autoheal` audit claims, src/recovery/auto-heal.ts)
 * and the healed rows a policy's action preceded, both for the same window.
 */
export function autoHealCounts(
  entries: readonly AuditEntry[],
  healed: readonly HealedRow[],
): AutoHealCount[] {
  const counts = new Map<string, { actions: number; healed: number }>();
  const of = (policy: string) => {
    const found = counts.get(policy) ?? { actions: 0, healed: 0 };
    counts.set(policy, found);
    return found;
  };
  for (const e of entries)
    if (e.action === 'autoheal' && e.outcome === 'ok' && typeof e.details.policy === 'string')
      of(e.details.policy).actions++;
  for (const h of healed) if (h.policy) of(h.policy).healed++;
  return [...counts].map(([policy, c]) => ({ policy, ...c }));
}
