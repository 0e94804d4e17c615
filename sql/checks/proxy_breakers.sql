-- proxy_breakers: the state of every proxy provider → target host breaker as of @now (CLOSED → 3 failures →
-- OPEN → 5 min cooldown → HALF_OPEN, docs/pipeline.md#proxies-and-proxy-breakers). Per pair, the latest row
-- written by @now is the state then. The table normally holds only the current state, so a replay of an
-- earlier @now may find just a row written later: an OPEN or HALF_OPEN one opened by @now was already open
-- then (it has stayed open since), anything else is taken as CLOSED (nothing says otherwise); such a row's
-- counters and times are from later, so they are left out (NULL).
-- `providers_known` counts, per target, the providers that serve it: those with a breaker row for the
-- target or requests to it in proxy_health_metrics since @health_since. One with requests but no breaker
-- row has never tripped there (CLOSED), so "every provider OPEN" is judged against all of them; a provider
-- that only ever served other hosts does not count for this one.
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
serving AS (
  SELECT target_host, proxy_provider FROM ranked
  UNION DISTINCT
  SELECT target_host, proxy_provider
  FROM nba_orchestration.proxy_health_metrics
  WHERE metric_hour > @health_since
    AND metric_hour <= @now
),
providers AS (
  SELECT target_host, COUNT(*) AS providers_known
  FROM serving
  GROUP BY target_host
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
  p.providers_known
FROM ranked AS r
JOIN providers AS p ON p.target_host = r.target_host
ORDER BY r.target_host, r.proxy_provider
