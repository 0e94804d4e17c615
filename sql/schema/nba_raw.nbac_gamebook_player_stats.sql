-- NBA.com gamebook, one row per player per game: the reference count of games (docs/pipeline.md#tables).
CREATE TABLE IF NOT EXISTS nba_raw.nbac_gamebook_player_stats (
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  team_abbr STRING NOT NULL,
  player_lookup STRING NOT NULL,
  player_name STRING NOT NULL,
  player_status STRING NOT NULL,     -- active | inactive | dnp
  minutes FLOAT64,
  points INT64,
  rebounds INT64,
  assists INT64,
  processed_at TIMESTAMP NOT NULL
)
PARTITION BY game_date
CLUSTER BY game_id, team_abbr
OPTIONS (require_partition_filter = TRUE);
