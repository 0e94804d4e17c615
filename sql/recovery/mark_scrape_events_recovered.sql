-- A retry recovered (@scraper_name, @target_date): mark the pipeline's own record of the scrapes that had
-- failed for it recovered, as the team's error-tracking notes propose, so their SQL on the scrape event log
-- sees recoveries (docs/pipeline.md#retry-schedule). Failed and partial events that started before the
-- recovery and are not marked yet; a repeat (a redelivered task) changes nothing. @recovery_event_id names the
-- retry that recovered them. target_date is the partition column: the statement reads that one day.
-- @param scraper_name STRING
-- @param target_date DATE
-- @param recovered_at TIMESTAMP
-- @param recovery_event_id STRING
UPDATE nba_monitoring.scrape_events
SET
  is_recovered = TRUE,
  recovered_at = @recovered_at,
  recovery_event_id = @recovery_event_id
WHERE target_date BETWEEN @target_date AND @target_date
  AND scraper_name = @scraper_name
  AND status IN ('failed', 'partial')
  AND started_at <= @recovered_at
  AND (is_recovered IS NULL OR NOT is_recovered)
