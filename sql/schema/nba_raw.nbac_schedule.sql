-- NBA.com schedule, one row per game. game_status: 1 scheduled, 2 live, 3 final.
CREATE TABLE IF NOT EXISTS nba_raw.nbac_schedule (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,           -- the game's date in ET
  season_year INT64 NOT NULL,
  season_type STRING NOT NULL,       -- Regular Season | NBA Cup | Play-In | Playoffs
  game_start_time TIMESTAMP NOT NULL,
  game_status INT64 NOT NULL,
  home_team_tricode STRING NOT NULL,
  away_team_tricode STRING NOT NULL,
  arena_name STRING,
  updated_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id;
