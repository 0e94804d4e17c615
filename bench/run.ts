// `npm run bench`: each case measures a user-felt figure against a baseline taken in the same run,
// prints one table and writes bench/results.json. Not part of `npm test` (timing depends on the machine).
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAckLatency } from './ack-latency.js';
import { benchAlertStorm } from './alert-storm.js';
import { benchCheckSuite } from './check-suite.js';
import { benchFootprint } from './footprint.js';
import { type CaseOutcome, formatTable, isSkipped, log, passes } from './lib.js';
import { benchRetryThroughput, FULL_ITEMS } from './retry-throughput.js';

/** `npm run bench -- --full`: the full counts where the default run scales down (slow, minutes). */
const FULL = process.argv.includes('--full');

type Case = { readonly name: string; run(): Promise<CaseOutcome[]> };

const CASES: readonly Case[] = [
  { name: 'check suite', run: benchCheckSuite },
  { name: 'alert storm', run: benchAlertStorm },
  {
    name: 'retry throughput',
    run: () => benchRetryThroughput(FULL ? { items: FULL_ITEMS, budgetMs: Number.POSITIVE_INFINITY } : {}),
  },
  { name: 'ack latency', run: benchAckLatency },
  { name: 'footprint', run: benchFootprint },
];

async function main(): Promise<void> {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const outcomes: CaseOutcome[] = [];
  const started = performance.now();
  // Ratios cancel a slow machine, not a busy one: record how loaded it was (other processes share the cores).
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
  const loadBefore = load();
  log(`node ${process.version}, ${cpus().length} cores, load average ${loadBefore}`);
  for (const c of CASES) {
    if (only.length > 0 && !only.some((o) => c.name.includes(o))) continue;
    log(`# ${c.name}`);
    const t = performance.now();
    try {
      outcomes.push(...(await c.run()));
    } catch (error) {
      // One broken case must not hide the others' figures.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`  ${c.name} FAILED: ${message}`);
      outcomes.push({ case: c.name, skipped: `error: ${String(error).slice(0, 200)}` });
    }
    log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
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
