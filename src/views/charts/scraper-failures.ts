// The digest's picture: failed scrapes per scraper and target date over the last 14 days, with the days
// still missing (a real gap: failed and not backfilled, docs/pipeline.md#tables) outlined, so a scraper
// that keeps failing, and whether its failures left holes, is seen at a glance.
import { addDays, lookbackStart } from '../../jobs/time.js';
import { BASE_CONFIG, CHART_WIDTH, type ChartImage, type ChartLabels, dayLabel, fitAltText } from './spec.js';

export const FAILURE_DAYS = 14;
/** Rows beyond this are the quietest scrapers: the alt text still counts them. */
export const MAX_SCRAPERS = 12;
const ROW_HEIGHT = 20;

/** Failed scrapes of one scraper for one target date (sql/charts/scraper_failures_daily.sql). */
export interface ScraperFailureDay {
  readonly scraper_name: string;
  readonly game_date: string;
  readonly failures: number;
}

/** A real gap: the scraper's date failed and was not backfilled (sql/checks/scraper_gaps.sql). */
export interface ScraperGapDay {
  readonly scraper_name: string;
  readonly game_date: string;
}

export interface ScraperFailuresInput {
  /** The digest's date: the chart's last day. */
  readonly date: string;
  readonly failures: readonly ScraperFailureDay[];
  readonly gaps: readonly ScraperGapDay[];
}

interface ScraperTotals {
  readonly scraper: string;
  readonly failures: number;
  readonly gapDays: number;
}

/** The failures chart's file name and title for a digest's date. */
export function scraperFailuresLabels(date: string): ChartLabels {
  return {
    filename: `scraper-failures-${date}.png`,
    title: `Scraper failures and gaps, ${dayLabel(lookbackStart(date, FAILURE_DAYS))} – ${dayLabel(date)}`,
  };
}

/** The 14-day failures-and-gaps chart, or undefined when no scraper failed in the window. */
export function scraperFailuresChart(input: ScraperFailuresInput): ChartImage | undefined {
  const first = lookbackStart(input.date, FAILURE_DAYS);
  const days = Array.from({ length: FAILURE_DAYS }, (_, i) => addDays(first, i));
  const inWindow = (d: { game_date: string }) => d.game_date >= first && d.game_date <= input.date;
  const failures = input.failures.filter((f) => inWindow(f) && f.failures > 0);
  const gaps = input.gaps.filter(inWindow);
  const totals = scraperTotals(failures, gaps);
  if (totals.length === 0) return undefined;
  const shown = totals.slice(0, MAX_SCRAPERS);
  const names = shown.map((t) => t.scraper);
  const isShown = (d: { scraper_name: string }) => names.includes(d.scraper_name);
  const x = {
    field: 'day',
    type: 'ordinal',
    title: null,
    scale: { domain: days.map(dayLabel) },
    axis: { labelAngle: 0, labelOverlap: 'parity', grid: false },
  } as const;
  const y = {
    field: 'scraper',
    type: 'nominal',
    title: null,
    scale: { domain: names },
    // Scraper names are long (nbac_player_boxscores): shown whole, not cut at Vega's default 180 px.
    axis: { grid: false, labelLimit: 260 },
  } as const;
  return {
    ...scraperFailuresLabels(input.date),
    altText: altText(input.date, totals, shown.length),
    spec: {
      ...BASE_CONFIG,
      width: CHART_WIDTH,
      height: ROW_HEIGHT * shown.length,
      title: {
        text: 'Failed scrapes per scraper and target date, last 14 days',
        subtitle: 'darker: more failed runs · blue outline: a gap, failed and not backfilled',
      },
      layer: [
        {
          data: { values: days.flatMap((d) => names.map((scraper) => ({ day: dayLabel(d), scraper }))) },
          mark: { type: 'rect', fill: '#f4f4f4', stroke: 'white', strokeWidth: 1 },
          encoding: { x, y },
        },
        {
          data: {
            values: failures
              .filter(isShown)
              .map((f) => ({ day: dayLabel(f.game_date), scraper: f.scraper_name, failures: f.failures })),
          },
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            x,
            y,
            color: {
              field: 'failures',
              type: 'quantitative',
              title: 'failed runs',
              scale: { scheme: 'oranges', domainMin: 0 },
              // No taller than the grid, so a chart of two scrapers stays two rows high.
              legend: { orient: 'right', gradientLength: Math.max(40, ROW_HEIGHT * shown.length) },
            },
          },
        },
        {
          data: {
            values: gaps
              .filter(isShown)
              .map((g) => ({ day: dayLabel(g.game_date), scraper: g.scraper_name })),
          },
          mark: { type: 'rect', fillOpacity: 0, stroke: '#1f4e9c', strokeWidth: 2.5 },
          encoding: { x, y },
        },
      ],
    },
  };
}

/** Scrapers with a failure or a gap in the window, most failed runs first (then most gap days, then name). */
function scraperTotals(
  failures: readonly ScraperFailureDay[],
  gaps: readonly ScraperGapDay[],
): ScraperTotals[] {
  const names = [...new Set([...failures, ...gaps].map((d) => d.scraper_name))];
  return names
    .map((scraper) => ({
      scraper,
      failures: failures.filter((f) => f.scraper_name === scraper).reduce((s, f) => s + f.failures, 0),
      gapDays: new Set(gaps.filter((g) => g.scraper_name === scraper).map((g) => g.game_date)).size,
    }))
    .sort((a, b) => b.failures - a.failures || b.gapDays - a.gapDays || a.scraper.localeCompare(b.scraper));
}

function altText(date: string, totals: readonly ScraperTotals[], shown: number): string {
  const parts = totals.map(
    (t) =>
      `${t.scraper} ${t.failures} failed run${t.failures === 1 ? '' : 's'}, ${t.gapDays} gap day${t.gapDays === 1 ? '' : 's'}`,
  );
  const hidden = totals.length > shown ? ` The chart shows the ${shown} with the most failures.` : '';
  return fitAltText(
    `Grid of failed scrapes per scraper and target date, 14 days to ${date}, gaps outlined. ${parts.join('; ')}.${hidden}`,
  );
}
