-- proxy_breakers: the state of every proxy provider → target host breaker as of @now (seed 003: CLOSED →
-- 3 failures → OPEN → 5 min cooldown → HALF_OPEN). The table holds the current state per pair; should it
-- keep history, the latest row written by @now is the state then. CLOSED pairs come back too, so the
-- evaluator can tell when every provider of a target is open.
-- @param now TIMESTAMP
SELECT
  proxy_provider,
  target_host,
  circuit_state,
  failure_count,
  last_failure_at,
  last_success_at,
  opened_at,
  updated_at
FROM nba_orchestration.proxy_circuit_breaker
WHERE updated_at <= @now
QUALIFY ROW_NUMBER() OVER (PARTITION BY proxy_provider, target_host ORDER BY updated_at DESC) = 1
ORDER BY target_host, proxy_provider
