// `npm run bench`: each case measures a user-felt figure against a baseline taken in the same run,
// prints one table and writes bench/results.json. Not part of `npm test` (timing depends on the machine).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAckLatency } from './ack-latency.js';
import { benchAlertStorm } from './alert-storm.js';
import { benchChartRender } from './chart-render.js';
import { benchCheckSuite } from './check-suite.js';
import { benchFootprint } from './footprint.js';
import { type CaseOutcome, formatTable, isSkipped, log, passes } from './lib.js';
import { benchRetryThroughput, FULL_ITEMS } from './retry-throughput.js';
import { benchSeasonReplay } from './season-replay.js';
import { benchWarehouseWork } from './warehouse-work.js';

/** `npm run bench -- --full`: the full target counts where the default run scales down (slow, minutes). */
const FULL = process.argv.includes('--full');

type Case = { readonly name: string; run(): Promise<CaseOutcome[]> };

/** In order of value to users, which is the order of the README's table. */
const CASES: readonly Case[] = [
  { name: 'season replay', run: benchSeasonReplay },
  { name: 'check suite', run: benchCheckSuite },
  { name: 'warehouse work', run: benchWarehouseWork },
  { name: 'alert storm', run: benchAlertStorm },
  {
    name: 'retry throughput',
    run: () => benchRetryThroughput(FULL ? { items: FULL_ITEMS, budgetMs: Number.POSITIVE_INFINITY } : {}),
  },
  { name: 'ack latency', run: benchAckLatency },
  { name: 'chart render', run: benchChartRender },
  { name: 'footprint', run: benchFootprint },
];

/**
 * The order they run in: retry throughput first, so the RSS it samples starts from a fresh process rather
 * than from the garbage of the check suite's four simulated seasons.
 */
const RUN_ORDER = [
  'retry throughput',
  'check suite',
  'season replay',
  'warehouse work',
  'alert storm',
  'ack latency',
  'chart render',
  'footprint',
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const byCase = new Map<string, CaseOutcome[]>();
  const started = performance.now();
  // Ratios cancel a slow machine, not a busy one: record how loaded it was (other processes share the cores).
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  log(`node ${process.version}, ${cpus().length} cores, load average ${loadBefore}`);
  const toRun = RUN_ORDER.map((name) => CASES.find((c) => c.name === name)).filter((c) => c !== undefined);
  for (const c of toRun) {
    if (only.length > 0 && !only.some((o) => c.name.includes(o))) continue;
    log(`# ${c.name}`);
    const t = performance.now();
    try {
      byCase.set(c.name, await c.run());
    } catch (error) {
      // One broken case must not hide the others' figures.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  ${c.name} FAILED: ${message}`);
      byCase.set(c.name, [{ case: c.name, skipped: `error: ${String(error).slice(0, 200)}` }]);
    }
    log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  const outcomes = CASES.flatMap((c) => byCase.get(c.name) ?? []);
  log('');
  log(formatTable(outcomes));
  for (const o of outcomes) {
    if (!isSkipped(o)) for (const note of o.notes ?? []) log(`  ${o.case}: ${note}`);
  }
  const total = (performance.now() - started) / 1000;
  const loadAfter = load();
  log(`\nbench done in ${total.toFixed(1)} s; load average before ${loadBefore}, after ${loadAfter}`);
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results.json');
  writeFileSync(
    out,
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        node: process.version,
        seconds: total,
        cores: cpus().length,
        loadAverage: { before: loadBefore, after: loadAfter },
        results: outcomes.map((o) => (isSkipped(o) ? o : { ...o, pass: passes(o) })),
      },
      null,
      2,
    )}\n`,
  );
  log(`wrote ${out}`);
}

await main();
