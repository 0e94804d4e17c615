-- status/predictions: for one game date as of @now, distinct active predictions (system, player, prop; so
-- retry duplicates neither inflate nor hide volume, as in checks/prediction_volume.sql), the raw active
-- rows, and how many of the distinct predictions have a graded row (as in checks/grading_coverage.sql).
-- @param report_date DATE
-- @param now TIMESTAMP
WITH active_keys AS (
  SELECT system_id, player_lookup, prop_type, COUNT(*) AS copies
  FROM nba_predictions.player_prop_predictions
  WHERE game_date = @report_date
    AND is_active = TRUE
    AND created_at <= @now
  GROUP BY system_id, player_lookup, prop_type
),
graded_keys AS (
  SELECT system_id, player_lookup, prop_type
  FROM nba_predictions.prediction_accuracy
  WHERE game_date = @report_date
    AND graded_at IS NOT NULL
    AND graded_at <= @now
  GROUP BY system_id, player_lookup, prop_type
)
SELECT
  (SELECT COUNT(*) FROM active_keys) AS predictions,
  (SELECT COALESCE(SUM(copies), 0) FROM active_keys) AS active_rows,
  (
    SELECT COUNT(*)
    FROM active_keys AS a
    JOIN graded_keys AS g
      ON g.system_id = a.system_id AND g.player_lookup = a.player_lookup AND g.prop_type = a.prop_type
  ) AS graded
