// The phase 3 processors the checks expect for every game date, and their tier, as the pipeline team
// configures them (PHASE3_TO_PHASE4_CONFIG, docs/pipeline.md#phase-3-processors): the critical ones build
// the upcoming-game context the morning's predictions read; the optional ones summarize finished games.
// One list for every reader: the checks pass it to their SQL as parameters, the dashboard's phase light
// and the simulator read it here.

export const PHASE3_CRITICAL = ['upcoming_player_game_context', 'upcoming_team_game_context'] as const;
export const PHASE3_OPTIONAL = [
  'player_game_summary',
  'team_defense_game_summary',
  'team_offense_game_summary',
] as const;

/** The tiers as query parameters (`@critical_processors`, `@optional_processors`). */
export const phase3Params = () => ({
  critical_processors: [...PHASE3_CRITICAL],
  optional_processors: [...PHASE3_OPTIONAL],
});
