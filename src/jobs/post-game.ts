/** A game date's schedule as the checks' queries return it (one row per date from nba_raw.nbac_schedule). */
export interface DateSchedule {
  readonly games: number;
  readonly final_games: number;
  readonly last_tip_at: Date;
}

const HOUR_MS = 3_600_000;

/**
 * Post-game work for a date (phase 3 game summaries, grading) is owed once every game is final and the
 * grace after the last tip-off has passed. Before that a missing summary or grade is an expected gap,
 * not a finding: games not yet final stay quiet. The tip-off bound also keeps a replay
 * "as of" a past time honest, where the schedule row already says final.
 */
export function postGameDue(schedule: DateSchedule, now: Date, dueHours: number): boolean {
  return (
    schedule.games > 0 &&
    schedule.final_games === schedule.games &&
    now.getTime() >= schedule.last_tip_at.getTime() + dueHours * HOUR_MS
  );
}
