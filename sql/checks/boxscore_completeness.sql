-- boxscore_completeness: every team's final games in [window_start, report_date] whose box scores are owed
-- by @now (dated @due_through or earlier: a date's come in the night after) and whether balldontlie box scores exist for the
-- team on that date as of @now (as the pipeline's own 06:00 completeness check: matched by date and team).
-- Exhibition games (@exhibition_season_types: preseason, All-Star, Rising Stars) owe the pipeline nothing.
-- @param window_start DATE
-- @param report_date DATE
-- @param due_through DATE
-- @param now TIMESTAMP
-- @param exhibition_season_types ARRAY<STRING>
WITH final_games AS (
  SELECT game_id, game_date, home_team_tricode AS team
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND game_status = 3
    AND game_date <= @due_through
    AND season_type NOT IN UNNEST(@exhibition_season_types)
  UNION ALL
  SELECT game_id, game_date, away_team_tricode AS team
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
    AND game_status = 3
    AND game_date <= @due_through
    AND season_type NOT IN UNNEST(@exhibition_season_types)
),
boxscore_teams AS (
  SELECT DISTINCT game_date, team_abbr
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
)
SELECT
  f.team,
  f.game_date,
  f.game_id,
  b.team_abbr IS NOT NULL AS has_boxscore
FROM final_games AS f
LEFT JOIN boxscore_teams AS b ON b.game_date = f.game_date AND b.team_abbr = f.team
ORDER BY f.team, f.game_date, f.game_id
