-- status/game_coverage: every scheduled game in [window_start, report_date] and, as of @now, whether
-- NBA.com's gamebook and balldontlie have player rows for each of its teams (matched by date and team, so
-- BDL's own game ids do not matter, as in checks/source_discrepancy.sql). `due` marks final games that
-- tipped off by @due_before (the caller's grace after tip-off): only those are expected to have data.
-- Feeds the digest's coverage and missing teams and /pipeline-health's phase 2.
-- @param window_start DATE
-- @param report_date DATE
-- @param due_before TIMESTAMP
-- @param now TIMESTAMP
WITH games AS (
  SELECT game_id, game_date, home_team_tricode, away_team_tricode, game_status, game_start_time
  FROM nba_raw.nbac_schedule
  WHERE game_date BETWEEN @window_start AND @report_date
),
gamebook_teams AS (
  SELECT DISTINCT game_date, team_abbr
  FROM nba_raw.nbac_gamebook_player_stats
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
),
bdl_teams AS (
  SELECT DISTINCT game_date, team_abbr
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @window_start AND @report_date
    AND processed_at <= @now
)
SELECT
  g.game_date,
  g.game_id,
  g.home_team_tricode AS home_team,
  g.away_team_tricode AS away_team,
  g.game_status = 3 AND g.game_start_time <= @due_before AS due,
  gh.team_abbr IS NOT NULL AS gamebook_home,
  ga.team_abbr IS NOT NULL AS gamebook_away,
  bh.team_abbr IS NOT NULL AS bdl_home,
  ba.team_abbr IS NOT NULL AS bdl_away
FROM games AS g
LEFT JOIN gamebook_teams AS gh ON gh.game_date = g.game_date AND gh.team_abbr = g.home_team_tricode
LEFT JOIN gamebook_teams AS ga ON ga.game_date = g.game_date AND ga.team_abbr = g.away_team_tricode
LEFT JOIN bdl_teams AS bh ON bh.game_date = g.game_date AND bh.team_abbr = g.home_team_tricode
LEFT JOIN bdl_teams AS ba ON ba.game_date = g.game_date AND ba.team_abbr = g.away_team_tricode
ORDER BY g.game_date, g.game_id
