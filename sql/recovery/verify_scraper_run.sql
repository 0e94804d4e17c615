-- Retry verification for any other scraper: its latest finished run for the target date.
-- @param scraper_name STRING
-- @param target_date DATE
SELECT status, records_scraped
FROM nba_orchestration.phase1_scraper_runs
WHERE scraper_name = @scraper_name
  AND target_date = @target_date
  AND completed_at IS NOT NULL
QUALIFY ROW_NUMBER() OVER (ORDER BY completed_at DESC, run_id DESC) = 1
