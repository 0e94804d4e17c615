// What the pipeline owes for a game date, and from when. The checks judge only what is already due, so a
// run at any hour (a delayed job, a manual run, `check all --at` an early hour) never alarms early. The
// clock times below are the pipeline's own day (docs/pipeline.md#daily-timeline), all in ET; the margins in
// hours are thresholds (src/jobs/thresholds.ts).
import { addDays, etClock, etDate, etInstant, hours } from './time.js';

/**
 * Exhibitions owe the pipeline nothing: no props are made for them, so no predictions, no grading, no
 * post-game work (the schedule's season_type contract, sql/schema/nba_raw.nbac_schedule.sql). Every other
 * season type carries expectations, an unknown one too, so a new type is noticed rather than skipped.
 */
export const EXHIBITION_SEASON_TYPES: readonly string[] = ['Preseason', 'All-Star', 'Rising Stars'];

/** Predictions for a game date are made by about 08:50 that morning (docs/pipeline.md#daily-timeline). */
export const PREDICTIONS_DUE_ET = '08:50';

/**
 * The critical phase 3 processors build the upcoming-game context the predictions read, so they are owed
 * by the time predictions are (docs/pipeline.md#phase-3-processors: "every date with games, before
 * predictions").
 */
export const CONTEXTS_DUE_ET = PREDICTIONS_DUE_ET;

/**
 * Box scores of a game date arrive in the post-game windows of the night after (02:00, 04:00 and 06:00
 * the next day); the pipeline's own completeness check judges them at 06:00
 * (docs/pipeline.md#daily-timeline, docs/pipeline.md#check-schedule).
 */
export const BOXSCORES_DUE_NEXT_DAY_ET = '06:00';

/**
 * Game summaries and grading come last in the night after, behind the 06:00 window's loads
 * (docs/pipeline.md#daily-timeline): owed an hour after that window starts, and never before the
 * post-game grace after the last tip-off (`postGameDueHours`).
 */
export const POST_GAME_WORK_DUE_NEXT_DAY_ET = '07:00';

/** True once `timeEt` (HH:MM, ET) of `date` has come. */
export function dueOn(date: string, timeEt: string, now: Date): boolean {
  return now.getTime() >= etInstant(date, timeEt).getTime();
}

/** The latest game date whose box scores are owed at `now`: yesterday from 06:00 ET, else the day before. */
export function boxscoresDueThrough(now: Date): string {
  const today = etDate(now);
  return addDays(today, etClock(now) >= BOXSCORES_DUE_NEXT_DAY_ET ? -1 : -2);
}

/** A game date's schedule as the checks' queries return it (one row per date from nba_raw.nbac_schedule). */
export interface DateSchedule {
  readonly game_date: string;
  readonly games: number;
  readonly final_games: number;
  readonly last_tip_at: Date;
}

/**
 * Post-game work for a date (phase 3 game summaries, grading) is owed for the games that were played,
 * from 07:00 the next day and once the grace after the date's last tip-off has passed (a late game moves
 * it later). By then every game that was played is final;
 * one still not final (postponed, never played) owes nothing and does not hold the others back. Before
 * that a missing summary or grade is an expected gap. The tip-off bound also keeps a replay "as of" a
 * past time honest, where the schedule row already says final.
 */
export function postGameDue(schedule: DateSchedule, now: Date, dueHours: number): boolean {
  return (
    schedule.final_games > 0 &&
    now.getTime() >= schedule.last_tip_at.getTime() + hours(dueHours) &&
    dueOn(addDays(schedule.game_date, 1), POST_GAME_WORK_DUE_NEXT_DAY_ET, now)
  );
}
