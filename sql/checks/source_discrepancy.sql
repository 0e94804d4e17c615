-- source_discrepancy: for each date in [window_start, report_date], every final game NBA.com's gamebook has
-- as of @now, and whether balldontlie has box score rows for each of its two teams (matched by date and team,
-- so BDL's own game ids do not matter), plus BDL's distinct game count for the date (as in "BDL returned 4
-- games but NBAC has 9", docs/pipeline.md#bdl-missing-games). The evaluator waits a grace after tip-off
-- before judging a game.
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
WITH gamebook_games AS (
  SELECT DISTINCT game_id, game_date
  FROM nba_raw.nbac_gamebook_player_stats
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
),
final_games AS (
  SELECT s.game_date, s.game_id, s.home_team_tricode, s.away_team_tricode, s.game_start_time
  FROM nba_raw.nbac_schedule AS s
  JOIN gamebook_games AS g ON g.game_id = s.game_id AND g.game_date = s.game_date
  WHERE s.game_date BETWEEN @window_start AND @report_date
    AND s.game_status = 3
    AND s.season_type NOT IN UNNEST(@exhibition_season_types)
),
bdl_teams AS (
  SELECT DISTINCT game_date, team_abbr
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
),
bdl_counts AS (
  SELECT game_date, COUNT(DISTINCT game_id) AS bdl_games
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
  GROUP BY game_date
)
SELECT
  f.game_date,
  f.game_id,
  f.home_team_tricode AS home_team,
  f.away_team_tricode AS away_team,
  f.game_start_time AS tip_at,
  h.team_abbr IS NOT NULL AS bdl_home,
  a.team_abbr IS NOT NULL AS bdl_away,
  COALESCE(c.bdl_games, 0) AS bdl_games
FROM final_games AS f
LEFT JOIN bdl_teams AS h ON h.game_date = f.game_date AND h.team_abbr = f.home_team_tricode
LEFT JOIN bdl_teams AS a ON a.game_date = f.game_date AND a.team_abbr = f.away_team_tricode
LEFT JOIN bdl_counts AS c ON c.game_date = f.game_date
ORDER BY f.game_date, f.game_id
