-- source_freshness: every sign of life of every watched source over the training window, each hour's last
-- activity, plus the game dates of the window and the week after it. The
-- learning is src/jobs/freshness-model.ts; this query only fetches timestamps, as of @now: one row per
-- source with its hours' last activity in order (one array, not a row per hour: a month of hourly rows
-- is thousands of rows a run), and one `schedule` row whose array holds the game dates (midnight UTC).
-- A sign of life is any run, whatever its outcome (a failing source is loud: scraper_gaps and
-- workflow_failures judge it); `last_success_at` is the source's last successful run, for the alert.
-- Sources (docs/pipeline.md#tables): each scraper in phase1_scraper_runs; each phase 3-5 processor started
-- by the scheduler (a run triggered by its upstream, Pub/Sub or a retry, follows its upstream's silence,
-- which is that source's finding); and each table written on a cadence, by its write timestamp. Left out:
-- tables written only when something goes wrong or changes state (scraper_failures, reprocess_attempts,
-- proxy_circuit_breaker), the schedule (its scraper nbac_schedule is watched), and the scrape logs
-- (scrape_events, workflow_executions: the union of every scraper's and workflow's runs, watched one by one,
-- whose nights differ between game days and off-days).
-- Partition filters on both sides: @partition_start is the window's first date less a week (post-game and
-- late-published data is written days after its date), @partition_end the report date plus a week.
-- @param since TIMESTAMP
-- @param now TIMESTAMP
-- @param partition_start DATE
-- @param partition_end DATE
-- @param exhibition_season_types ARRAY<STRING>
WITH activity AS (
  SELECT
    'scraper' AS source_kind,
    scraper_name AS source,
    started_at AS active_at,
    CASE WHEN status = 'success' AND completed_at <= @now THEN completed_at END AS success_at
  FROM nba_orchestration.phase1_scraper_runs
  WHERE target_date BETWEEN @partition_start AND @partition_end
    AND started_at >= @since
    AND started_at <= @now
  UNION ALL
  SELECT
    'processor',
    processor_name,
    started_at,
    CASE WHEN status = 'success' AND completed_at <= @now THEN completed_at END
  FROM nba_reference.processor_run_history
  WHERE data_date BETWEEN @partition_start AND @partition_end
    AND trigger_source = 'scheduler'
    AND started_at >= @since
    AND started_at <= @now
  UNION ALL
  SELECT 'table', 'nba_orchestration.proxy_health_metrics', metric_hour, metric_hour
  FROM nba_orchestration.proxy_health_metrics
  WHERE DATE(metric_hour) BETWEEN @partition_start AND @partition_end
    AND metric_hour >= @since
    AND metric_hour <= @now
  UNION ALL
  SELECT 'table', 'nba_raw.nbac_gamebook_player_stats', processed_at, processed_at
  FROM nba_raw.nbac_gamebook_player_stats
  WHERE game_date BETWEEN @partition_start AND @partition_end
    AND processed_at >= @since
    AND processed_at <= @now
  UNION ALL
  SELECT 'table', 'nba_raw.bdl_player_boxscores', processed_at, processed_at
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @partition_start AND @partition_end
    AND processed_at >= @since
    AND processed_at <= @now
  UNION ALL
  SELECT 'table', 'nba_predictions.player_prop_predictions', created_at, created_at
  FROM nba_predictions.player_prop_predictions
  WHERE game_date BETWEEN @partition_start AND @partition_end
    AND created_at >= @since
    AND created_at <= @now
  UNION ALL
  SELECT 'table', 'nba_predictions.prediction_accuracy', graded_at, graded_at
  FROM nba_predictions.prediction_accuracy
  WHERE game_date BETWEEN @partition_start AND @partition_end
    AND graded_at >= @since
    AND graded_at <= @now
),
buckets AS (
  SELECT source_kind, source, MAX(active_at) AS active_at, MAX(success_at) AS success_at
  FROM activity
  GROUP BY source_kind, source, TIMESTAMP_TRUNC(active_at, HOUR)
),
game_dates AS (
  SELECT DISTINCT game_date
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @partition_start AND @partition_end
    AND season_type NOT IN UNNEST(@exhibition_season_types)
)
SELECT
  source_kind,
  source,
  ARRAY_AGG(active_at ORDER BY active_at) AS active_ats,
  MAX(success_at) AS last_success_at
FROM buckets
GROUP BY source_kind, source
UNION ALL
SELECT
  'schedule' AS source_kind,
  'nba_raw.nbac_schedule' AS source,
  ARRAY_AGG(TIMESTAMP(game_date) ORDER BY game_date) AS active_ats,
  CAST(NULL AS TIMESTAMP) AS last_success_at
FROM game_dates
-- Without a game date there is no schedule row (not one with a NULL array).
HAVING COUNT(*) > 0
