-- Reset Breaker (entity): clear one processor's tripped entity breakers so the next run processes them again.
-- An empty entity_ids list means every tripped entity of the processor. The note (who, why, when) is appended
-- to the row's notes, so the pipeline team's own history stays readable.
-- @param processor_name STRING
-- @param entity_ids ARRAY<STRING>
-- @param note STRING
UPDATE nba_orchestration.reprocess_attempts
SET
  circuit_breaker_tripped = FALSE,
  circuit_breaker_until = NULL,
  notes = IF(notes IS NULL OR notes = '', @note, CONCAT(notes, ' | ', @note))
WHERE processor_name = @processor_name
  AND circuit_breaker_tripped
  AND (ARRAY_LENGTH(@entity_ids) = 0 OR entity_id IN UNNEST(@entity_ids))
