-- status/scrapers: one row per scraper seen in the phase 1 run log for target dates in [window_start,
-- window_end] or in the scrape log for target dates in [activity_start, window_end] (the scraper list comes
-- from the data), as of @now: last success, the most recent error, and runs in the 24 h before @now. Gap
-- days come from checks/scraper_gaps.sql (same logic as the alert); this adds what /scrape-status and App
-- Home show next to them.
-- BigQuery bills the partitions read, and `scrape_events` is the big table (README, "Warehouse cost"), so
-- it is read only for what is shown of it: the last 24 h and the most recent error, from target dates
-- [activity_start, window_end] (the caller's yesterday to tomorrow, ET: a scrape started in the last 24 h
-- targets today's games, yesterday's late ones, or works a day ahead; docs/pipeline.md#daily-timeline). A
-- retry of an older date shows in the gap days instead. The last success looks back over the whole window
-- in the run log (`phase1_scraper_runs`: one row per scraper execution, docs/pipeline.md#tables, and what
-- "last success" is defined on, sql/schema), far smaller than the scrape log's one row per attempt.
-- `unexpected_failures_24h` leaves out `no_data_yet` (a source that has not published yet is not broken);
-- `partial_24h` counts runs that returned fewer records than expected.
-- @param window_start DATE
-- @param activity_start DATE
-- @param window_end DATE
-- @param now TIMESTAMP
WITH events AS (
  SELECT
    scraper_name,
    status,
    error_type,
    error_message,
    started_at,
    COALESCE(completed_at, started_at) AS done_at
  FROM nba_monitoring.scrape_events
  WHERE target_date BETWEEN @activity_start AND @window_end
    AND started_at <= @now
),
runs AS (
  SELECT scraper_name, status, error_message, started_at, COALESCE(completed_at, started_at) AS done_at
  FROM nba_orchestration.phase1_scraper_runs
  WHERE target_date BETWEEN @window_start AND @window_end
    AND started_at <= @now
),
scrapers AS (
  SELECT scraper_name FROM events
  UNION DISTINCT
  SELECT scraper_name FROM runs
),
last_success AS (
  SELECT scraper_name, MAX(done_at) AS last_success_at
  FROM (
    SELECT scraper_name, done_at FROM events WHERE status = 'success' AND done_at <= @now
    UNION ALL
    SELECT scraper_name, done_at FROM runs WHERE status = 'success' AND done_at <= @now
  )
  GROUP BY scraper_name
),
recent_error AS (
  SELECT
    scraper_name,
    started_at AS error_at,
    CONCAT(COALESCE(error_type, status), ': ', COALESCE(error_message, 'no message recorded')) AS error_text
  FROM events
  WHERE status IN ('failed', 'partial')
  QUALIFY ROW_NUMBER() OVER (PARTITION BY scraper_name ORDER BY started_at DESC, error_type) = 1
),
day AS (
  SELECT
    scraper_name,
    COUNT(*) AS runs_24h,
    COUNTIF(status = 'success') AS successes_24h,
    COUNTIF(status = 'failed') AS failures_24h,
    COUNTIF(status = 'failed' AND COALESCE(error_type, '') != 'no_data_yet') AS unexpected_failures_24h,
    COUNTIF(status = 'partial') AS partial_24h
  FROM events
  WHERE started_at > TIMESTAMP_SUB(@now, INTERVAL 24 HOUR)
  GROUP BY scraper_name
)
SELECT
  s.scraper_name,
  l.last_success_at,
  e.error_at,
  e.error_text,
  COALESCE(d.runs_24h, 0) AS runs_24h,
  COALESCE(d.successes_24h, 0) AS successes_24h,
  COALESCE(d.failures_24h, 0) AS failures_24h,
  COALESCE(d.unexpected_failures_24h, 0) AS unexpected_failures_24h,
  COALESCE(d.partial_24h, 0) AS partial_24h
FROM scrapers AS s
LEFT JOIN last_success AS l ON l.scraper_name = s.scraper_name
LEFT JOIN recent_error AS e ON e.scraper_name = s.scraper_name
LEFT JOIN day AS d ON d.scraper_name = s.scraper_name
ORDER BY s.scraper_name
