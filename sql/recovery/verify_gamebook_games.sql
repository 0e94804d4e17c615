-- Retry verification for NBA.com gamebooks: of the date's final games on the schedule, how many have
-- gamebook rows.
-- @param game_date DATE
WITH final_games AS (
  SELECT game_id
  FROM nba_raw.nbac_schedule
  WHERE game_date = @game_date AND game_status = 3
),
gamebook_games AS (
  SELECT DISTINCT game_id
  FROM nba_raw.nbac_gamebook_player_stats
  WHERE game_date = @game_date
)
SELECT
  COUNTIF(b.game_id IS NOT NULL) AS received,
  COUNT(*) AS expected
FROM final_games AS g
LEFT JOIN gamebook_games AS b ON b.game_id = g.game_id
