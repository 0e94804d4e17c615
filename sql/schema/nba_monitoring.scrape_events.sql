-- One row per scrape attempt, written by the scrapers (the pipeline team's scrape event log).
CREATE TABLE IF NOT EXISTS nba_monitoring.scrape_events (
  event_id STRING NOT NULL,
  scraper_name STRING NOT NULL,
  target_date DATE NOT NULL,
  started_at TIMESTAMP NOT NULL,
  completed_at TIMESTAMP,
  duration_seconds FLOAT64,
  status STRING NOT NULL,            -- success | partial | failed
  records_expected INT64,
  records_received INT64,
  records_missing INT64,
  error_type STRING,                 -- rate_limit | timeout | api_error | validation_error | api_incomplete | no_data_yet
  error_message STRING,
  error_details JSON,
  api_response_code INT64,
  api_response_time_ms INT64,
  pages_fetched INT64,
  is_recovered BOOL,
  recovered_at TIMESTAMP,
  recovery_event_id STRING,
  correlation_id STRING,
  cloud_run_revision STRING,
  created_at TIMESTAMP
)
PARTITION BY target_date
CLUSTER BY scraper_name, status
OPTIONS (require_partition_filter = TRUE);
