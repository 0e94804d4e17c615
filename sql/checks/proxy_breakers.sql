-- proxy_breakers: the state of every proxy provider → target host breaker as of @now (CLOSED → 3 failures →
-- OPEN → 5 min cooldown → HALF_OPEN, docs/pipeline.md#proxies-and-proxy-breakers). Per pair, the latest row
-- written by @now is the state then. The table normally holds only the current state, so a replay of an
-- earlier @now may find just a row written later: an OPEN or HALF_OPEN one opened by @now was already open
-- then (it has stayed open since), anything else is taken as CLOSED (nothing says otherwise); such a row's
-- counters and times are from later, so they are left out (NULL).
-- `providers_known` counts every provider in the breaker table or in proxy_health_metrics since
-- @health_since: a provider with no breaker row for a target has never tripped there (CLOSED), so
-- "every provider OPEN" is judged against all of them.
-- @param health_since TIMESTAMP
-- @param now TIMESTAMP
WITH ranked AS (
  SELECT
    proxy_provider,
    target_host,
    CASE
      WHEN updated_at <= @now THEN circuit_state
      WHEN circuit_state IN ('OPEN', 'HALF_OPEN') AND opened_at <= @now THEN circuit_state
      ELSE 'CLOSED'
    END AS circuit_state,
    CASE WHEN updated_at <= @now THEN failure_count END AS failure_count,
    CASE WHEN updated_at <= @now THEN last_failure_at END AS last_failure_at,
    CASE WHEN updated_at <= @now THEN last_success_at END AS last_success_at,
    opened_at,
    updated_at
  FROM nba_orchestration.proxy_circuit_breaker
  WHERE TRUE
  QUALIFY ROW_NUMBER() OVER (
    PARTITION BY proxy_provider, target_host
    ORDER BY
      CASE WHEN updated_at <= @now THEN 0 ELSE 1 END,
      CASE WHEN updated_at <= @now THEN updated_at END DESC,
      updated_at
  ) = 1
),
providers AS (
  SELECT proxy_provider FROM ranked
  UNION DISTINCT
  SELECT proxy_provider
  FROM nba_orchestration.proxy_health_metrics
  WHERE metric_hour > @health_since
    AND metric_hour <= @now
)
SELECT
  r.proxy_provider,
  r.target_host,
  r.circuit_state,
  r.failure_count,
  r.last_failure_at,
  r.last_success_at,
  r.opened_at,
  r.updated_at,
  (SELECT COUNT(DISTINCT proxy_provider) FROM providers) AS providers_known
FROM ranked AS r
ORDER BY r.target_host, r.proxy_provider
