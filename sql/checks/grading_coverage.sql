-- grading_coverage: for each game date in [window_start, report_date], per system, how many distinct active
-- predictions (system, player, prop) exist and how many of them have a graded row, both as of @now, with the
-- date's schedule so the evaluator can tell whether grading is due yet. Keys, not rows, are compared so
-- duplicated predictions (docs/pipeline.md#duplicate-predictions) neither inflate nor deflate coverage. A
-- prediction for a game the schedule has but not final (postponed, never played) has nothing to grade and
-- is left out; one whose game_id the schedule does not know is kept. A date with games but no predictions
-- yields one row with a NULL system.
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
WITH game_dates AS (
  SELECT
    game_date,
    COUNT(*) AS games,
    COUNTIF(game_status = 3) AS final_games,
    MAX(game_start_time) AS last_tip_at
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND season_type NOT IN UNNEST(@exhibition_season_types)
  GROUP BY game_date
),
unplayed_games AS (
  SELECT game_id
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND game_status <> 3
),
active_keys AS (
  SELECT p.game_date, p.system_id, p.player_lookup, p.prop_type
  FROM nba_predictions.player_prop_predictions AS p
  LEFT JOIN unplayed_games AS u ON u.game_id = p.game_id
  WHERE p.game_date BETWEEN @window_start AND @report_date
    AND p.is_active = TRUE
    AND p.created_at <= @now
    AND u.game_id IS NULL
  GROUP BY p.game_date, p.system_id, p.player_lookup, p.prop_type
),
graded_keys AS (
  SELECT game_date, system_id, player_lookup, prop_type
  FROM nba_predictions.prediction_accuracy
  WHERE game_date BETWEEN @window_start AND @report_date
    AND graded_at IS NOT NULL
    AND graded_at <= @now
  GROUP BY game_date, system_id, player_lookup, prop_type
),
coverage AS (
  SELECT
    a.game_date,
    a.system_id,
    COUNT(*) AS predictions,
    COUNT(g.player_lookup) AS graded
  FROM active_keys AS a
  LEFT JOIN graded_keys AS g
    ON g.game_date = a.game_date
    AND g.system_id = a.system_id
    AND g.player_lookup = a.player_lookup
    AND g.prop_type = a.prop_type
  GROUP BY a.game_date, a.system_id
)
SELECT
  d.game_date,
  d.games,
  d.final_games,
  d.last_tip_at,
  c.system_id,
  COALESCE(c.predictions, 0) AS predictions,
  COALESCE(c.graded, 0) AS graded
FROM game_dates AS d
LEFT JOIN coverage AS c ON c.game_date = d.game_date
ORDER BY d.game_date, c.system_id
