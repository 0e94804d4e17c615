// Charts rendered off the bot's heap. Vega, Vega-Lite and resvg add 50-100 MB to a process once loaded and
// never leave it (ES modules do not unload); a digest chart a day is not worth that much resident memory
// (the demo's budget is 300 MB). A compiled build renders each chart in a worker thread that exits with
// its libraries; from TypeScript sources (tests, tsx) there is no compiled worker file to start, and the
// chart renders in this process.
import { Worker } from 'node:worker_threads';
import { renderChartPng } from './render.js';
import type { ChartImage } from './spec.js';

const WORKER = new URL('./render-worker.js', import.meta.url);
const COMPILED = import.meta.url.endsWith('.js');

/** The chart as PNG bytes, rendered in a worker thread of its own when running compiled. */
export async function renderChartPngIsolated(chart: Pick<ChartImage, 'spec'>): Promise<Uint8Array> {
  if (!COMPILED) return renderChartPng(chart);
  const worker = new Worker(WORKER, { workerData: { spec: chart.spec } });
  try {
    return await new Promise<Uint8Array>((resolve, reject) => {
      worker.once('message', (bytes: Uint8Array) => resolve(bytes));
      worker.once('error', reject);
      worker.once('exit', (code) =>
        reject(new Error(`chart worker exited with code ${code} before answering`)),
      );
    });
  } finally {
    await worker.terminate();
  }
}
