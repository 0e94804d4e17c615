-- scraper_gaps: every (scraper, date) in [window_start, report_date] that failed and was not backfilled as
-- of @now, with the date's schedule so the evaluator can tell expected gaps (no games; `no_data_yet`
-- until the games are over plus the source's grace) from real ones.
-- A failure day comes from the gap backfiller's table or a failed scrape event (docs/pipeline.md#tables); it
-- is backfilled when the backfiller marked it so, or when a later successful run for that date exists.
-- `partial` scrapes are not gaps: source_discrepancy reports missing games.
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
WITH failures AS (
  SELECT
    scraper_name,
    game_date,
    first_failed_at AS failed_at,
    last_failed_at AS last_at,
    error_type,
    error_message,
    'backfiller' AS source,
    retry_count + 1 AS attempts,
    backfilled AND (backfilled_at IS NULL OR backfilled_at <= @now) AS marked_backfilled
  FROM nba_orchestration.scraper_failures
  WHERE game_date BETWEEN @window_start AND @report_date
    AND first_failed_at <= @now
  UNION ALL
  SELECT
    scraper_name,
    target_date AS game_date,
    started_at AS failed_at,
    started_at AS last_at,
    error_type,
    error_message,
    'event' AS source,
    1 AS attempts,
    FALSE AS marked_backfilled
  FROM nba_monitoring.scrape_events
  WHERE target_date BETWEEN @window_start AND @report_date
    AND status = 'failed'
    AND started_at <= @now
),
failure_days AS (
  SELECT
    scraper_name,
    game_date,
    MIN(failed_at) AS first_failed_at,
    MAX(last_at) AS last_failed_at,
    -- The backfiller's row and the event log record the same failures: the larger count, not the sum.
    GREATEST(
      COALESCE(SUM(CASE WHEN source = 'backfiller' THEN attempts END), 0),
      COUNTIF(source = 'event')
    ) AS attempts,
    COUNTIF(marked_backfilled) AS marked_backfilled
  FROM failures
  GROUP BY scraper_name, game_date
),
latest_errors AS (
  SELECT scraper_name, game_date, error_type, error_message
  FROM failures
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY scraper_name, game_date ORDER BY last_at DESC, error_type) = 1
),
successes AS (
  SELECT scraper_name, target_date AS game_date, started_at
  FROM nba_monitoring.scrape_events
  WHERE target_date BETWEEN @window_start AND @report_date
    AND status = 'success'
    AND COALESCE(completed_at, started_at) <= @now
  UNION ALL
  SELECT scraper_name, target_date AS game_date, started_at
  FROM nba_orchestration.phase1_scraper_runs
  WHERE target_date BETWEEN @window_start AND @report_date
    AND status = 'success'
    AND COALESCE(completed_at, started_at) <= @now
),
schedule AS (
  SELECT game_date, COUNT(*) AS games, MAX(game_start_time) AS last_tip_at
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND season_type NOT IN UNNEST(@exhibition_season_types)
  GROUP BY game_date
)
SELECT
  d.scraper_name,
  d.game_date,
  COALESCE(s.games, 0) AS games,
  s.last_tip_at,
  d.first_failed_at,
  d.last_failed_at,
  d.attempts,
  e.error_type,
  e.error_message
FROM failure_days AS d
LEFT JOIN latest_errors AS e ON e.scraper_name = d.scraper_name AND e.game_date = d.game_date
LEFT JOIN schedule AS s ON s.game_date = d.game_date
WHERE d.marked_backfilled = 0
  AND NOT EXISTS (
    SELECT 1
    FROM successes AS ok
    WHERE ok.scraper_name = d.scraper_name
      AND ok.game_date = d.game_date
      AND ok.started_at >= d.first_failed_at
  )
ORDER BY d.scraper_name, d.game_date
