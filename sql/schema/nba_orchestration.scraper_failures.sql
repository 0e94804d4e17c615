-- One row per (scraper, game_date) that failed, kept by the pipeline's gap backfiller until backfilled.
CREATE TABLE IF NOT EXISTS nba_orchestration.scraper_failures (
  game_date DATE NOT NULL,
  scraper_name STRING NOT NULL,
  error_type STRING,
  error_message STRING,
  first_failed_at TIMESTAMP NOT NULL,
  last_failed_at TIMESTAMP NOT NULL,
  retry_count INT64 NOT NULL,
  backfilled BOOL NOT NULL,
  backfilled_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY scraper_name;
