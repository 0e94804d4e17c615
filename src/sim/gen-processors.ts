// Phases 2-5 processor runs (processor_run_history) and entity circuit breakers (reprocess_attempts).
// A normal game day: raw loads 06:05-06:25 ET, phase 3 contexts 06:35, phase 4 from ~07:00, predictions
// 07:45; the night after: raw post-game loads 02:10, game summaries 03:00, grading 06:00.
import { PHASE3_CRITICAL, PHASE3_OPTIONAL, PHASE4 } from './catalog.js';
import { compactDate, type Row, type RowBuffer, type SimContext, TABLES } from './context.js';
import { etMs } from './et.js';
import { rngFor } from './rng.js';
import { ROSTER_SIZE } from './roster.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

export interface ProcessorRun {
  readonly id: string;
  readonly name: string;
  readonly phase: number;
  readonly date: string;
  readonly start: number;
  readonly durationMs: number;
  readonly status: 'success' | 'partial' | 'failed';
  readonly processed: number | null;
  readonly expected: number | null;
  readonly error?: string | null;
  readonly trigger: 'scheduler' | 'pubsub' | 'manual' | 'retry';
}

/** A run as seen at `now`: not started → nothing; started but not finished → `running`. */
export function processorRunRow(r: ProcessorRun, now: number): Row | null {
  if (r.start > now) return null;
  const done = r.start + r.durationMs <= now;
  return {
    run_id: r.id,
    processor_name: r.name,
    phase: r.phase,
    data_date: r.date,
    started_at: new Date(r.start),
    completed_at: done ? new Date(r.start + r.durationMs) : null,
    status: done ? r.status : 'running',
    records_processed: done ? r.processed : null,
    records_expected: r.expected,
    error_message: done ? (r.error ?? null) : null,
    trigger_source: r.trigger,
  };
}

/** When the day's predictions were made (ET), after phase 4; later when phase 3 was stuck. */
export function predictionsAt(ctx: SimContext, date: string): number {
  const stale = ctx.idx.stalePhase3(date);
  return etMs(date, 7 * 60 + 45) + (stale ? stale.predictions_delay_hours * HOUR : 0);
}

/** Entities (player lookups) whose breaker is tripped for `date`, by team. */
export function lockedPlayers(ctx: SimContext, date: string): Set<string> {
  const playing = new Set(ctx.schedule.gamesOn(date).flatMap((g) => [g.home, g.away]));
  const out = new Set<string>();
  for (const inc of ctx.idx.breakerIncidents(date)) {
    for (const team of inc.teams) {
      if (!playing.has(team)) continue;
      for (const p of ctx.rosters.get(team) ?? []) out.add(p.lookup);
    }
  }
  return out;
}

export function generateProcessors(ctx: SimContext, date: string, out: RowBuffer): void {
  const games = ctx.schedule.gamesOn(date);
  if (games.length === 0) return;
  const rng = rngFor(ctx.seed, 'processors', date);
  const day = compactDate(date);
  const teams = games.length * 2;
  const players = teams * ROSTER_SIZE;
  const runs: ProcessorRun[] = [];
  const run = (
    name: string,
    phase: number,
    startMin: number,
    durMin: [number, number],
    rest: Partial<ProcessorRun>,
  ) =>
    runs.push({
      id: `run-${day}-${name}-${runs.length}`,
      name,
      phase,
      date,
      start: etMs(date, startMin) + rng.int(0, 59) * 1000,
      durationMs: rng.int(durMin[0] * 60, durMin[1] * 60) * 1000,
      status: 'success',
      processed: null,
      expected: null,
      trigger: 'pubsub',
      ...rest,
    });

  // Phase 2, before the games.
  run('nbac_schedule_processor', 2, 6 * 60 + 5, [1, 3], { processed: games.length, expected: games.length });
  run('odds_api_props_processor', 2, 6 * 60 + 15, [2, 5], { processed: games.length * 20 });
  if (!ctx.idx.outage('bp_player_props', date)) {
    run('bp_player_props_processor', 2, 6 * 60 + 20, [2, 6], { processed: games.length * 40 });
  }

  // Phase 3 contexts (critical), then phase 4 once both are done.
  const stale = ctx.idx.stalePhase3(date);
  const locked = lockedPlayers(ctx, date).size;
  let criticalDone = 0;
  for (const name of PHASE3_CRITICAL) {
    const expected = name === 'upcoming_player_game_context' ? players : teams;
    if (stale?.processors.includes(name)) {
      for (let k = 0; k < stale.failed_runs; k++) {
        run(name, 3, 6 * 60 + 35 + k * 60, [2, 6], {
          status: 'failed',
          processed: 0,
          expected,
          error: stale.error,
          trigger: k === 0 ? 'scheduler' : 'retry',
        });
      }
      criticalDone = Infinity;
      continue;
    }
    run(name, 3, 6 * 60 + 35, [6, 14], {
      processed:
        ctx.idx.thinPhase3Records(name, date) ??
        (name === 'upcoming_player_game_context' ? expected - locked : expected),
      expected,
      trigger: 'scheduler',
    });
    const r = runs[runs.length - 1] as ProcessorRun;
    criticalDone = Math.max(criticalDone, r.start + r.durationMs);
  }
  if (Number.isFinite(criticalDone)) {
    for (const name of PHASE4) {
      runs.push({
        id: `run-${day}-${name}-${runs.length}`,
        name,
        phase: 4,
        date,
        start: criticalDone + rng.int(5, 20) * MIN,
        durationMs: rng.int(3, 15) * MIN,
        status: 'success',
        processed: name.startsWith('team') ? teams : players - locked,
        expected: name.startsWith('team') ? teams : players,
        trigger: 'pubsub',
      });
    }
  }
  const predAt = predictionsAt(ctx, date);
  runs.push({
    id: `run-${day}-prediction_coordinator-${runs.length}`,
    name: 'prediction_coordinator',
    phase: 5,
    date,
    start: predAt - 5 * MIN,
    durationMs: rng.int(15, 30) * MIN,
    status: 'success',
    processed: null,
    expected: null,
    trigger: 'pubsub',
  });

  // The night after: raw post-game loads (no processor for player-box-scores while a team's box scores
  // are missing, docs/pipeline.md#missing-team-box-scores), game summaries (optional phase 3), grading.
  run('bdl_boxscores_processor', 2, 26 * 60 + 10, [2, 5], { processed: games.length });
  run('nbac_gamebook_processor', 2, 26 * 60 + 15, [3, 8], { processed: games.length });
  if (ctx.idx.missingBoxscoreTeams(date).teams.size === 0) {
    run('bdl_player_box_scores_processor', 2, 26 * 60 + 20, [3, 7], { processed: games.length * 23 });
  }
  for (const name of PHASE3_OPTIONAL) {
    const expected = name === 'player_game_summary' ? games.length * 23 : teams;
    run(name, 3, 27 * 60, [4, 12], {
      processed: ctx.idx.thinPhase3Records(name, date) ?? expected,
      expected,
    });
  }
  run('prediction_grading', 5, 30 * 60, [4, 10], {});

  for (const r of runs) {
    const row = processorRunRow(r, ctx.now);
    if (row) out.push(TABLES.processorRuns, row);
  }
  generateBreakers(ctx, date, out);
}

/**
 * The context processors retry entities with incomplete upstream data hourly from 06:35 ET;
 * after 5 attempts the breaker trips and locks the entity out for the incident's lockout.
 */
function generateBreakers(ctx: SimContext, date: string, out: RowBuffer): void {
  const playing = new Set(ctx.schedule.gamesOn(date).flatMap((g) => [g.home, g.away]));
  const rng = rngFor(ctx.seed, 'breakers', date);
  for (const inc of ctx.idx.breakerIncidents(date)) {
    const breaker = inc.breaker;
    if (!breaker) continue;
    for (const processor of breaker.processors) {
      for (const team of inc.teams) {
        if (!playing.has(team)) continue;
        for (const p of ctx.rosters.get(team) ?? []) {
          const first = etMs(date, 6 * 60 + 35) + rng.int(0, 300) * 1000;
          const attempts = [0, 1, 2, 3, 4].map((k) => first + k * HOUR).filter((t) => t <= ctx.now);
          const last = attempts[attempts.length - 1];
          if (last === undefined) continue;
          const tripped = attempts.length >= 5;
          out.push(TABLES.reprocess, {
            processor_name: processor,
            entity_id: p.lookup,
            analysis_date: date,
            attempt_count: attempts.length,
            completeness_pct: Math.round(rng.between(35, 65) * 10) / 10,
            skip_reason: 'incomplete_upstream_data',
            circuit_breaker_tripped: tripped,
            circuit_breaker_until: tripped ? new Date(last + breaker.lockout_hours * HOUR) : null,
            first_attempt_at: new Date(first),
            last_attempt_at: new Date(last),
            notes: `${team} boxscores missing since ${inc.from} (bdl player-box-scores not loaded)`,
          });
        }
      }
    }
  }
}
