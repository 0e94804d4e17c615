-- status/data_window: how many rows the pipeline's tables hold for the dates [window_start, report_date]
-- (timestamped tables: from @since to @now; the proxy breaker table holds current state: any row written by
-- @now). `shotclock check` refuses a warehouse where this is 0: "no findings" there would only mean "no data".
-- @param window_start DATE
-- @param report_date DATE
-- @param since TIMESTAMP
-- @param now TIMESTAMP
SELECT
  (SELECT COUNT(*) FROM nba_raw.nbac_schedule WHERE game_date BETWEEN @window_start AND @report_date)
  + (SELECT COUNT(*) FROM nba_raw.nbac_gamebook_player_stats WHERE game_date BETWEEN @window_start AND @report_date)
  + (SELECT COUNT(*) FROM nba_raw.bdl_player_boxscores WHERE game_date BETWEEN @window_start AND @report_date)
  + (SELECT COUNT(*) FROM nba_monitoring.scrape_events WHERE target_date BETWEEN @window_start AND @report_date)
  + (
    SELECT COUNT(*)
    FROM nba_orchestration.phase1_scraper_runs
    WHERE target_date BETWEEN @window_start AND @report_date
  )
  + (
    SELECT COUNT(*)
    FROM nba_orchestration.scraper_failures
    WHERE game_date BETWEEN @window_start AND @report_date
  )
  + (
    SELECT COUNT(*)
    FROM nba_orchestration.workflow_executions
    WHERE execution_time BETWEEN @since AND @now
  )
  + (SELECT COUNT(*) FROM nba_orchestration.proxy_circuit_breaker WHERE updated_at <= @now)
  + (SELECT COUNT(*) FROM nba_orchestration.proxy_health_metrics WHERE metric_hour BETWEEN @since AND @now)
  + (
    SELECT COUNT(*)
    FROM nba_orchestration.reprocess_attempts
    WHERE analysis_date BETWEEN @window_start AND @report_date
  )
  + (
    SELECT COUNT(*)
    FROM nba_reference.processor_run_history
    WHERE data_date BETWEEN @window_start AND @report_date
  )
  + (
    SELECT COUNT(*)
    FROM nba_predictions.player_prop_predictions
    WHERE game_date BETWEEN @window_start AND @report_date
  )
  + (
    SELECT COUNT(*)
    FROM nba_predictions.prediction_accuracy
    WHERE game_date BETWEEN @window_start AND @report_date
  ) AS rows_in_window
