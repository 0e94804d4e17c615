// Case: warehouse work per day of operation. One ordinary day and one incident day of the default scenario,
// each replayed (operation-day.ts) with 20 simulated operators (App Home ~10 times a day each, 3 slash
// commands) beside the scheduled jobs, twice: as the bot runs now (DASHBOARD_CACHE_SECONDS at its default:
// the reading Home's refresh takes after each check run is shared by the opens and commands until the next
// run) and as it ran before the snapshot (cache 0 and Home rebuilt after each check run for every user who
// ever opened it). Every statement's table scans come from DuckDB's profiling (scan-accounting.ts) and are
// charged to the surface that asked: job (checks, digest, retry verification, and now the refresh after a
// check run), home (opens; before the snapshot also the refreshes), command.
//
// What BigQuery bills is partitions read, so each scan is counted in partition-days (partition-days.ts:
// the days its pushed-down filters on the partition column leave) times rows per partition-day: the
// production sizes README "Warehouse cost" names for the two big tables, the simulator's for the others.
// The target is judged on those rows: the interactive surfaces (home + command) scan at most 10 % of what
// the jobs scan.
import { readConfig } from '../src/config.js';
import { loadScenario } from '../src/sim/scenario.js';
import { loadSchema } from '../src/warehouse/schema.js';
import { type BenchResult, fmt, log } from './lib.js';
import { type OperationDay, replayOperationDay } from './operation-day.js';
import { partitionDays } from './partition-days.js';
import { SURFACES, type Surface, type TableScan } from './scan-accounting.js';

const NAME = 'warehouse work';
/** Operation days (ET): the morning after the scenario's declared clean date, and after the demo date. */
const DAYS = [
  { kind: 'ordinary day', day: '2025-11-13' },
  { kind: 'incident day', day: '2026-01-20' },
] as const;
const OPERATORS = { operators: 20, homeOpensPerOperator: 10, commandsPerOperator: 3 } as const;
const CACHE_SECONDS = readConfig({}).server.dashboardCacheMs / 1000;
const TARGET = 0.1;

/** Production rows per partition-day of the tables whose size is known (README, "Warehouse cost"). */
export const PRODUCTION_ROWS_PER_DAY: Readonly<Record<string, number>> = {
  'nba_predictions.player_prop_predictions': 300_000,
  'nba_monitoring.scrape_events': 50_000,
};
/** Bytes BigQuery bills per row read: the 5-9 columns a query reads (names, dates, timestamps, counts). */
export const BYTES_PER_ROW = 200;
/** BigQuery bills at least 10 MB per table a query references (on-demand pricing). */
export const MIN_BYTES_PER_TABLE = 10 * 1024 * 1024;
export const USD_PER_TIB = 6.25;
const TIB = 1024 ** 4;

const HOME_READING_FILE = 'status/scrapers.sql';
const PARTITION_COLUMNS = new Map(loadSchema().map((t) => [t.fullName, t.partitionColumn]));

export interface SurfaceWork {
  readonly statements: number;
  /** Rows DuckDB's profile says it scanned (simulated sizes, informative). */
  readonly duckdbRows: number;
  readonly partitionDays: number;
  /** Partition-days times rows per day (production sizes where known). */
  readonly rows: number;
  /** Estimated BigQuery bytes billed (BYTES_PER_ROW, at least MIN_BYTES_PER_TABLE per table read). */
  readonly bytes: number;
}

type DayScans = Pick<OperationDay, 'statements' | 'simRowsPerDay' | 'held'>;

/** One scan at production size: its partition-days times rows per day (unpartitioned: as simulated). */
function scanWork(scan: TableScan, day: DayScans) {
  const column = PARTITION_COLUMNS.get(scan.table);
  if (!column) return { days: 0, rows: scan.rows, unbounded: [] as string[] };
  const range = partitionDays(scan.filters, column, day.held);
  const perDay = PRODUCTION_ROWS_PER_DAY[scan.table] ?? day.simRowsPerDay[scan.table] ?? 0;
  return { days: range.days, rows: range.days * perDay, unbounded: range.unbounded };
}

/** Work per surface of one replayed day, and the scans with no lower bound on their partition column. */
export function workBySurface(day: DayScans) {
  const work = Object.fromEntries(
    SURFACES.map((s) => [s, { statements: 0, duckdbRows: 0, partitionDays: 0, rows: 0, bytes: 0 }]),
  ) as Record<Surface, { -readonly [K in keyof SurfaceWork]: SurfaceWork[K] }>;
  const unbounded = new Set<string>();
  // Every reading of Home's warehouse parts runs status/scrapers.sql once.
  let homeReadings = 0;
  for (const statement of day.statements) {
    const w = work[statement.surface];
    w.statements++;
    if (statement.surface === 'home' && statement.file === HOME_READING_FILE) homeReadings++;
    for (const scan of statement.scans) {
      const s = scanWork(scan, day);
      w.duckdbRows += scan.rows;
      w.partitionDays += s.days;
      w.rows += s.rows;
      w.bytes += Math.max(s.rows * BYTES_PER_ROW, MIN_BYTES_PER_TABLE);
      if (s.unbounded.includes('lower')) unbounded.add(`${statement.file} (${scan.table})`);
    }
  }
  return { work: work as Record<Surface, SurfaceWork>, unbounded: [...unbounded].sort(), homeReadings };
}

export const monthlyUsd = (bytesPerDay: number): number => ((bytesPerDay * 30) / TIB) * USD_PER_TIB;

const interactiveRows = (w: Record<Surface, SurfaceWork>) => w.home.rows + w.command.rows;
const totalBytes = (w: Record<Surface, SurfaceWork>) => w.job.bytes + w.home.bytes + w.command.bytes;
const mrows = (n: number) => `${fmt(n / 1e6, 1)} M`;
const describe = (label: string, w: Record<Surface, SurfaceWork>) =>
  `${label}: ${SURFACES.map(
    (s) =>
      `${s} ${w[s].statements} queries, ${w[s].partitionDays} partition-days, ${mrows(w[s].rows)} rows (DuckDB scanned ${w[s].duckdbRows})`,
  ).join('; ')}; est. ${fmt(totalBytes(w) / 1024 ** 3)} GiB/day, $${fmt(monthlyUsd(totalBytes(w)), 2)}/month`;

/** How many of Home's warehouse readings the target leaves room for, against how many there were. */
function homeBudget({ work, homeReadings }: ReturnType<typeof workBySurface>): string {
  const perReading = work.home.rows / Math.max(1, homeReadings);
  const allowed = (TARGET * work.job.rows - work.command.rows) / perReading;
  return `Home opens read the warehouse ${homeReadings} times (when no reading was younger than ${CACHE_SECONDS} s; the refresh after a check run is the job's), ${mrows(perReading)} rows each; ${TARGET * 100} % of the jobs' scans leaves room for ${fmt(Math.max(0, allowed))} such readings a day (after the commands' share)`;
}

export async function benchWarehouseWork(): Promise<BenchResult[]> {
  const scenario = loadScenario();
  const results: BenchResult[] = [];
  for (const { kind, day } of DAYS) {
    const run = async (label: string, cacheSeconds: number, refreshEveryViewer: boolean) => {
      const t = performance.now();
      const replayed = await replayOperationDay({
        day,
        scenario,
        cacheSeconds,
        refreshEveryViewer,
        ...OPERATORS,
      });
      log(
        `  ${kind} ${day}, ${label}: ${replayed.jobRuns} job slots, ${replayed.homeOpens} Home opens, ${replayed.commands} commands (${fmt((performance.now() - t) / 1000)} s)`,
      );
      if (replayed.unprofiled.length > 0)
        log(`  statements without a profile: ${replayed.unprofiled.join(', ')}`);
      return workBySurface(replayed);
    };
    const before = await run('before (no snapshot, refresh per viewer)', 0, true);
    const after = await run(`snapshot ${CACHE_SECONDS} s`, CACHE_SECONDS, false);
    const ratio = (w: Record<Surface, SurfaceWork>) => interactiveRows(w) / Math.max(1, w.job.rows);
    results.push({
      case: `${NAME}: interactive/jobs, ${kind}`,
      measured: interactiveRows(after.work) / 1e6,
      baseline: after.work.job.rows / 1e6,
      unit: 'M rows',
      ratio: ratio(after.work),
      target: TARGET,
      notes: [
        `${day}: partition-days read (DuckDB's profiled scan filters) x rows per day at production size; before the snapshot the ratio was ${fmt(ratio(before.work), 2)}x`,
        describe(`snapshot ${CACHE_SECONDS} s`, after.work),
        describe('before', before.work),
        homeBudget(after),
        `scans with no lower bound on the partition column (counted over the ${1 + 28} days held; BigQuery would read the whole history): ${after.unbounded.join(', ') || 'none'}`,
      ],
      details: { day, before: before.work, after: after.work, unbounded: after.unbounded },
    });
    results.push({
      case: `${NAME}: est. monthly cost, ${kind}`,
      measured: monthlyUsd(totalBytes(after.work)),
      baseline: monthlyUsd(totalBytes(before.work)),
      unit: 'USD',
      ratio: totalBytes(after.work) / Math.max(1, totalBytes(before.work)),
      notes: [
        `30 such days at $${USD_PER_TIB}/TiB on-demand, ${BYTES_PER_ROW} B per row read, at least 10 MB per table a query reads, no BigQuery cache hits; baseline: before the snapshot`,
      ],
    });
  }
  return results;
}
