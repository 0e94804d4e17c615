-- Graded predictions after games are final (docs/pipeline.md#predictions-and-grading).
CREATE TABLE IF NOT EXISTS nba_predictions.prediction_accuracy (
  prediction_id STRING NOT NULL,
  system_id STRING NOT NULL,
  player_lookup STRING NOT NULL,
  game_id STRING NOT NULL,
  game_date DATE NOT NULL,
  prop_type STRING NOT NULL,
  line_value FLOAT64,
  predicted_value FLOAT64 NOT NULL,
  actual_value FLOAT64,
  recommendation STRING NOT NULL,
  prediction_correct BOOL,
  absolute_error FLOAT64,
  graded_at TIMESTAMP
)
PARTITION BY game_date
CLUSTER BY system_id
OPTIONS (require_partition_filter = TRUE);
