-- phase3_completion: for each game date in [window_start, report_date], every phase 3 processor's runs as
-- of @now (a run counts only once it had completed by then), plus when phase 4 first started for the date.
-- Dates without games have no schedule rows and so produce no rows: nothing is expected of them.
-- The processors and their tiers come as @critical_processors / @optional_processors (src/jobs/phase3.ts,
-- docs/pipeline.md#phase-3-processors).
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
-- @param critical_processors ARRAY<STRING>
-- @param optional_processors ARRAY<STRING>
WITH game_dates AS (
  SELECT
    game_date,
    COUNT(*) AS games,
    COUNTIF(game_status = 3) AS final_games,
    MAX(game_start_time) AS last_tip_at
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND season_type NOT IN UNNEST(@exhibition_season_types)
  GROUP BY game_date
),
processors AS (
  SELECT processor_name, 'critical' AS tier FROM UNNEST(@critical_processors) AS processor_name
  UNION ALL
  SELECT processor_name, 'optional' AS tier FROM UNNEST(@optional_processors) AS processor_name
),
runs AS (
  SELECT
    run_id,
    processor_name,
    data_date,
    started_at,
    -- As seen at @now: a run that had not finished yet was still running, whatever it became later.
    CASE WHEN completed_at IS NOT NULL AND completed_at <= @now THEN status ELSE 'running' END AS status_then,
    CASE WHEN completed_at IS NOT NULL AND completed_at <= @now THEN completed_at END AS completed_then,
    records_processed,
    records_expected,
    error_message
  FROM nba_reference.processor_run_history
  WHERE phase = 3
    AND data_date BETWEEN @window_start AND @report_date
    AND started_at <= @now
),
run_totals AS (
  SELECT
    data_date,
    processor_name,
    COUNT(*) AS attempts,
    COUNTIF(status_then = 'success') AS successes,
    MIN(CASE WHEN status_then = 'success' THEN completed_then END) AS first_success_at
  FROM runs
  GROUP BY data_date, processor_name
),
last_runs AS (
  SELECT
    data_date,
    processor_name,
    started_at AS last_started_at,
    status_then AS last_status,
    records_processed AS last_records_processed,
    records_expected AS last_records_expected,
    error_message AS last_error
  FROM runs
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (PARTITION BY data_date, processor_name ORDER BY started_at DESC, run_id DESC) = 1
),
phase4 AS (
  SELECT data_date, MIN(started_at) AS phase4_started_at
  FROM nba_reference.processor_run_history
  WHERE phase = 4
    AND data_date BETWEEN @window_start AND @report_date
    AND started_at <= @now
  GROUP BY data_date
)
SELECT
  g.game_date,
  g.games,
  g.final_games,
  g.last_tip_at,
  p.processor_name,
  p.tier,
  COALESCE(t.attempts, 0) AS attempts,
  COALESCE(t.successes, 0) AS successes,
  t.first_success_at,
  l.last_started_at,
  l.last_status,
  l.last_records_processed,
  l.last_records_expected,
  l.last_error,
  f.phase4_started_at
FROM game_dates AS g
CROSS JOIN processors AS p
LEFT JOIN run_totals AS t ON t.data_date = g.game_date AND t.processor_name = p.processor_name
LEFT JOIN last_runs AS l ON l.data_date = g.game_date AND l.processor_name = p.processor_name
LEFT JOIN phase4 AS f ON f.data_date = g.game_date
ORDER BY g.game_date, p.tier, p.processor_name
