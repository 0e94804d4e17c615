-- Reset Breaker (entity): clear one processor's tripped entity breakers so the next run processes them again.
-- An empty entity_ids list means every tripped entity of the processor. The note (who, why, when) is appended
-- to the row's notes, so the pipeline team's own history stays readable.
-- [since, through] are the analysis dates the circuit_breakers check looks at (breakerWindow in
-- src/jobs/circuit_breakers.ts): a reset clears the breakers an operator can see and no older row, and BigQuery
-- scans those partitions only (the table requires a partition filter, sql/schema).
-- @param processor_name STRING
-- @param entity_ids ARRAY<STRING>
-- @param note STRING
-- @param since DATE
-- @param through DATE
UPDATE nba_orchestration.reprocess_attempts
SET
  circuit_breaker_tripped = FALSE,
  circuit_breaker_until = NULL,
  notes = IF(notes IS NULL OR notes = '', @note, CONCAT(notes, ' | ', @note))
WHERE analysis_date BETWEEN @since AND @through
  AND processor_name = @processor_name
  AND circuit_breaker_tripped
  AND (ARRAY_LENGTH(@entity_ids) = 0 OR entity_id IN UNNEST(@entity_ids))
