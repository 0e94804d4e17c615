-- Entity-level circuit breakers of phase 3/4 processors (docs/pipeline.md#entity-circuit-breakers).
CREATE TABLE IF NOT EXISTS nba_orchestration.reprocess_attempts (
  processor_name STRING NOT NULL,
  entity_id STRING NOT NULL,         -- player_lookup or team tricode
  analysis_date DATE NOT NULL,
  attempt_count INT64 NOT NULL,
  completeness_pct FLOAT64,
  skip_reason STRING,
  circuit_breaker_tripped BOOL NOT NULL,
  circuit_breaker_until TIMESTAMP,
  first_attempt_at TIMESTAMP NOT NULL,
  last_attempt_at TIMESTAMP NOT NULL,
  notes STRING
)
PARTITION BY analysis_date
CLUSTER BY processor_name, entity_id
OPTIONS (require_partition_filter = TRUE);
