-- charts/scraper_failures_daily: failed scrapes per scraper and target date in [window_start, report_date],
-- as of @now, for the digest's 14-day chart. `no_data_yet` is left out, as in status/scrapers.sql: a source
-- that has not published yet is not broken. The chart's gap days come from checks/scraper_gaps.sql.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
SELECT
  scraper_name,
  target_date AS game_date,
  COUNT(*) AS failures
FROM nba_monitoring.scrape_events
WHERE target_date BETWEEN @window_start AND @report_date
  AND status = 'failed'
  AND COALESCE(error_type, '') != 'no_data_yet'
  AND started_at <= @now
GROUP BY scraper_name, target_date
ORDER BY scraper_name, game_date
