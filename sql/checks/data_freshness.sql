-- data_freshness: when the first active prediction for @report_date was made (as of @now), and for each
-- critical phase 3 processor (@critical_processors: the ones predictions read, docs/pipeline.md#phase-3-processors) its newest
-- successful run that had completed by then, looking back to @phase3_since. No predictions yet: no rows.
-- @param report_date DATE
-- @param phase3_since DATE
-- @param now TIMESTAMP
-- @param critical_processors ARRAY<STRING>
WITH first_prediction AS (
  SELECT MIN(created_at) AS first_prediction_at, COUNT(*) AS active_rows
  FROM nba_predictions.player_prop_predictions
  WHERE game_date = @report_date
    AND is_active = TRUE
    AND created_at <= @now
),
critical AS (
  SELECT processor_name FROM UNNEST(@critical_processors) AS processor_name
),
last_success AS (
  SELECT
    r.processor_name,
    r.data_date AS last_data_date,
    r.completed_at AS last_success_at
  FROM nba_reference.processor_run_history AS r
  CROSS JOIN first_prediction AS f
  WHERE r.phase = 3
    AND r.status = 'success'
    AND r.data_date BETWEEN @phase3_since AND @report_date
    AND r.completed_at <= f.first_prediction_at
  QUALIFY ROW_NUMBER() OVER (PARTITION BY r.processor_name ORDER BY r.completed_at DESC, r.run_id DESC) = 1
)
SELECT
  c.processor_name,
  f.first_prediction_at,
  f.active_rows,
  s.last_data_date,
  s.last_success_at
FROM critical AS c
CROSS JOIN first_prediction AS f
LEFT JOIN last_success AS s ON s.processor_name = c.processor_name
WHERE f.first_prediction_at IS NOT NULL
ORDER BY c.processor_name
