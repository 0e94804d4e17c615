// The pipeline's moving parts as the simulator models them: scrapers, workflows, processors, prediction
// systems, proxies. Names are the pipeline team's (docs/pipeline.md), so checks and recovery see real names.
import { PHASE3_CRITICAL, PHASE3_OPTIONAL } from '../jobs/phase3.js';
import { PIPELINE_SCRAPERS } from '../jobs/scrapers.js';

/** The pipeline's scrapers (src/jobs/scrapers.ts), which the simulator runs. */
export const SCRAPERS = PIPELINE_SCRAPERS;
export type ScraperName = (typeof SCRAPERS)[number];

/** Scrapers that work on a finished game date (collected after the games, the night after). */
export const POST_GAME_SCRAPERS: readonly ScraperName[] = [
  'bdl_box_scores',
  'bdl_games',
  'bdl_player_box_scores',
  'nbac_gamebook',
];

export interface WorkflowSpec {
  readonly name: string;
  /** ET hours (0-23) the workflow runs on its game date; > 23 means the next morning. */
  readonly hours: readonly number[];
  readonly scrapers: readonly ScraperName[];
  /** Runs on off-days too (the schedule is checked every day). */
  readonly daily: boolean;
}

/**
 * Run counts per day follow the pipeline's 2025-12-31 runs (injury 16, referee 18, betting lines 10,
 * schedule dependency 9), so that night's failure rates can be replayed exactly
 * (docs/pipeline.md#new-years-eve-rate-limit-storm).
 */
export const WORKFLOWS: readonly WorkflowSpec[] = [
  {
    name: 'schedule_dependency',
    hours: [6, 8, 10, 12, 14, 16, 18, 20, 22],
    scrapers: ['nbac_schedule'],
    daily: true,
  },
  {
    name: 'injury_discovery',
    hours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
    scrapers: ['nbac_injury_report'],
    daily: false,
  },
  {
    name: 'referee_discovery',
    hours: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23],
    scrapers: ['nbac_referee_assignments'],
    daily: false,
  },
  {
    name: 'betting_lines',
    hours: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    scrapers: ['bp_events', 'bp_player_props', 'odds_api_lines'],
    daily: false,
  },
  // The night after: 02:00, 04:00 and 06:00 ET of the next day (late West-coast games end near 01:00).
  { name: 'post_game_window_1', hours: [26], scrapers: POST_GAME_SCRAPERS, daily: false },
  { name: 'post_game_window_2', hours: [28], scrapers: POST_GAME_SCRAPERS, daily: false },
  { name: 'post_game_window_3', hours: [30], scrapers: POST_GAME_SCRAPERS, daily: false },
];

/** Phase 3 processors: the pipeline's own list (src/jobs/phase3.ts), which the simulator runs. */
export { PHASE3_CRITICAL, PHASE3_OPTIONAL };
export const PHASE4 = [
  'player_daily_cache',
  'player_composite_factors',
  'player_shot_zone_analysis',
  'team_defense_zone_analysis',
  'ml_feature_store',
] as const;
export const PHASE2 = [
  'nbac_schedule_processor',
  'nbac_gamebook_processor',
  'bdl_boxscores_processor',
  'bdl_player_box_scores_processor',
  'bp_player_props_processor',
  'odds_api_props_processor',
] as const;
export const PHASE5 = ['prediction_coordinator', 'prediction_grading'] as const;
export const PROCESSORS: readonly string[] = [
  ...PHASE2,
  ...PHASE3_CRITICAL,
  ...PHASE3_OPTIONAL,
  ...PHASE4,
  ...PHASE5,
];

export function phaseOf(processor: string): 2 | 3 | 4 | 5 | undefined {
  if ((PHASE2 as readonly string[]).includes(processor)) return 2;
  if ((PHASE3_CRITICAL as readonly string[]).includes(processor)) return 3;
  if ((PHASE3_OPTIONAL as readonly string[]).includes(processor)) return 3;
  if ((PHASE4 as readonly string[]).includes(processor)) return 4;
  if ((PHASE5 as readonly string[]).includes(processor)) return 5;
  return undefined;
}

/** Prediction systems and their usual hit rate on OVER/UNDER picks (the 55-60 % a props model lives at). */
export const SYSTEMS = [
  { id: 'moving_average_baseline', hitRate: 0.55 },
  { id: 'zone_matchup_v1', hitRate: 0.565 },
  { id: 'similarity_balanced_v1', hitRate: 0.575 },
  { id: 'ensemble_v1', hitRate: 0.6 },
] as const;
export const PROP_TYPES = ['points', 'rebounds', 'assists'] as const;

export const PROXY_PROVIDERS = ['proxyfuel', 'decodo'] as const;
export const PROXY_TARGETS = ['bettingpros.com', 'nba.com', 'stats.nba.com'] as const;
