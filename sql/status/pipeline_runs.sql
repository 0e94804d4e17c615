-- status/pipeline_runs: for one game date, every processor of phases 2-5 that ran for it by @now, with its
-- runs as seen then (a run not completed by @now was still running), for /pipeline-health. Which
-- processors must run is the caller's knowledge; this reports what did.
-- @param report_date DATE
-- @param now TIMESTAMP
WITH runs AS (
  SELECT
    run_id,
    processor_name,
    phase,
    started_at,
    CASE WHEN completed_at IS NOT NULL AND completed_at <= @now THEN status ELSE 'running' END AS status_then,
    records_processed,
    records_expected,
    error_message
  FROM nba_reference.processor_run_history
  WHERE data_date = @report_date
    AND started_at <= @now
    AND phase BETWEEN 2 AND 5
),
totals AS (
  SELECT
    processor_name,
    MIN(phase) AS phase,
    COUNT(*) AS attempts,
    COUNTIF(status_then = 'success') AS successes
  FROM runs
  GROUP BY processor_name
),
last_runs AS (
  SELECT
    processor_name,
    status_then AS last_status,
    records_processed AS last_records_processed,
    records_expected AS last_records_expected,
    error_message AS last_error
  FROM runs
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor_name ORDER BY started_at DESC, run_id DESC) = 1
)
SELECT
  t.processor_name,
  t.phase,
  t.attempts,
  t.successes,
  l.last_status,
  l.last_records_processed,
  l.last_records_expected,
  l.last_error
FROM totals AS t
JOIN last_runs AS l ON l.processor_name = t.processor_name
ORDER BY t.phase, t.processor_name
