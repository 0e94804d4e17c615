-- Retry verification for a processor: its latest finished run for the game date, with the records it created
-- and the records it expected (the retry recovers at a share of those, 50 %:
-- docs/pipeline.md#retry-schedule).
-- @param processor_name STRING
-- @param data_date DATE
SELECT status, records_processed, records_expected
FROM nba_reference.processor_run_history
WHERE processor_name = @processor_name
  AND data_date = @data_date
  AND completed_at IS NOT NULL
QUALIFY ROW_NUMBER() OVER (ORDER BY completed_at DESC, run_id DESC) = 1
