-- One row per workflow run of the phase 1 executor.
CREATE TABLE IF NOT EXISTS nba_orchestration.workflow_executions (
  execution_id STRING NOT NULL,
  workflow_name STRING NOT NULL,
  execution_time TIMESTAMP NOT NULL,
  status STRING NOT NULL,            -- completed | failed
  duration_seconds FLOAT64,
  scrapers_requested INT64,
  scrapers_succeeded INT64,
  scrapers_failed INT64,
  error_message STRING               -- NULL on failures before the 2026-01-01 fix (docs/pipeline.md#new-years-eve-rate-limit-storm)
)
PARTITION BY DATE(execution_time)
CLUSTER BY workflow_name;
