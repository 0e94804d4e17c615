import { z } from 'zod';
import { PIPELINE_SCRAPERS } from './scrapers.js';

/**
 * Check thresholds. Each default and where it comes from: docs/pipeline.md#thresholds. Some can be overridden
 * by environment variables (named below, read in src/config.ts); the others change only here.
 */
export const thresholdsSchema = z.object({
  /** scraper_gaps: unbackfilled failure days in the lookback that raise a finding (GAP_ALERT_THRESHOLD). */
  gapAlertThreshold: z.number().int().positive().default(3),
  gapLookbackDays: z.number().int().positive().default(7),
  /** boxscore_completeness: minimum share of a team's final games with boxscores (BOXSCORE_COVERAGE_MIN). */
  boxscoreCoverageMin: z.number().min(0).max(1).default(0.7),
  boxscoreWindowDays: z.number().int().positive().default(7),
  /**
   * workflow_failures: failure rate over 24 h above which a workflow is a warning / an error
   * (WORKFLOW_FAILURE_WARN / WORKFLOW_FAILURE_ERROR).
   */
  workflowFailureWarn: z.number().min(0).max(1).default(0.1),
  workflowFailureError: z.number().min(0).max(1).default(0.5),
  /** workflow_failures: the window the failure rate is counted over. */
  workflowWindowHours: z.number().positive().default(24),
  /** phase3_completion: minutes after phase 3 completes by which phase 4 must have started. */
  phase4StartGraceMinutes: z.number().int().positive().default(30),
  /** prediction_volume: fewer active predictions on a game date is an error (PREDICTION_VOLUME_MIN). */
  predictionVolumeMin: z.number().int().positive().default(200),
  predictionVolumeExpected: z.number().int().positive().default(280),
  /** data_freshness: hours between the last phase 3 run and the first prediction: warning / error. */
  freshnessWarnHours: z.number().positive().default(12),
  freshnessErrorHours: z.number().positive().default(24),
  /** phase3_data_stale: the date's own phase 3 output older than this when its predictions run is an error. */
  phase3StaleHours: z.number().positive().default(2),
  /** circuit_breakers: an entity lockout longer than this is a configuration regression (error). */
  entityLockoutMaxHours: z.number().positive().default(24),
  /** proxy_breakers: a pair OPEN longer than this is stuck (error); providers in the health metrics this recently serve a target. */
  proxyStuckOpenHours: z.number().positive().default(24),
  proxyHealthWindowHours: z.number().positive().default(24),
  /**
   * grading_accuracy: points below the system's own baseline (warning / error), absolute floor (%), graded
   * picks needed to judge, and the baseline's length in days.
   */
  gradingDegradedPts: z.number().positive().default(5),
  gradingRegressionPts: z.number().positive().default(10),
  gradingFloorPct: z.number().min(0).max(100).default(30),
  gradingMinSample: z.number().int().positive().default(40),
  gradingBaselineDays: z.number().int().positive().default(14),
  /**
   * Hours after a date's last tip-off by which post-game work (phase 3 game summaries, grading) must be done;
   * before that, a final date's missing summaries or grades are still expected gaps.
   */
  postGameDueHours: z.number().positive().default(10),
  /** grading_coverage: graded rows / active predictions for a final date (GRADING_COVERAGE_MIN). */
  gradingCoverageMin: z.number().min(0).max(1).default(0.9),
  /**
   * BigDataBall publishes play-by-play hours to days late: `no_data_yet` is expected for this long after a
   * game (docs/pipeline.md#bigdataball-publishes-late; BDB_GRACE_HOURS).
   */
  bdbGraceHours: z.number().positive().default(48),
  /** Hours after tip-off by which a game is over (a date's games are judged only after its last one is). */
  gameOverHours: z.number().positive().default(3),
  /** source_discrepancy: dates looked back over, and hours after tip-off before BDL missing a game counts. */
  discrepancyLookbackDays: z.number().int().positive().default(7),
  discrepancyGraceHours: z.number().positive().default(6),
  /**
   * source_freshness and source_volume learn what is normal from this many days of history (Elementary's
   * freshness_anomalies and Snowflake's anomaly detection train on about a month too).
   */
  learningDays: z.number().int().min(2).default(28),
  /**
   * source_freshness: the bound on a source's silence is this percentile of its observed gaps times the
   * factor, never under the floor. 0.98 takes in the one long gap a day of up to 50 runs has (an hourly
   * scraper's night); 1.5 leaves room for a late run; 4 h is about the gaps job's interval
   * (docs/pipeline.md#check-schedule), so a tighter bound would not be seen sooner.
   */
  freshnessPercentile: z.number().gt(0).max(1).default(0.98),
  freshnessFactor: z.number().min(1).default(1.5),
  freshnessFloorHours: z.number().positive().default(4),
  /** source_freshness: gaps and days of history a source needs before it is judged (else "learning"). */
  freshnessMinSamples: z.number().int().positive().default(10),
  freshnessMinHistoryDays: z.number().positive().default(7),
  /**
   * source_volume: a successful run (or an owed date's box scores) under this share of its learned records
   * per game is a warning (the pipeline's phase 3 retry rule, docs/pipeline.md#phase-3-processors), judged
   * once the source has this many dates of history.
   */
  volumeMinShare: z.number().gt(0).max(1).default(0.5),
  volumeMinSamples: z.number().int().positive().default(5),
  /** source_freshness: scrapers known even without a run in the window (by default the pipeline's list). */
  freshnessSources: z.array(z.string().min(1)).default([...PIPELINE_SCRAPERS]),
});
export type Thresholds = z.infer<typeof thresholdsSchema>;

export const DEFAULT_THRESHOLDS: Thresholds = thresholdsSchema.parse({});
