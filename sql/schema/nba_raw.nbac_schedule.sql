-- NBA.com schedule, one row per game. game_status: 1 scheduled, 2 live, 3 final.
-- season_type: Regular Season | NBA Cup | Play-In | Playoffs are the games the pipeline works for (props,
-- predictions, grading, post-game scrapes); Preseason | All-Star | Rising Stars are exhibitions that owe it
-- nothing (no props are made), and the checks leave them out (EXHIBITION_SEASON_TYPES in
-- src/jobs/expectations.ts). Any other value is treated as a game the pipeline works for.
CREATE TABLE IF NOT EXISTS nba_raw.nbac_schedule (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,           -- the game's date in ET
  season_year INT64 NOT NULL,
  season_type STRING NOT NULL,       -- see above: games the pipeline works for, or exhibitions
  game_start_time TIMESTAMP NOT NULL,
  game_status INT64 NOT NULL,
  home_team_tricode STRING NOT NULL,
  away_team_tricode STRING NOT NULL,
  arena_name STRING,
  updated_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id;
