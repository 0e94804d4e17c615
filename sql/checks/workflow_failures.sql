-- workflow_failures: each workflow's executions in (@window_start, @now] (the last 24 h, computed by the
-- caller): how many failed, how many of those failed without an error_message (the executor left it NULL
-- until its 2026-01-01 fix, docs/pipeline.md#new-years-eve-rate-limit-storm), and the latest failure.
-- @param window_start TIMESTAMP
-- @param now TIMESTAMP
WITH runs AS (
  SELECT execution_id, workflow_name, execution_time, status, error_message
  FROM nba_orchestration.workflow_executions
  WHERE execution_time > @window_start
    AND execution_time <= @now
),
latest_failures AS (
  SELECT workflow_name, execution_time AS last_failed_at, error_message AS last_error
  FROM runs
  WHERE status = 'failed'
  QUALIFY ROW_NUMBER() OVER (PARTITION BY workflow_name ORDER BY execution_time DESC, execution_id DESC) = 1
)
SELECT
  r.workflow_name,
  COUNT(*) AS executions,
  COUNTIF(r.status = 'failed') AS failures,
  COUNTIF(r.status = 'failed' AND (r.error_message IS NULL OR TRIM(r.error_message) = '')) AS failures_without_message,
  MAX(l.last_failed_at) AS last_failed_at,
  MAX(l.last_error) AS last_error
FROM runs AS r
LEFT JOIN latest_failures AS l ON l.workflow_name = r.workflow_name
GROUP BY r.workflow_name
ORDER BY r.workflow_name
