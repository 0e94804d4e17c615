// The grading alerts' picture: each prediction system's OVER/UNDER hit rate per game date over the last
// 14 days, the alert's day marked, so a dip reads as a dip against the system's own recent days
// (docs/pipeline.md#thresholds: a system is judged against its own baseline).
import { addDays, lookbackStart } from '../../jobs/time.js';
import {
  BASE_CONFIG,
  CHART_HEIGHT,
  CHART_WIDTH,
  type ChartImage,
  type ChartLabels,
  dayLabel,
  fitAltText,
  safeFilename,
} from './spec.js';

export const HIT_RATE_DAYS = 14;

/** One row of sql/checks/grading_accuracy.sql: graded OVER/UNDER picks of a system on a date. */
export interface HitRateRow {
  readonly game_date: string;
  readonly system_id: string;
  readonly graded: number;
  readonly correct: number;
}

export interface HitRateInput {
  /** The alert's game date: the chart's last day, marked. */
  readonly date: string;
  /** The system the alert is about (drawn strong, the others faded); all alike when absent. */
  readonly system?: string;
  readonly rows: readonly HitRateRow[];
}

const pct1 = (correct: number, graded: number) => Math.round((correct / graded) * 1000) / 10;

/** The hit-rate chart's file name and title for an alert's date (and system). */
export function hitRateLabels(date: string, system?: string): ChartLabels {
  return {
    filename: safeFilename(`hit-rate-${system ?? 'all-systems'}-${date}.png`),
    title: `Hit rate by system, ${dayLabel(lookbackStart(date, HIT_RATE_DAYS))} – ${dayLabel(date)}`,
  };
}

/** The 14-day hit-rate chart, or undefined when nothing was graded in the window (nothing to look at). */
export function hitRateChart(input: HitRateInput): ChartImage | undefined {
  const first = lookbackStart(input.date, HIT_RATE_DAYS);
  const days = Array.from({ length: HIT_RATE_DAYS }, (_, i) => addDays(first, i));
  const rows = input.rows
    .filter((r) => r.game_date >= first && r.game_date <= input.date && r.graded > 0)
    .sort((a, b) => a.game_date.localeCompare(b.game_date) || a.system_id.localeCompare(b.system_id));
  if (rows.length === 0) return undefined;
  const values = rows.map((r) => ({
    day: dayLabel(r.game_date),
    system: r.system_id,
    rate: pct1(r.correct, r.graded),
    picks: r.graded,
    // The alert's system strong, the others faded (a value Vega uses as is: no scale).
    opacity: input.system === undefined || r.system_id === input.system ? 1 : 0.3,
  }));
  const marked = dayLabel(input.date);
  const x = {
    field: 'day',
    type: 'ordinal',
    title: null,
    scale: { domain: days.map(dayLabel) },
    axis: { labelAngle: 0, labelOverlap: 'parity' },
  } as const;
  return {
    ...hitRateLabels(input.date, input.system),
    altText: altText(input, rows),
    spec: {
      ...BASE_CONFIG,
      width: CHART_WIDTH,
      height: CHART_HEIGHT,
      title: {
        text: 'OVER/UNDER hit rate by system, last 14 days',
        subtitle: `dashed line: ${marked}, the day this alert is about`,
      },
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x,
            y: {
              field: 'rate',
              type: 'quantitative',
              title: 'hit rate %',
              scale: { zero: false, nice: true },
            },
            color: {
              field: 'system',
              type: 'nominal',
              title: null,
              legend: { orient: 'right', labelLimit: 260 },
            },
            opacity: { field: 'opacity', type: 'quantitative', scale: null },
          },
        },
        {
          data: { values: [{ day: marked }] },
          mark: { type: 'rule', color: '#c0392b', strokeDash: [4, 3], strokeWidth: 1.5 },
          encoding: { x },
        },
      ],
    },
  };
}

/** Each system's rate on the marked day against its 14-day rate, in words. */
function altText(input: HitRateInput, rows: readonly HitRateRow[]): string {
  const systems = [...new Set(rows.map((r) => r.system_id))];
  const parts = systems.map((system) => {
    const own = rows.filter((r) => r.system_id === system);
    const sum = (list: readonly HitRateRow[], f: 'graded' | 'correct') => list.reduce((s, r) => s + r[f], 0);
    const day = own.find((r) => r.game_date === input.date);
    const onDay = day
      ? `${pct1(day.correct, day.graded)} % on ${input.date}`
      : `nothing graded on ${input.date}`;
    return `${system}: ${onDay}, ${pct1(sum(own, 'correct'), sum(own, 'graded'))} % over the 14 days`;
  });
  return fitAltText(
    `Line chart of OVER/UNDER hit rate per system, 14 days to ${input.date}. ${parts.join('; ')}.`,
  );
}
