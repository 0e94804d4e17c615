// Case 1, check suite cost: every registered check for one date through the bot's path (runChecks ->
// DuckDbWarehouse: load + rewrite cache, param checks, a connection per query, row conversion and zod
// validation, evaluate) vs the same rewritten SQL prepared and run on one raw DuckDB connection with no bot
// code. Then the growth curve as history accumulates: 1x, 2x, 4x season size = the simulated 2025-26 season
// plus 1 or 3 earlier "seasons", each simulated with another seed and shifted back 52 weeks per season
// (weekday-aligned), so the checked date's own rows stay the same and the findings must not change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CheckContext } from '../src/jobs/check.js';
import { ALL_CHECKS } from '../src/jobs/registry.js';
import { runChecks } from '../src/jobs/run-checks.js';
import { DEFAULT_THRESHOLDS } from '../src/jobs/thresholds.js';
import { addDays, etInstant } from '../src/jobs/time.js';
import { DEFAULT_SEED, loadScenario, loadSchedule, simulate } from '../src/sim/index.js';
import { openDuckDbWarehouse } from '../src/warehouse/duckdb.js';
import { paramDuckType, paramValue } from '../src/warehouse/duckdb-values.js';
import type { Params, TableRows } from '../src/warehouse/port.js';
import { rewriteForDuckDb } from '../src/warehouse/rewrite.js';
import { loadSqlFile } from '../src/warehouse/sql-files.js';
import { type BenchResult, fmt, log, median } from './lib.js';

/** A simulated incident date (stale phase 3, thin slate) so the evaluators have findings to build. */
const CHECK_DATE = '2026-01-18';
const RUNS = 15;
const WARMUP_RUNS = 5;
const SEASON_DAYS = 364;
const DAY_MS = 86_400_000;
const YMD = /^\d{4}-\d{2}-\d{2}$/;

/** The rows as if written `days` earlier: every DATE string and every timestamp moves back together. */
export function shiftRows(rows: TableRows, days: number): TableRows {
  const shift = (v: unknown): unknown => {
    if (v instanceof Date) return new Date(v.getTime() - days * DAY_MS);
    if (typeof v === 'string' && YMD.test(v)) return addDays(v, -days);
    return v;
  };
  return Object.fromEntries(
    Object.entries(rows).map(([table, list]) => [
      table,
      list.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, shift(v)]))),
    ]),
  );
}

interface Prepared {
  readonly sql: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The baseline: the same rewritten SQL and parameter values on one raw connection; rows read, nothing else. */
async function runRaw(
  connection: DuckDBConnection,
  prepared: readonly Prepared[],
  ctx: CheckContext,
): Promise<number> {
  let rows = 0;
  for (const [i, check] of ALL_CHECKS.entries()) {
    const { sql, params: types } = prepared[i] as Prepared;
    const values: Params = check.params(ctx);
    const statement = await connection.prepare(sql);
    for (let p = 1; p <= statement.parameterCount; p++) {
      const name = statement.parameterName(p);
      const type = types[name] as Parameters<typeof paramValue>[0];
      statement.bindValue(p, paramValue(type, values[name] ?? null), paramDuckType(type));
    }
    rows += (await statement.runAndReadAll()).getRows().length;
  }
  return rows;
}

export async function benchCheckSuite(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'shotclock-bench-checks-'));
  const wh = await openDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
  const raw = await wh.connect();
  try {
    const schedule = loadSchedule();
    const scenario = loadScenario();
    const ctx: CheckContext = {
      date: CHECK_DATE,
      now: etInstant(addDays(CHECK_DATE, 1), '12:00'),
      thresholds: DEFAULT_THRESHOLDS,
    };
    const prepared: Prepared[] = ALL_CHECKS.map((c) => {
      const file = loadSqlFile(c.query.file);
      return { sql: rewriteForDuckDb(file.text), params: file.params };
    });

    const perSize: { size: number; rows: number; botMs: number; rawMs: number; findings: string[] }[] = [];
    let seasons = 0;
    let totalRows = 0;
    for (const size of [1, 2, 4]) {
      const started = performance.now();
      while (seasons < size) {
        const season = simulate({
          from: schedule.firstDate,
          until: schedule.lastDate,
          scenario,
          seed: DEFAULT_SEED + seasons,
        });
        await wh.insertRows(seasons === 0 ? season : shiftRows(season, SEASON_DAYS * seasons));
        totalRows += Object.values(season).reduce((n, r) => n + r.length, 0);
        seasons++;
      }
      log(
        `  check suite: ${size}x loaded (${totalRows} rows) in ${fmt((performance.now() - started) / 1000)} s`,
      );
      // Warm-up of each side (file cache, rewrite cache, and the JIT for the bot's row conversion and
      // evaluation: with one warm-up the first size measured paid for it), then alternate so drift hits
      // both alike.
      const warm = await runChecks({ warehouse: wh }, ALL_CHECKS, ctx);
      await runRaw(raw, prepared, ctx);
      for (let i = 1; i < WARMUP_RUNS; i++) {
        await runChecks({ warehouse: wh }, ALL_CHECKS, ctx);
        await runRaw(raw, prepared, ctx);
      }
      const bot: number[] = [];
      const base: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now();
        await runChecks({ warehouse: wh }, ALL_CHECKS, ctx);
        bot.push(performance.now() - t);
        t = performance.now();
        await runRaw(raw, prepared, ctx);
        base.push(performance.now() - t);
      }
      const failed = warm.outcomes.filter((o) => o.error);
      if (failed.length > 0)
        throw new Error(`checks failed: ${failed.map((o) => `${o.check}: ${o.error}`).join('; ')}`);
      perSize.push({
        size,
        rows: totalRows,
        botMs: median(bot),
        rawMs: median(base),
        findings: warm.findings.map((f) => f.key).sort(),
      });
      log(
        `  check suite ${size}x: bot ${fmt(median(bot))} ms, raw ${fmt(median(base))} ms (median of ${RUNS})`,
      );
    }

    const [one, , four] = perSize as [(typeof perSize)[0], (typeof perSize)[0], (typeof perSize)[0]];
    const sameFindings = perSize.every((s) => s.findings.join('\n') === one.findings.join('\n'));
    const curve = perSize.map(
      (s) => `${s.size}x ${s.rows} rows: ${fmt(s.botMs)} ms (raw ${fmt(s.rawMs)} ms)`,
    );
    const sizes = 'history = the 2025-26 season + earlier seasons (other seeds, shifted back 52 weeks each)';
    return [
      ...perSize.map((s) => ({
        case: `check suite, ${ALL_CHECKS.length} checks, ${s.size}x season`,
        measured: s.botMs,
        baseline: s.rawMs,
        unit: 'ms',
        ratio: s.botMs / s.rawMs,
        target: 1.3,
        notes: [`${s.rows} rows, ${s.findings.length} findings for ${CHECK_DATE}`],
      })),
      {
        case: 'check suite growth 4x vs 1x history',
        measured: four.botMs,
        baseline: one.botMs,
        unit: 'ms',
        ratio: four.botMs / one.botMs,
        notes: [
          sizes,
          ...curve,
          sameFindings ? 'findings identical at every size' : 'FINDINGS DIFFER BY SIZE',
        ],
        details: { curve: perSize.map(({ findings, ...s }) => ({ ...s, findings: findings.length })) },
      },
    ];
  } finally {
    raw.closeSync();
    await wh.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
