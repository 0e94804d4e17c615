-- prediction_duplicates: (system, player, game, prop, line) keys with more than one active row on
-- @report_date as of @now. Pub/Sub redelivery plus WRITE_APPEND in the prediction worker appends exact copies
-- (docs/pipeline.md#duplicate-predictions); a re-prediction after the line moved has another line and is not
-- a copy.
-- @param report_date DATE
-- @param now TIMESTAMP
SELECT
  system_id,
  player_lookup,
  game_id,
  prop_type,
  line_value,
  COUNT(*) AS copies
FROM nba_predictions.player_prop_predictions
WHERE game_date = @report_date
  AND is_active = TRUE
  AND created_at <= @now
GROUP BY system_id, player_lookup, game_id, prop_type, line_value
HAVING COUNT(*) > 1
ORDER BY copies DESC, system_id, player_lookup, game_id, prop_type, line_value
