// Every check by name, and the scheduled jobs that run them. Check and job names are part of the
// interface (CLI, config, Slack): rename nothing here without a migration.
import { boxscoreCompletenessCheck } from './boxscore_completeness.js';
import type { Check } from './check.js';
import { circuitBreakersCheck } from './circuit_breakers.js';
import { dataFreshnessCheck } from './data_freshness.js';
import { gradingAccuracyCheck } from './grading_accuracy.js';
import { gradingCoverageCheck } from './grading_coverage.js';
import { phase3CompletionCheck } from './phase3_completion.js';
import { phase3DataStaleCheck } from './phase3_data_stale.js';
import { predictionDuplicatesCheck } from './prediction_duplicates.js';
import { predictionVolumeCheck } from './prediction_volume.js';
import { proxyBreakersCheck } from './proxy_breakers.js';
import { scraperGapsCheck } from './scraper_gaps.js';
import { sourceDiscrepancyCheck } from './source_discrepancy.js';
import { sourceFreshnessCheck } from './source_freshness.js';
import { sourceVolumeCheck } from './source_volume.js';
import { workflowFailuresCheck } from './workflow_failures.js';

/** Each check keeps its own row type; the registry only needs to run them (rows never leave a check). */
const asAny = <Row>(check: Check<Row>) => check as unknown as Check<unknown>;

/** Every registered check, in the order `check all` runs them. */
export const ALL_CHECKS: readonly Check<unknown>[] = [
  asAny(phase3CompletionCheck),
  asAny(predictionVolumeCheck),
  asAny(predictionDuplicatesCheck),
  asAny(dataFreshnessCheck),
  asAny(phase3DataStaleCheck),
  asAny(gradingAccuracyCheck),
  asAny(gradingCoverageCheck),
  asAny(scraperGapsCheck),
  asAny(sourceDiscrepancyCheck),
  asAny(boxscoreCompletenessCheck),
  asAny(workflowFailuresCheck),
  asAny(circuitBreakersCheck),
  asAny(proxyBreakersCheck),
  asAny(sourceFreshnessCheck),
  asAny(sourceVolumeCheck),
];

export function findCheck(name: string): Check<unknown> | undefined {
  return ALL_CHECKS.find((c) => c.name === name);
}

/** The scheduled jobs, each a group of checks run together on its own ET cron. */
export type JobName = 'gaps' | 'completeness' | 'health' | 'grading' | 'digest';

/** Each job's cron expressions (ET), as configured (SCHEDULE_* variables; defaults below). */
export type Schedules = Readonly<Record<JobName, readonly string[]>>;

export interface JobSpec {
  readonly name: JobName;
  readonly description: string;
  /** Check names, in run order. */
  readonly checks: readonly string[];
  /** Cron expressions (ET) used when config does not override them: the SCHEDULE_* variables' defaults. */
  readonly defaultCron: readonly string[];
}

/**
 * The scheduled jobs. Every job checks the ET date of its run time (`runJob`). Grading looks back on its
 * own: grading_accuracy and grading_coverage cover [date − 1, date], and today's games are not final in
 * the morning, so the 07:00 and 11:00 runs judge the previous day's slate (graded overnight); `check
 * --date D` for a past D shows D − 1's grading the same way. Why each time: docs/pipeline.md#check-schedule
 * (chosen with the season replay's detection delays).
 */
export const JOBS: Readonly<Record<JobName, JobSpec>> = {
  gaps: {
    name: 'gaps',
    description: 'Scraper gaps, source discrepancies, open breakers and workflow failures',
    checks: [
      'scraper_gaps',
      'source_discrepancy',
      'circuit_breakers',
      'proxy_breakers',
      'workflow_failures',
      'source_freshness',
    ],
    // After the night's first and second post-game windows (02:00, 04:00), after the morning's first runs
    // (06:00), at the team's morning check (09:00), then every 4 h with the pipeline's own gap backfiller.
    defaultCron: ['30 2 * * *', '0 0,4,7,9,12,16,20 * * *'],
  },
  completeness: {
    name: 'completeness',
    description: 'Boxscore completeness after the overnight collection',
    checks: ['boxscore_completeness'],
    defaultCron: ['0 6 * * *'],
  },
  health: {
    name: 'health',
    description: 'Phase 3, prediction volume and duplicates, data freshness',
    checks: [
      'phase3_completion',
      'prediction_volume',
      'prediction_duplicates',
      'data_freshness',
      'phase3_data_stale',
      'source_volume',
    ],
    defaultCron: ['0 9 * * *', '15 14 * * *'],
  },
  grading: {
    name: 'grading',
    description: "Grading accuracy and coverage of the previous day's slate",
    checks: ['grading_accuracy', 'grading_coverage'],
    // 07:00: most slates are graded by then; 11:00: the late ones (postGameDueHours after the last tip).
    defaultCron: ['0 7 * * *', '0 11 * * *'],
  },
  digest: {
    name: 'digest',
    description: 'The daily digest (runs no checks of its own)',
    checks: [],
    defaultCron: ['0 7 * * *'],
  },
};

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** The job's checks, in the job's order. */
export function jobChecks(job: JobName): Check<unknown>[] {
  return JOBS[job].checks.flatMap((name) => {
    const check = findCheck(name);
    // A misspelt name in JOBS would otherwise drop a check from its schedule without a word.
    if (!check) throw new Error(`job ${job} names unknown check ${name}`);
    return [check];
  });
}

/** The job's cron expressions: config's when it sets them, else the job's defaults. */
export function jobCron(job: JobName, schedules?: Partial<Schedules>): readonly string[] {
  const configured = schedules?.[job];
  return configured && configured.length > 0 ? configured : JOBS[job].defaultCron;
}
