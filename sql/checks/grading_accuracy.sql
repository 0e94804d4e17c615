-- grading_accuracy: per game date and system, graded OVER/UNDER picks and how many were right, as of @now,
-- from @baseline_start (the oldest baseline day) to @report_date. The evaluator compares each date to the
-- system's own preceding days (docs/pipeline.md#thresholds). Picks without a verdict (push, void) are left
-- out. The same picks' absolute errors (|predicted - actual|) give the mean absolute error beside the hit rate.
-- @param baseline_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
SELECT
  game_date,
  system_id,
  COUNT(*) AS graded,
  COUNTIF(prediction_correct) AS correct,
  COUNT(absolute_error) AS scored,
  SUM(absolute_error) AS absolute_error_sum
FROM nba_predictions.prediction_accuracy
WHERE game_date BETWEEN @baseline_start AND @report_date
  AND recommendation IN ('OVER', 'UNDER')
  AND prediction_correct IS NOT NULL
  AND graded_at IS NOT NULL
  AND graded_at <= @now
GROUP BY game_date, system_id
ORDER BY game_date, system_id
