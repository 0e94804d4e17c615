// Charts render to PNG without a browser or system fonts: a valid PNG of the expected size, small enough for
// a Slack thread, and the same bytes for the same data.
import { describe, expect, it } from 'vitest';
import { hitRateChart } from '../../../src/views/charts/hit-rate.js';
import { CHART_SCALE, renderChartPng, renderChartSvg } from '../../../src/views/charts/render.js';
import { scraperFailuresChart } from '../../../src/views/charts/scraper-failures.js';
import { CHART_FONT, CHART_WIDTH } from '../../../src/views/charts/spec.js';
import { hitRateRows, scraperFailureInput } from './fixtures.js';

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Our own budget for a thread picture, far under Slack's 1 GB file limit: it loads at once on a phone. */
const MAX_PNG_BYTES = 300_000;

/** Width and height from the PNG's IHDR chunk, which must come first. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_MAGIC);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(Buffer.from(png.subarray(12, 16)).toString('ascii')).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const hitRate = hitRateChart({ date: '2026-01-19', system: 'catboost_v8', rows: hitRateRows() });
const failures = scraperFailuresChart(scraperFailureInput());

describe.each([
  ['hit rate', hitRate],
  ['scraper failures', failures],
])('%s chart', (_name, chart) => {
  if (!chart) throw new Error('fixture data should give a chart');

  it('renders a PNG of the chart size at 2x, under the size budget, the same bytes twice', async () => {
    const first = await renderChartPng(chart);
    const second = await renderChartPng(chart);
    const { width, height } = pngSize(first);
    // The plot is CHART_WIDTH wide; axes, legend and padding add to it.
    expect(width).toBeGreaterThan(CHART_WIDTH * CHART_SCALE);
    expect(width).toBeLessThan(CHART_WIDTH * CHART_SCALE * 1.6);
    expect(height).toBeGreaterThan(100 * CHART_SCALE);
    expect(height).toBeLessThan(800);
    expect(first.byteLength).toBeLessThan(MAX_PNG_BYTES);
    expect(Buffer.from(second).equals(Buffer.from(first))).toBe(true);
  });

  it('names only the shipped font', async () => {
    const svg = await renderChartSvg(chart);
    const families = new Set([...svg.matchAll(/font-family="([^"]+)"/g)].map((m) => m[1]));
    expect([...families]).toEqual([CHART_FONT]);
  });

  it('has alt text within Slack limit and a .png filename', () => {
    expect(chart.altText.length).toBeGreaterThan(40);
    expect(chart.altText.length).toBeLessThanOrEqual(1000);
    expect(chart.filename).toMatch(/^[a-z0-9_.-]+\.png$/);
  });
});
