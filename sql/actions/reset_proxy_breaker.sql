-- Reset Breaker (proxy): move one provider → target breaker to HALF_OPEN, so the next request is a trial
-- (success closes it, failure opens it again: the pipeline's own breaker logic,
-- docs/pipeline.md#proxies-and-proxy-breakers).
-- @param proxy_provider STRING
-- @param target_host STRING
-- @param note STRING
-- @param now TIMESTAMP
UPDATE nba_orchestration.proxy_circuit_breaker
SET
  circuit_state = 'HALF_OPEN',
  updated_at = @now,
  notes = IF(notes IS NULL OR notes = '', @note, CONCAT(notes, ' | ', @note))
WHERE proxy_provider = @proxy_provider
  AND target_host = @target_host
  AND circuit_state = 'OPEN'
