-- The digest's recovery-time table: failed and partial scrape events for target dates in
-- [@window_start, @report_date] (30 days), per scraper and error type, how many there were, how many were
-- marked recovered by @now (by the pipeline, or by shotclock when a retry recovered them,
-- sql/recovery/mark_scrape_events_recovered.sql), and each recovery's minutes from the failed attempt to the
-- recovery, sorted (the view takes the median and the 90th percentile).
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
WITH failed AS (
  SELECT
    scraper_name,
    COALESCE(error_type, 'unknown') AS error_type,
    IF(is_recovered AND recovered_at <= @now, TIMESTAMP_DIFF(recovered_at, started_at, MINUTE), NULL) AS minutes
  FROM nba_monitoring.scrape_events
  WHERE target_date BETWEEN @window_start AND @report_date
    AND status IN ('failed', 'partial')
    AND started_at <= @now
)
SELECT
  scraper_name,
  error_type,
  COUNT(*) AS failures,
  COUNT(minutes) AS recovered,
  ARRAY_AGG(minutes IGNORE NULLS ORDER BY minutes) AS recovery_minutes
FROM failed
GROUP BY scraper_name, error_type
ORDER BY scraper_name, error_type
