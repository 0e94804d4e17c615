// Phase 2 raw game data: the NBA.com schedule (status as of now), gamebooks and balldontlie boxscores.
// BDL leaves games or teams out as the scenario says (docs/pipeline.md#incidents) until they are recovered.
import { type Row, type RowBuffer, type SimContext, TABLES } from './context.js';
import { etMs } from './et.js';
import { rngFor } from './rng.js';
import { gameLines, type PlayerLine } from './roster.js';
import { type Game, gameEnd, gameStatusAt, SEASON_YEAR } from './schedule.js';

/** When the season's schedule was published (what a not-yet-played game's row says it was updated). */
const PUBLISHED_AT = Date.parse('2025-08-14T16:00:00Z');
const MIN = 60_000;

export function scheduleRow(game: Game, now: number): Row {
  const status = gameStatusAt(game, new Date(now));
  const updated =
    status === 3 ? gameEnd(game) : status === 2 ? game.tip.getTime() : Math.min(now, PUBLISHED_AT);
  return {
    game_id: game.game_id,
    game_date: game.game_date,
    season_year: SEASON_YEAR,
    season_type: game.season_type,
    game_start_time: game.tip,
    game_status: status,
    home_team_tricode: game.home,
    away_team_tricode: game.away,
    arena_name: game.arena || null,
    updated_at: new Date(updated),
  };
}

/** Games BDL leaves out on `date`, in a fixed order: after a retry leaving m missing, the first m still are. */
export function bdlMissingOrder(ctx: SimContext, date: string): string[] {
  const games = ctx.schedule.gamesOn(date).map((g) => g.game_id);
  return rngFor(ctx.seed, 'bdl-missing', date).shuffle(games);
}

/** The night's first post-game collection (02:00 ET the next day) plus processing time. */
export const postGameLoadMs = (date: string, minutes: number): number => etMs(date, 26 * 60 + minutes);

export function gamebookRow(line: PlayerLine, date: string, processedAt: number): Row {
  return {
    game_id: line.game_id,
    game_date: date,
    team_abbr: line.team,
    player_lookup: line.player.lookup,
    player_name: line.player.name,
    player_status: line.status,
    minutes: line.minutes,
    points: line.points,
    rebounds: line.rebounds,
    assists: line.assists,
    processed_at: new Date(processedAt),
  };
}

export function bdlRow(line: PlayerLine, date: string, processedAt: number): Row {
  return {
    game_id: line.game_id,
    game_date: date,
    team_abbr: line.team,
    player_lookup: line.player.lookup,
    player_name: line.player.name,
    minutes: line.minutes,
    points: line.points,
    rebounds: line.rebounds,
    assists: line.assists,
    processed_at: new Date(processedAt),
  };
}

/** BDL rows for a game (players who played), optionally only some teams'. */
export function bdlRowsFor(
  ctx: SimContext,
  game: Game,
  processedAt: number,
  teams?: ReadonlySet<string>,
): Row[] {
  return gameLines(ctx.seed, game, ctx.rosters)
    .filter((l) => l.status === 'active' && (!teams || teams.has(l.team)))
    .map((l) => bdlRow(l, game.game_date, processedAt));
}

/** Noon ET of a recovery/backfill date, the pipeline's midday catch-up run. */
export const noonOf = (date: string): number => etMs(date, 12 * 60);

export function generateGames(ctx: SimContext, date: string, out: RowBuffer): void {
  const games = ctx.schedule.gamesOn(date);
  if (games.length === 0) return;
  for (const g of games) out.push(TABLES.schedule, scheduleRow(g, ctx.now));

  const shortfall = ctx.idx.bdlShortfall(date);
  const missingGames = new Set(shortfall ? bdlMissingOrder(ctx, date).slice(0, shortfall.missing) : []);
  const shortRecoveredAt = shortfall?.incident.recovered_on
    ? noonOf(shortfall.incident.recovered_on)
    : undefined;
  const teamGap = ctx.idx.missingBoxscoreTeams(date);
  const backfills = teamGap.incidents.map((i) => (i.backfilled_on ? noonOf(i.backfilled_on) : Infinity));
  const teamsBackfilledAt = backfills.length > 0 ? Math.max(...backfills) : Infinity;

  const rng = rngFor(ctx.seed, 'raw-load', date);
  for (const game of games) {
    // Collected by the night's first post-game window, once the game is final.
    const gamebookAt = Math.max(postGameLoadMs(date, rng.int(10, 40)), gameEnd(game) + 30 * MIN);
    const bdlAt = Math.max(postGameLoadMs(date, rng.int(5, 30)), gameEnd(game) + 20 * MIN);
    const lines = gameLines(ctx.seed, game, ctx.rosters);
    if (gamebookAt <= ctx.now) {
      for (const l of lines) out.push(TABLES.gamebook, gamebookRow(l, date, gamebookAt));
    }
    for (const l of lines) {
      if (l.status !== 'active') continue;
      let at = bdlAt;
      if (missingGames.has(game.game_id)) at = Math.max(at, shortRecoveredAt ?? Infinity);
      if (teamGap.teams.has(l.team)) at = Math.max(at, teamsBackfilledAt);
      if (at <= ctx.now) out.push(TABLES.bdl, bdlRow(l, date, at));
    }
  }
}
