-- source_volume: per source and game date in [@window_start, @report_date], as of @now, the records it
-- brought and what they are counted per; the learning (records per game, from the other dates of the
-- window) is src/jobs/source_volume.ts. Sources (docs/pipeline.md#learned-volume):
--   processor  each phase 3 processor's latest successful run of the date: records_processed, per
--              scheduled game;
--   scraper    each per-game scraper's (@per_game_scrapers, the props) latest successful run: records_scraped,
--              per scheduled game;
--   table      box-score rows of the date (BDL, NBA.com gamebook), per game that has rows (which games are
--              missing is source_discrepancy's and boxscore_completeness's question), or per final game
--              when none has.
-- Exhibition games (@exhibition_season_types) owe nothing and count for nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
-- @param phase3_processors ARRAY<STRING>
-- @param per_game_scrapers ARRAY<STRING>
WITH game_dates AS (
  SELECT game_date, COUNT(*) AS games, COUNTIF(game_status = 3) AS final_games
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND season_type NOT IN UNNEST(@exhibition_season_types)
  GROUP BY game_date
),
processor_runs AS (
  SELECT
    'processor' AS source_kind,
    processor_name AS source,
    data_date AS game_date,
    records_processed AS records,
    completed_at
  FROM nba_reference.processor_run_history
  WHERE phase = 3
    AND data_date BETWEEN @window_start AND @report_date
    AND processor_name IN UNNEST(@phase3_processors)
    AND status = 'success'
    AND completed_at <= @now
  QUALIFY ROW_NUMBER() OVER (PARTITION BY processor_name, data_date ORDER BY completed_at DESC, run_id DESC) = 1
),
scraper_runs AS (
  SELECT
    'scraper' AS source_kind,
    scraper_name AS source,
    target_date AS game_date,
    records_scraped AS records,
    completed_at
  FROM nba_orchestration.phase1_scraper_runs
  WHERE target_date BETWEEN @window_start AND @report_date
    AND scraper_name IN UNNEST(@per_game_scrapers)
    AND status = 'success'
    AND completed_at <= @now
  QUALIFY ROW_NUMBER() OVER (PARTITION BY scraper_name, target_date ORDER BY completed_at DESC, run_id DESC) = 1
),
boxscore_rows AS (
  SELECT 'nba_raw.bdl_player_boxscores' AS source, game_date, COUNT(*) AS records, COUNT(DISTINCT game_id) AS games_with_rows
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
  GROUP BY game_date
  UNION ALL
  SELECT 'nba_raw.nbac_gamebook_player_stats', game_date, COUNT(*), COUNT(DISTINCT game_id)
  FROM nba_raw.nbac_gamebook_player_stats
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
  GROUP BY game_date
),
box_tables AS (
  SELECT 'nba_raw.bdl_player_boxscores' AS source
  UNION ALL
  SELECT 'nba_raw.nbac_gamebook_player_stats'
)
SELECT r.source_kind, r.source, r.game_date, g.games, g.final_games, r.records, g.games AS per_games, r.completed_at
FROM (SELECT * FROM processor_runs UNION ALL SELECT * FROM scraper_runs) AS r
JOIN game_dates AS g ON g.game_date = r.game_date
UNION ALL
SELECT
  'table' AS source_kind,
  t.source,
  g.game_date,
  g.games,
  g.final_games,
  COALESCE(b.records, 0) AS records,
  COALESCE(NULLIF(b.games_with_rows, 0), g.final_games) AS per_games,
  CAST(NULL AS TIMESTAMP) AS completed_at
FROM game_dates AS g
CROSS JOIN box_tables AS t
LEFT JOIN boxscore_rows AS b ON b.game_date = g.game_date AND b.source = t.source
WHERE g.final_games > 0
ORDER BY source_kind, source, game_date
