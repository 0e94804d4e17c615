-- Every processor run of phases 2-5 (docs/pipeline.md#phases).
CREATE TABLE IF NOT EXISTS nba_reference.processor_run_history (
  run_id STRING NOT NULL,
  processor_name STRING NOT NULL,
  phase INT64 NOT NULL,
  data_date DATE NOT NULL,           -- the game date the run processed
  started_at TIMESTAMP NOT NULL,
  completed_at TIMESTAMP,
  status STRING NOT NULL,            -- running | success | partial | failed
  records_processed INT64,
  records_expected INT64,
  error_message STRING,
  trigger_source STRING              -- scheduler | pubsub | manual | retry
)
PARTITION BY data_date
CLUSTER BY processor_name
OPTIONS (require_partition_filter = TRUE);
