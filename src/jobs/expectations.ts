// What the pipeline owes for a game date, and from when. The checks judge only what is already due, so a
// run at any hour (a delayed job, a manual run, `check all --at` an early hour) never alarms early.

/**
 * Exhibitions owe the pipeline nothing: no props are made for them, so no predictions, no grading, no
 * post-game work (the schedule's season_type contract, sql/schema/nba_raw.nbac_schedule.sql). Every other
 * season type carries expectations, an unknown one too, so a new type is noticed rather than skipped.
 */
export const EXHIBITION_SEASON_TYPES: readonly string[] = ['Preseason', 'All-Star', 'Rising Stars'];

/** A game date's schedule as the checks' queries return it (one row per date from nba_raw.nbac_schedule). */
export interface DateSchedule {
  readonly games: number;
  readonly final_games: number;
  readonly last_tip_at: Date;
}

const HOUR_MS = 3_600_000;

/**
 * Post-game work for a date (phase 3 game summaries, grading) is owed for the games that were played,
 * once the grace after the date's last tip-off has passed. By then every game that was played is final;
 * one still not final (postponed, never played) owes nothing and does not hold the others back. Before
 * that a missing summary or grade is an expected gap. The tip-off bound also keeps a replay "as of" a
 * past time honest, where the schedule row already says final.
 */
export function postGameDue(schedule: DateSchedule, now: Date, dueHours: number): boolean {
  return schedule.final_games > 0 && now.getTime() >= schedule.last_tip_at.getTime() + dueHours * HOUR_MS;
}
