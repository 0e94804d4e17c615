// Phase 5: props predictions for a slate (≈280-340 distinct (system, player, prop) from 24-28 players ×
// 3 props × 4 systems) and their grading the morning after. Hit rates are set per system and date as an
// exact share (not a coin per pick) so a clean day never drifts into a false "regression".
import { PROP_TYPES, SYSTEMS } from './catalog.js';
import { compactDate, type Row, type RowBuffer, type SimContext, TABLES } from './context.js';
import { etMs } from './et.js';
import { lockedPlayers, predictionsAt } from './gen-processors.js';
import { rngFor } from './rng.js';
import { gameLines, type PlayerLine } from './roster.js';
import { gameEnd } from './schedule.js';

const MIN = 60_000;

const actualOf = (l: PlayerLine, prop: (typeof PROP_TYPES)[number]): number =>
  (prop === 'points' ? l.points : prop === 'rebounds' ? l.rebounds : l.assists) ?? 0;
const meanOf = (l: PlayerLine, prop: (typeof PROP_TYPES)[number]): number =>
  prop === 'points' ? l.player.ppg : prop === 'rebounds' ? l.player.rpg : l.player.apg;
const r1 = (x: number) => Math.round(x * 10) / 10;

export function generatePredictions(ctx: SimContext, date: string, out: RowBuffer): void {
  const games = ctx.schedule.gamesOn(date);
  if (games.length === 0) return;
  const createdBase = predictionsAt(ctx, date);
  if (createdBase > ctx.now) return;
  const rng = rngFor(ctx.seed, 'predictions', date);
  const locked = lockedPlayers(ctx, date);
  // Players who will play and are not locked out; props go to rotation players first, and reach
  // further down the bench only on a small slate (1-2 games).
  const active = games
    .flatMap((g) => gameLines(ctx.seed, g, ctx.rosters))
    .filter((l) => l.status === 'active' && !locked.has(l.player.lookup));
  const thin = ctx.idx.thinSlate(date);
  const target = thin ? thin.players : rng.int(24, 28);
  const ordered = [
    ...rng.shuffle(active.filter((l) => l.player.rank <= 9)),
    ...rng.shuffle(active.filter((l) => l.player.rank > 9)),
  ];
  const chosen = ordered.slice(0, Math.min(target, ordered.length));
  const collapse = ctx.idx.gradingCollapse(date);
  const dup = ctx.idx.duplicates(date);
  const gradedAt = Math.max(etMs(date, 30 * 60), Math.max(...games.map(gameEnd)) + 60 * MIN);
  const day = compactDate(date);

  for (const system of SYSTEMS) {
    // Line and actual per pick; a PASS when the model sees no edge (~8 %).
    const picks = chosen.flatMap((line) =>
      PROP_TYPES.map((prop) => ({
        line,
        prop,
        lineValue: Math.max(0.5, Math.round(meanOf(line, prop) + rng.normal(0, 1)) + 0.5),
        // No PASS on a collapse date, so its hit rate is exactly the scenario's (9 of 48 on 2026-01-18).
        pass: rng.chance(0.08) && !collapse,
      })),
    );
    const decided = picks.filter((p) => !p.pass);
    const rate = collapse ? collapse.accuracy : system.hitRate + rng.between(-0.015, 0.015);
    const correct = new Set(rng.shuffle(decided).slice(0, Math.round(decided.length * rate)));
    const dupKeys = new Set(dup ? rng.shuffle(picks).slice(0, Math.round(picks.length * dup.share)) : []);
    picks.forEach((p, i) => {
      const actual = actualOf(p.line, p.prop);
      const over = actual > p.lineValue;
      const recommendation = p.pass ? 'PASS' : correct.has(p) === over ? 'OVER' : 'UNDER';
      const edge = rng.between(0.8, 4);
      const predicted =
        recommendation === 'PASS'
          ? r1(p.lineValue + rng.between(-0.4, 0.4))
          : r1(Math.max(0, p.lineValue + (recommendation === 'OVER' ? edge : -edge)));
      const base: Row = {
        prediction_id: `pred-${day}-${system.id}-${i}`,
        system_id: system.id,
        player_lookup: p.line.player.lookup,
        game_id: p.line.game_id,
        game_date: date,
        prop_type: p.prop,
        line_value: p.lineValue,
        predicted_value: predicted,
        recommendation,
        confidence_score: Math.round(rng.between(0.5, 0.85) * 100) / 100,
        is_active: true,
        created_at: new Date(createdBase + rng.int(0, 600) * 1000),
        updated_at: null,
      };
      out.push(TABLES.predictions, base);
      // Pub/Sub redelivery + WRITE_APPEND appended copies, all still active
      // (docs/pipeline.md#duplicate-predictions).
      if (dupKeys.has(p) && dup) {
        for (let c = 1; c < dup.copies; c++) {
          const at = (base.created_at as Date).getTime() + c * rng.int(2, 7) * MIN;
          if (at > ctx.now) break;
          out.push(TABLES.predictions, {
            ...base,
            prediction_id: `${base.prediction_id}-r${c}`,
            created_at: new Date(at),
          });
        }
      }
      // Grading: one row per prediction key (the grader de-duplicates), the morning after.
      const graded = gradedAt + rng.int(0, 900) * 1000;
      if (graded <= ctx.now) {
        out.push(TABLES.accuracy, {
          prediction_id: base.prediction_id,
          system_id: system.id,
          player_lookup: p.line.player.lookup,
          game_id: p.line.game_id,
          game_date: date,
          prop_type: p.prop,
          line_value: p.lineValue,
          predicted_value: predicted,
          actual_value: actual,
          recommendation,
          prediction_correct: recommendation === 'PASS' ? null : (recommendation === 'OVER') === over,
          absolute_error: r1(Math.abs(predicted - actual)),
          graded_at: new Date(graded),
        });
      }
    });
  }
}
