-- proxy_breakers: the state of every proxy provider → target host breaker as of @now (seed 003: CLOSED →
-- 3 failures → OPEN → 5 min cooldown → HALF_OPEN). The table holds the current state per pair; should it
-- keep history, the latest row written by @now is the state then. `providers_known` counts every provider
-- seen in the breaker table or in proxy_health_metrics since @health_since: a provider with no
-- breaker row for a target has never tripped there (CLOSED), so "every provider OPEN" is judged against it.
-- @param health_since TIMESTAMP
-- @param now TIMESTAMP
WITH latest AS (
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
),
providers AS (
  SELECT proxy_provider FROM latest
  UNION DISTINCT
  SELECT proxy_provider
  FROM nba_orchestration.proxy_health_metrics
  WHERE metric_hour > @health_since
    AND metric_hour <= @now
)
SELECT
  l.proxy_provider,
  l.target_host,
  l.circuit_state,
  l.failure_count,
  l.last_failure_at,
  l.last_success_at,
  l.opened_at,
  l.updated_at,
  (SELECT COUNT(DISTINCT proxy_provider) FROM providers) AS providers_known
FROM latest AS l
ORDER BY l.target_host, l.proxy_provider
