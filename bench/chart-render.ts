// Case: chart render. Each chart the bot shares (the grading alerts' 14-day hit rate, the digest's 14-day
// failures and gaps) from its spec to PNG bytes as src/views/charts/render.ts does it (Vega-Lite → Vega →
// SVG → resvg with the shipped font), on the unit tests' fixture data: the first render in the process
// (libraries and font loading included) and the median of the following ones, and the PNG's size.
// Baseline: resvg alone rasterizing the same SVG, the floor of any server-side PNG.
import { Resvg } from '@resvg/resvg-js';
import { hitRateChart } from '../src/views/charts/hit-rate.js';
import { renderChartPng, renderChartSvg } from '../src/views/charts/render.js';
import { scraperFailuresChart } from '../src/views/charts/scraper-failures.js';
import { CHART_FONT, type ChartImage } from '../src/views/charts/spec.js';
import { hitRateRows, scraperFailureInput } from '../test/views/charts/fixtures.js';
import { type BenchResult, fmt, log, median, timeIt } from './lib.js';

const ROUNDS = 15;
/** A chart renders while a job runs: well under a second keeps a run's tail short. */
const WARM_BELOW_MS = 500;
/** Our budget for a thread picture (Slack itself takes files up to 1 GB). */
const MAX_PNG_BYTES = 1_000_000;

export async function benchChartRender(): Promise<BenchResult[]> {
  const charts: [string, ChartImage | undefined][] = [
    ['hit rate', hitRateChart({ date: '2026-01-19', system: 'catboost_v8', rows: hitRateRows() })],
    ['scraper failures', scraperFailuresChart(scraperFailureInput())],
  ];
  const results: BenchResult[] = [];
  for (const [name, chart] of charts) {
    if (!chart) throw new Error(`${name}: the fixture gives no chart`);
    let png: Uint8Array = new Uint8Array();
    const firstMs = await timeIt(async () => {
      png = await renderChartPng(chart);
    });
    const warm: number[] = [];
    for (let i = 0; i < ROUNDS; i++) warm.push(await timeIt(() => renderChartPng(chart)));
    const svg = await renderChartSvg(chart);
    // The same settings but no font files: text is dropped, so this is the rasterization floor.
    const fonts = { loadSystemFonts: false, defaultFontFamily: CHART_FONT };
    const raster: number[] = [];
    for (let i = 0; i < ROUNDS; i++)
      raster.push(await timeIt(async () => new Resvg(svg, { font: fonts }).render().asPng()));
    const measured = median(warm);
    const baseline = median(raster);
    log(
      `  ${name}: first ${fmt(firstMs, 0)} ms, then ${fmt(measured, 0)} ms; resvg alone ${fmt(baseline, 0)} ms; ${png.byteLength} bytes`,
    );
    results.push({
      case: `chart render: ${name}`,
      measured,
      baseline,
      unit: 'ms',
      ratio: measured / baseline,
      below: WARM_BELOW_MS,
      holds: png.byteLength < MAX_PNG_BYTES,
      goal: `< ${WARM_BELOW_MS} ms, PNG < 1 MB`,
      notes: [
        `first render ${fmt(firstMs, 0)} ms${results.length === 0 ? ' (the process loads vega, vega-lite, resvg and the font)' : ''}; PNG ${png.byteLength} bytes`,
      ],
      details: { firstMs, warmMs: warm, rasterMs: raster, pngBytes: png.byteLength },
    });
  }
  return results;
}
