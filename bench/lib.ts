// Shared bench plumbing: one result row per figure, timing helpers and the final table.
// Every figure is a ratio against a baseline measured in the same run, so machines and load cancel out.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface BenchResult {
  readonly case: string;
  /** What was measured, in `unit`. */
  readonly measured: number;
  /** The baseline measured in the same run, in `unit`. */
  readonly baseline: number;
  readonly unit: string;
  /** measured / baseline (or the case's own definition, stated in `notes`). */
  readonly ratio: number;
  /** The highest acceptable ratio; undefined when the figure is informative only. */
  readonly target?: number;
  /** An absolute limit the measured value must stay under (e.g. cold start < 2 s). */
  readonly below?: number;
  /** A condition the case needs besides its target (e.g. no Store call before an ack): false fails it. */
  readonly holds?: boolean;
  /** A target `holds` judges, in words for the table (e.g. '>= 95 %'). */
  readonly goal?: string;
  readonly notes?: readonly string[];
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface SkippedCase {
  readonly case: string;
  readonly skipped: string;
}

export type CaseOutcome = BenchResult | SkippedCase;

export const isSkipped = (o: CaseOutcome): o is SkippedCase => 'skipped' in o;

export const passes = (r: BenchResult): boolean | undefined =>
  r.target === undefined && r.below === undefined && r.holds === undefined
    ? undefined
    : (r.target === undefined || r.ratio <= r.target) &&
      (r.below === undefined || r.measured < r.below) &&
      r.holds !== false;

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** Samples RSS every `everyMs` until stopped: start, peak and end, in MB. */
export function sampleRss(everyMs = 50): { stop(): { startMb: number; peakMb: number; endMb: number } } {
  const mb = () => process.memoryUsage.rss() / 1_048_576;
  const startMb = mb();
  let peakMb = startMb;
  const timer = setInterval(() => {
    peakMb = Math.max(peakMb, mb());
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const endMb = mb();
      return { startMb, peakMb: Math.max(peakMb, endMb), endMb };
    },
  };
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : String(n));

/** The final table: case, measured, baseline, ratio, target, pass/fail. */
export function formatTable(outcomes: readonly CaseOutcome[]): string {
  const header = ['case', 'measured', 'baseline', 'ratio', 'target', 'result'];
  const rows = outcomes.map((o) => {
    if (isSkipped(o)) return [o.case, '-', '-', '-', '-', `skipped: ${o.skipped}`];
    const pass = passes(o);
    return [
      o.case,
      `${fmt(o.measured, 2)} ${o.unit}`,
      `${fmt(o.baseline, 2)} ${o.unit}`,
      `${fmt(o.ratio, 2)}x`,
      o.target !== undefined
        ? `<= ${o.target}x`
        : o.below !== undefined
          ? `< ${o.below} ${o.unit}`
          : (o.goal ?? 'info'),
      pass === undefined ? '-' : pass ? 'PASS' : 'FAIL',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const log = (message: string): void => {
  process.stdout.write(`${message}\n`);
};

/**
 * A full garbage collection now. Node hides `gc()` unless started with --expose-gc; the flag can be set
 * at run time, and a fresh context then has the function.
 */
export const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();
