-- circuit_breakers: entity breakers active at @now (tripped, lockout not yet over; the pipeline's
-- reprocess_attempts), each with whether its upstream data has arrived since it tripped: balldontlie box
-- score rows for the player (or the team, for team processors) on or before its analysis date, processed
-- after the last attempt and by @now. Those are the auto-reset candidates the pipeline team asked for
-- (docs/pipeline.md#entity-circuit-breakers); data that was already there when it tripped did not help then
-- and is no reason now. [since, through] bounds the partitions read: lockouts last 24 h (7 days before
-- 2025-12-29), and the upcoming-context processors work a day ahead. The breaker row's notes come along for
-- /breakers, which reads this same query (src/dashboard/data.ts).
-- @param since DATE
-- @param through DATE
-- @param now TIMESTAMP
WITH active AS (
  SELECT
    processor_name,
    entity_id,
    analysis_date,
    attempt_count,
    completeness_pct,
    skip_reason,
    circuit_breaker_until,
    last_attempt_at,
    notes
  FROM nba_orchestration.reprocess_attempts
  WHERE analysis_date BETWEEN @since AND @through
    AND circuit_breaker_tripped
    AND circuit_breaker_until > @now
    AND last_attempt_at <= @now
),
arrivals AS (
  SELECT player_lookup AS entity_id, game_date, MAX(processed_at) AS processed_at
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @since AND @through
    AND processed_at <= @now
  GROUP BY player_lookup, game_date
  UNION ALL
  SELECT team_abbr AS entity_id, game_date, MAX(processed_at) AS processed_at
  FROM nba_raw.bdl_player_boxscores
  WHERE game_date BETWEEN @since AND @through
    AND processed_at <= @now
  GROUP BY team_abbr, game_date
),
ready AS (
  SELECT a.processor_name, a.entity_id, a.analysis_date
  FROM active AS a
  JOIN arrivals AS r
    ON r.entity_id = a.entity_id
    AND r.game_date <= a.analysis_date
    AND r.processed_at > a.last_attempt_at
  GROUP BY a.processor_name, a.entity_id, a.analysis_date
)
SELECT
  a.processor_name,
  a.entity_id,
  a.analysis_date,
  a.attempt_count,
  a.completeness_pct,
  a.skip_reason,
  a.circuit_breaker_until,
  a.last_attempt_at,
  r.entity_id IS NOT NULL AS upstream_ready,
  a.notes
FROM active AS a
LEFT JOIN ready AS r
  ON r.processor_name = a.processor_name
  AND r.entity_id = a.entity_id
  AND r.analysis_date = a.analysis_date
ORDER BY a.processor_name, a.entity_id, a.analysis_date
