import { z } from 'zod';
import { defineQuery } from '../warehouse/port.js';
import { type CheckContext, defineCheck } from './check.js';
import { EXHIBITION_SEASON_TYPES } from './expectations.js';
import { type Finding, findingKey } from './finding.js';
import {
  amount,
  count,
  counted,
  date,
  list,
  listFact,
  numFact,
  type Presentation,
  strFact,
  text,
  time,
} from './presentation.js';
import type { Thresholds } from './thresholds.js';
import { dayLabel, hours, lookbackStart, wholeHours } from './time.js';

const NAME = 'scraper_gaps';

const row = z.object({
  scraper_name: z.string(),
  game_date: z.string(),
  /** Games scheduled that date (0: an off-day, nothing to scrape). */
  games: z.number().int(),
  last_tip_at: z.date().nullable(),
  first_failed_at: z.date(),
  last_failed_at: z.date(),
  attempts: z.number().int(),
  error_type: z.string().nullable(),
  error_message: z.string().nullable(),
});
export type ScraperGapsRow = z.infer<typeof row>;

/** Most recent errors shown: enough to see a pattern, few enough for one alert. */
const RECENT_ERRORS = 3;

/**
 * Hours after a game ends during which the source may legitimately answer "no data yet". BigDataBall
 * publishes play-by-play hours to days late (docs/pipeline.md#bigdataball-publishes-late); other sources
 * publish at the final buzzer.
 */
export function sourceGraceHours(scraper: string, thresholds: Thresholds): number {
  return scraper.startsWith('bdb_') ? thresholds.bdbGraceHours : 0;
}

/**
 * Why a failure day is not (yet) a gap, or undefined when it is one. Expected: a date without games (a
 * source may be legitimately empty on an off-day), and `no_data_yet` until the date's games are over plus
 * the source's grace. Any other failure counts at once, even on a date whose games are still to come:
 * pre-game scrapers (props, injuries) fail for today, and that is a real gap.
 */
export function expectedGapReason(r: ScraperGapsRow, ctx: CheckContext): string | undefined {
  if (r.games === 0 || r.last_tip_at === null) return 'no_games';
  if (r.error_type !== 'no_data_yet') return undefined;
  const overAt = r.last_tip_at.getTime() + hours(ctx.thresholds.gameOverHours);
  const graceMs = hours(sourceGraceHours(r.scraper_name, ctx.thresholds));
  return ctx.now.getTime() < overAt + graceMs ? 'no_data_yet' : undefined;
}

const errorLine = (r: ScraperGapsRow) =>
  `${r.game_date}: ${[r.error_type, r.error_message].filter(Boolean).join(': ') || 'no error recorded'}`.slice(
    0,
    300,
  );

function gapFinding(scraper: string, gaps: ScraperGapsRow[], waiting: number, ctx: CheckContext): Finding {
  const dates = gaps.map((g) => g.game_date).sort();
  const oldest = dates[0] as string;
  const newest = dates[dates.length - 1] as string;
  const recent = [...gaps]
    .sort((a, b) => b.last_failed_at.getTime() - a.last_failed_at.getTime())
    .slice(0, RECENT_ERRORS);
  return {
    check: NAME,
    key: findingKey(NAME, scraper),
    severity: 'error',
    title: `${scraper} has unbackfilled gaps on ${gaps.length} of the last ${ctx.thresholds.gapLookbackDays} days: ${dates.join(', ')}`,
    subject: { scraper },
    facts: {
      scraper,
      gap_days: gaps.length,
      threshold: ctx.thresholds.gapAlertThreshold,
      oldest_gap: oldest,
      newest_gap: newest,
      gap_dates: dates,
      attempts: gaps.reduce((sum, g) => sum + g.attempts, 0),
      last_failed_at: recent[0]?.last_failed_at.toISOString() ?? null,
      recent_errors: recent.map(errorLine),
      expected_gaps: waiting,
    },
    actions: [
      { kind: 'backfill', scraper, from: oldest, until: newest },
      { kind: 'retry', scraper, date: newest },
    ],
  };
}

/**
 * A source that publishes late (one with a grace window) whose file for a date is still missing once the
 * grace is over: that date is a problem on its own, whatever the scraper's other days, keyed by source
 * and date. It still counts as one gap day toward the scraper's threshold as well.
 */
function overdueFileFinding(r: ScraperGapsRow, ctx: CheckContext): Finding | undefined {
  const graceHours = sourceGraceHours(r.scraper_name, ctx.thresholds);
  if (graceHours === 0 || r.error_type !== 'no_data_yet' || r.last_tip_at === null) return undefined;
  if (expectedGapReason(r, ctx) !== undefined) return undefined;
  const overAt = r.last_tip_at.getTime() + hours(ctx.thresholds.gameOverHours);
  const hoursMissing = wholeHours(ctx.now.getTime() - overAt);
  return {
    check: NAME,
    key: findingKey(NAME, r.scraper_name, r.game_date),
    severity: 'warning',
    title: `${r.scraper_name} has no data for ${r.game_date} ${hoursMissing} h after the games (grace ${graceHours} h)`,
    subject: { scraper: r.scraper_name, date: r.game_date },
    facts: {
      scraper: r.scraper_name,
      date: r.game_date,
      games: r.games,
      hours_since_games_over: hoursMissing,
      grace_hours: graceHours,
      attempts: r.attempts,
      last_failed_at: r.last_failed_at.toISOString(),
      last_error: errorLine(r),
    },
    actions: [{ kind: 'retry', scraper: r.scraper_name, date: r.game_date }],
  };
}

/**
 * One finding per scraper with at least the threshold of real gap days (GAP_ALERT_THRESHOLD, 3 by default)
 * among the last `gapLookbackDays` dates, the checked date included.
 */
export function evaluateScraperGaps(rows: readonly ScraperGapsRow[], ctx: CheckContext): Finding[] {
  const byScraper = new Map<string, { gaps: ScraperGapsRow[]; waiting: number }>();
  for (const r of rows) {
    const entry = byScraper.get(r.scraper_name) ?? { gaps: [], waiting: 0 };
    if (expectedGapReason(r, ctx) === undefined) entry.gaps.push(r);
    else entry.waiting += 1;
    byScraper.set(r.scraper_name, entry);
  }
  const scrapers = [...byScraper.entries()]
    .filter(([, e]) => e.gaps.length >= ctx.thresholds.gapAlertThreshold)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([scraper, e]) => gapFinding(scraper, e.gaps, e.waiting, ctx));
  const overdue = [...rows]
    .sort((a, b) => a.scraper_name.localeCompare(b.scraper_name) || a.game_date.localeCompare(b.game_date))
    .flatMap((r) => overdueFileFinding(r, ctx) ?? []);
  return [...scrapers, ...overdue];
}

/** The two shapes: a scraper's gap days in the lookback, or one late file past its source's grace. */
const presentation: Presentation = {
  summary: (f) => {
    const scraper = strFact(f, 'scraper') ?? '?';
    const overdue = numFact(f, 'hours_since_games_over');
    if (overdue !== undefined) {
      return `${scraper} still has no data for ${dayLabel(strFact(f, 'date') ?? '?')}, ${overdue} h after the games ended, past its ${numFact(f, 'grace_hours') ?? '?'} h grace.`;
    }
    const dates = (listFact(f, 'gap_dates') ?? []).map(dayLabel);
    return `${scraper} failed without a backfill on ${counted(numFact(f, 'gap_days'), 'day')} (${dates.join(', ')}); ${numFact(f, 'threshold') ?? '?'} such days raise this alert.`;
  },
  fields: (f) =>
    numFact(f, 'hours_since_games_over') !== undefined
      ? [
          date('Game date', strFact(f, 'date')),
          amount('Missing for', numFact(f, 'hours_since_games_over'), 'h after the games'),
          amount('Grace', numFact(f, 'grace_hours'), 'h'),
          time('Last failure', strFact(f, 'last_failed_at')),
          text('Last error', strFact(f, 'last_error')),
        ]
      : [
          count('Gap days', numFact(f, 'gap_days'), undefined, 'days'),
          list('Dates', listFact(f, 'gap_dates')?.map(dayLabel)),
          time('Last failure', strFact(f, 'last_failed_at')),
          text('Latest error', listFact(f, 'recent_errors')?.[0]),
          count('Attempts', numFact(f, 'attempts'), undefined, 'runs'),
        ],
};

export const scraperGapsCheck = defineCheck({
  name: NAME,
  description:
    'Scrapers with unbackfilled failure days in the lookback (expected gaps excluded); late files past their grace',
  query: defineQuery(`checks/${NAME}.sql`, row),
  params: (ctx) => ({
    window_start: lookbackStart(ctx.date, ctx.thresholds.gapLookbackDays),
    report_date: ctx.date,
    now: ctx.now,
    exhibition_season_types: [...EXHIBITION_SEASON_TYPES],
  }),
  evaluate: evaluateScraperGaps,
  presentation,
});
