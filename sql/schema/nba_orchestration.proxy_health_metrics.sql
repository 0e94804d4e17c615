-- Hourly request outcomes per proxy provider and target host (the pipeline's proxy dashboard source).
CREATE TABLE IF NOT EXISTS nba_orchestration.proxy_health_metrics (
  metric_hour TIMESTAMP NOT NULL,
  proxy_provider STRING NOT NULL,
  target_host STRING NOT NULL,
  requests INT64 NOT NULL,
  successes INT64 NOT NULL,
  failures INT64 NOT NULL,
  avg_response_ms INT64
)
PARTITION BY DATE(metric_hour)
CLUSTER BY proxy_provider, target_host;
