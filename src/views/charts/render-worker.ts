// The worker that renders one chart and exits (src/views/charts/isolated.ts starts it): the chart
// libraries load here, and their memory goes with the thread.
import { parentPort, workerData } from 'node:worker_threads';
import { renderChartPng } from './render.js';
import type { ChartImage } from './spec.js';

const bytes = await renderChartPng(workerData as Pick<ChartImage, 'spec'>);
parentPort?.postMessage(bytes);
