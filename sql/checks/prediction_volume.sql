-- prediction_volume: games on @report_date and the active predictions made for them as of @now.
-- `predictions` counts distinct (system, player, prop) so retry duplicates (5 copies in December 2025) cannot
-- hide a thin slate; `active_rows` is the raw row count for comparison.
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
WITH active_keys AS (
  SELECT system_id, player_lookup, prop_type, COUNT(*) AS copies
  FROM nba_predictions.player_prop_predictions
  WHERE game_date = @report_date
    AND is_active = TRUE
    AND created_at <= @now
  GROUP BY system_id, player_lookup, prop_type
)
SELECT
  (
    SELECT COUNT(*)
    FROM nba_raw.nbac_schedule
    WHERE game_date = @report_date
      AND season_type NOT IN UNNEST(@exhibition_season_types)
  ) AS games,
  (SELECT COUNT(*) FROM active_keys) AS predictions,
  (SELECT COALESCE(SUM(copies), 0) FROM active_keys) AS active_rows,
  (SELECT COUNT(DISTINCT system_id) FROM active_keys) AS systems,
  (SELECT COUNT(DISTINCT player_lookup) FROM active_keys) AS players
