// What every chart shares: the picture's size and type, and the look of its Vega-Lite spec. Charts are pure
// builders (rows in, a spec and words out); src/views/charts/render.ts turns a spec into PNG bytes.
import type { TopLevelSpec } from 'vega-lite';

/** A chart's file name and title: known before its data is read (an upload is announced with them). */
export interface ChartLabels {
  readonly filename: string;
  readonly title: string;
}

/** A chart ready to render and upload: the spec, its labels and the words for who can't see it. */
export interface ChartImage extends ChartLabels {
  /** Alt text: what the chart shows, in words (Slack caps it at 1000 characters). */
  readonly altText: string;
  readonly spec: TopLevelSpec;
}

/** The one font charts use, shipped with the package (render.ts loads it and no system font). */
export const CHART_FONT = 'Inter';

/** Slack's limit on an image's alt text (files.getUploadURLExternal: alt_txt_too_large). */
export const ALT_TEXT_MAX = 1000;

export const CHART_WIDTH = 560;
export const CHART_HEIGHT = 220;

/** Plot size, white background, the shipped font everywhere, no chart border: a small thread picture. */
export const BASE_CONFIG = {
  background: 'white',
  padding: 12,
  config: {
    font: CHART_FONT,
    view: { stroke: null },
    axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', grid: true, gridColor: '#eee' },
    legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal' },
    title: { fontSize: 14, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  },
} as const;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * "Jan 6" for 2026-01-06. Days are shown as labels of their own (an ordinal axis), never as instants, so
 * a chart does not depend on the machine's time zone.
 */
export function dayLabel(isoDate: string): string {
  const [, month, day] = isoDate.split('-');
  return `${MONTHS[Number(month) - 1] ?? month} ${Number(day)}`;
}

/** A file name Slack and any file system take: lower case letters, digits, '.', '_' and '-'. */
export function safeFilename(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-');
}

/** Alt text within Slack's limit: cut at the last whole sentence part that fits, with an ellipsis. */
export function fitAltText(text: string): string {
  if (text.length <= ALT_TEXT_MAX) return text;
  const cut = text.slice(0, ALT_TEXT_MAX - 1);
  const lastBreak = Math.max(cut.lastIndexOf('; '), cut.lastIndexOf('. '));
  return `${lastBreak > 0 ? cut.slice(0, lastBreak) : cut}…`;
}
