-- Retry verification for balldontlie box scores: of the date's final games on the NBA.com schedule, how many
-- BDL has rows for (matched by date and home team, so BDL's own game ids do not matter). Recovered when
-- BDL games = NBA.com games (docs/pipeline.md#bdl-missing-games).
-- @param game_date DATE
WITH final_games AS (
  SELECT game_id, home_team_tricode
  FROM nba_raw.nbac_schedule
  WHERE game_date = @game_date AND game_status = 3
),
bdl_teams AS (
  SELECT DISTINCT team_abbr
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date = @game_date
)
SELECT
  COUNTIF(b.team_abbr IS NOT NULL) AS received,
  COUNT(*) AS expected
FROM final_games AS g
LEFT JOIN bdl_teams AS b ON b.team_abbr = g.home_team_tricode
