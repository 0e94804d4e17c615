-- Props predictions, one row per (player, game, prop, system); retries can append copies
-- (docs/pipeline.md#duplicate-predictions).
CREATE TABLE IF NOT EXISTS nba_predictions.player_prop_predictions (
  prediction_id STRING NOT NULL,
  system_id STRING NOT NULL,
  player_lookup STRING NOT NULL,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  prop_type STRING NOT NULL,         -- points | rebounds | assists
  line_value FLOAT64,
  predicted_value FLOAT64 NOT NULL,
  recommendation STRING NOT NULL,    -- OVER | UNDER | PASS
  confidence_score FLOAT64,
  is_active BOOL NOT NULL,
  created_at TIMESTAMP NOT NULL,
  updated_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY system_id, player_lookup
OPTIONS (require_partition_filter = TRUE);
