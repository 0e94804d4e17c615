-- phase3_data_stale: how old the date's own phase 3 output was when its predictions ran. When the first active
-- prediction for @report_date was made (as of @now), and for each critical phase 3 processor
-- (@critical_processors: the ones predictions read, docs/pipeline.md#phase-3-processors) its newest
-- successful run for @report_date itself that had completed by then (none: NULL, predictions read an earlier
-- date's context, which data_freshness judges). No predictions yet: no rows.
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param critical_processors ARRAY<STRING>
WITH first_prediction AS (
  SELECT MIN(created_at) AS first_prediction_at
  FROM nba_predictions.player_prop_predictions
  WHERE game_date = @report_date
    AND is_active = TRUE
    AND created_at <= @now
),
critical AS (
  SELECT processor_name FROM UNNEST(@critical_processors) AS processor_name
),
same_date_output AS (
  SELECT
    r.processor_name,
    MAX(r.completed_at) AS output_at
  FROM nba_reference.processor_run_history AS r
  CROSS JOIN first_prediction AS f
  WHERE r.data_date = @report_date
    AND r.phase = 3
    AND r.status = 'success'
    AND r.completed_at <= f.first_prediction_at
  GROUP BY r.processor_name
)
SELECT
  c.processor_name,
  f.first_prediction_at,
  s.output_at
FROM critical AS c
CROSS JOIN first_prediction AS f
LEFT JOIN same_date_output AS s ON s.processor_name = c.processor_name
WHERE f.first_prediction_at IS NOT NULL
ORDER BY c.processor_name
