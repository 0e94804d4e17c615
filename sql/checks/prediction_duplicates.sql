-- prediction_duplicates: (player, game date, prop, system) keys with more than one active row on
-- @report_date as of @now. Pub/Sub redelivery plus WRITE_APPEND in the prediction worker appends copies (seed 002).
-- @param report_date DATE
-- @param now TIMESTAMP
SELECT
  system_id,
  player_lookup,
  prop_type,
  COUNT(*) AS copies
FROM nba_predictions.player_prop_predictions
WHERE game_date = @report_date
  AND is_active = TRUE
  AND created_at <= @now
GROUP BY system_id, player_lookup, prop_type
HAVING COUNT(*) > 1
ORDER BY copies DESC, system_id, player_lookup, prop_type
