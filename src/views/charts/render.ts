// A chart's Vega-Lite spec to PNG bytes, on the server and without a browser: Vega-Lite compiles the spec,
// Vega draws it as SVG (text measured by Vega's own estimate, no canvas), resvg rasterizes the SVG with the
// one font the package ships (@expo-google-fonts/inter's TTFs, OFL-1.1) and never a system font, so the
// same data gives the same bytes on any machine. The libraries load on the first chart: a process that
// draws none (most command runs, the CLI) never pays for them.
import { createRequire } from 'node:module';
import { CHART_FONT, type ChartImage } from './spec.js';

/** Pixels per chart unit: Slack shows thread images scaled down, so 2× stays sharp on high-DPI screens. */
export const CHART_SCALE = 2;

const FONT_FILES = [
  '@expo-google-fonts/inter/400Regular/Inter_400Regular.ttf',
  '@expo-google-fonts/inter/700Bold/Inter_700Bold.ttf',
];

let fontPaths: string[] | undefined;
function shippedFonts(): string[] {
  if (!fontPaths) {
    const require = createRequire(import.meta.url);
    fontPaths = FONT_FILES.map((f) => require.resolve(f));
  }
  return fontPaths;
}

/** The chart's SVG as Vega draws it (the fonts are named, not embedded: resvg supplies them). */
export async function renderChartSvg(chart: Pick<ChartImage, 'spec'>): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(chart.spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG(CHART_SCALE);
  } finally {
    view.finalize();
  }
}

/** The chart as PNG bytes: deterministic for the same spec. */
export async function renderChartPng(chart: Pick<ChartImage, 'spec'>): Promise<Uint8Array> {
  const svg = await renderChartSvg(chart);
  const { Resvg } = await import('@resvg/resvg-js');
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: false, fontFiles: shippedFonts(), defaultFontFamily: CHART_FONT },
    fitTo: { mode: 'original' },
  });
  return new Uint8Array(resvg.render().asPng());
}
