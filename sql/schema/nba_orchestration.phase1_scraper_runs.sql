-- One row per scraper execution in phase 1 (what /scrape-status reads for "last success").
CREATE TABLE IF NOT EXISTS nba_orchestration.phase1_scraper_runs (
  run_id STRING NOT NULL,
  scraper_name STRING NOT NULL,
  workflow_name STRING,
  target_date DATE NOT NULL,
  started_at TIMESTAMP NOT NULL,
  completed_at TIMESTAMP,
  status STRING NOT NULL,            -- success | failed | no_data
  records_scraped INT64,
  error_message STRING,
  gcs_path STRING
)
PARTITION BY target_date
CLUSTER BY scraper_name
OPTIONS (require_partition_filter = TRUE);
