-- Current breaker state per proxy provider and target host (docs/pipeline.md#proxies-and-proxy-breakers).
CREATE TABLE IF NOT EXISTS nba_orchestration.proxy_circuit_breaker (
  proxy_provider STRING NOT NULL,
  target_host STRING NOT NULL,
  circuit_state STRING NOT NULL,     -- CLOSED | OPEN | HALF_OPEN
  failure_count INT64 NOT NULL,
  last_failure_at TIMESTAMP,
  last_success_at TIMESTAMP,
  opened_at TIMESTAMP,
  updated_at TIMESTAMP NOT NULL,
  notes STRING
);
