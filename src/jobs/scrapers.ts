// The pipeline's scrapers, as docs/pipeline.md#sources-and-scrapers lists them (the names are the pipeline
// team's). The warehouse says which of them ran: /scrape-status reads the scrape logs of its window, where a
// scraper that did not run (an off-day, a source with nothing to publish) has no row; this list is how the
// bot still knows it is a scraper, not a typo. One list for every reader: the dashboard and the simulator.

export const PIPELINE_SCRAPERS = [
  'bdl_box_scores',
  'bdl_games',
  'bdl_player_box_scores',
  'nbac_gamebook',
  'nbac_schedule',
  'nbac_injury_report',
  'nbac_referee_assignments',
  'bp_events',
  'bp_player_props',
  'odds_api_lines',
  'bdb_pbp',
] as const;
