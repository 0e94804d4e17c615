// What the charts read from the warehouse, as of a time (a replay "as of" a past run sees what it would have
// seen then). The hit rates are the grading_accuracy check's own query and the gaps the scraper_gaps check's,
// so a chart never disagrees with the alert or the digest it sits under.
import { z } from 'zod';
import { EXHIBITION_SEASON_TYPES } from '../jobs/expectations.js';
import { gradingAccuracyCheck } from '../jobs/grading_accuracy.js';
import { scraperGapsCheck } from '../jobs/scraper_gaps.js';
import { lookbackStart } from '../jobs/time.js';
import type { ConfigOf, Services } from '../services.js';
import { HIT_RATE_DAYS, type HitRateRow } from '../views/charts/hit-rate.js';
import { FAILURE_DAYS, type ScraperFailuresInput } from '../views/charts/scraper-failures.js';
import { defineQuery } from '../warehouse/port.js';
import { realGaps } from './rules.js';

export const scraperFailuresDailyQuery = defineQuery(
  'charts/scraper_failures_daily.sql',
  z.object({ scraper_name: z.string(), game_date: z.string(), failures: z.number().int() }),
);

/** Graded OVER/UNDER picks per system and game date over the 14 days to `date`, as of `now`. */
export async function hitRates(
  deps: Pick<Services, 'warehouse'>,
  date: string,
  now: Date,
): Promise<HitRateRow[]> {
  const rows = await deps.warehouse.query(gradingAccuracyCheck.query, {
    baseline_start: lookbackStart(date, HIT_RATE_DAYS),
    report_date: date,
    now,
  });
  return rows.map((r) => ({
    game_date: r.game_date,
    system_id: r.system_id,
    graded: r.graded,
    correct: r.correct,
  }));
}

/** Failed scrapes and real gaps (expected ones left out) per scraper over the 14 days to `date`, as of `now`. */
export async function scraperFailures(
  deps: Pick<Services, 'warehouse'> & ConfigOf<'thresholds'>,
  date: string,
  now: Date,
): Promise<ScraperFailuresInput> {
  const window = { window_start: lookbackStart(date, FAILURE_DAYS), report_date: date, now };
  const [failures, gaps] = await Promise.all([
    deps.warehouse.query(scraperFailuresDailyQuery, window),
    deps.warehouse.query(scraperGapsCheck.query, {
      ...window,
      exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
    }),
  ]);
  return { date, failures, gaps: realGaps(gaps, now, date, deps.config.thresholds) };
}
