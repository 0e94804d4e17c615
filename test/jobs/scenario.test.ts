// `shotclock check all --date D --json` on the default simulated scenario (docs/pipeline.md#incidents on
// their dates) through DuckDB: each incident is reported on its date, a clean date reports nothing, and the
// health and grading checks stay quiet on every other simulated date (expected gaps: games not final
// yet, grading not due, dates without games).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCheckCommand } from '../../src/cli/check.js';
import { type Finding, findingSchema } from '../../src/jobs/finding.js';
import { JOBS, jobChecks } from '../../src/jobs/registry.js';
import { runChecks } from '../../src/jobs/run-checks.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { addDays, etInstant } from '../../src/jobs/time.js';
import { simulate } from '../../src/sim/generate.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import type { Warehouse } from '../../src/warehouse/port.js';

/** The simulated stretches (each date is generated on its own, so gaps between them change nothing). */
const STRETCHES = [
  ['2025-11-03', '2025-11-12'],
  ['2025-12-16', '2025-12-31'],
  ['2026-01-06', '2026-01-20'],
] as const;
/** The pipeline's data as of this time; the CLI's clock is later, so every --date is past (12:00 ET). */
const SIM_NOW = new Date('2026-01-21T17:00:00Z');
const CLI_NOW = new Date('2026-01-22T17:00:00Z');

const HEALTH_AND_GRADING = [...JOBS.health.checks, ...JOBS.grading.checks].filter(
  (name) => name !== 'workflow_failures', // owned by the part-1 scenario test (ops-checks-sim)
);

let dir: string;
let db: DuckDbWarehouse;

/** Run `shotclock check ...` against the simulated warehouse; returns the parsed --json findings. */
async function cli(...args: string[]): Promise<Finding[]> {
  let out = '';
  let err = '';
  // The command closes what it opens: hand it a view whose close leaves the shared warehouse open.
  const view: Warehouse = {
    engine: db.engine,
    query: (def, params, options) => db.query(def, params, options),
    execute: (file, params, options) => db.execute(file, params, options),
    ping: () => db.ping(),
    close: async () => {},
  };
  const program = new Command().exitOverride();
  registerCheckCommand(program, {
    openWarehouse: async () => view,
    thresholds: DEFAULT_THRESHOLDS,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    now: () => CLI_NOW,
  });
  try {
    await program.parseAsync(['check', ...args, '--json'], { from: 'user' });
  } catch (e) {
    throw e instanceof CommanderError ? new Error(`check ${args.join(' ')} exited ${e.exitCode}: ${err}`) : e;
  }
  const findings = (JSON.parse(out) as unknown[]).map((f) => findingSchema.parse(f));
  expect(findings.filter((f) => f.check === 'check_failed')).toEqual([]);
  return findings;
}

const keys = (findings: readonly Finding[]) => findings.map((f) => f.key);
const severityOf = (findings: readonly Finding[], key: string) =>
  findings.find((f) => f.key === key)?.severity;
/** The keys of the health and grading checks, which this file pins exactly. */
const ownKeys = (findings: readonly Finding[]) =>
  keys(findings.filter((f) => HEALTH_AND_GRADING.includes(f.check))).sort();

describe('check all on the default simulated scenario', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shotclock-scenario-'));
    db = await openDuckDbWarehouse({ path: join(dir, 'warehouse.duckdb') });
    const scenario = loadScenario();
    for (const [from, until] of STRETCHES)
      await db.insertRows(simulate({ from, until, now: SIM_NOW, scenario }));
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the clean date 2025-11-12 reports nothing at all', async () => {
    expect(await cli('all', '--date', '2025-11-12')).toEqual([]);
  });

  it('2025-12-27: prediction duplicates (5 copies), next to the missing team box scores', async () => {
    const found = await cli('all', '--date', '2025-12-27');
    expect(ownKeys(found)).toEqual(['prediction_duplicates:2025-12-27']);
    expect(found.find((f) => f.check === 'prediction_duplicates')?.facts).toMatchObject({ max_copies: 5 });
    for (const team of ['DEN', 'UTA', 'ORL', 'DET', 'MEM']) {
      expect(keys(found), team).toContain(`boxscore_completeness:${team}`);
    }
    expect(keys(found)).toContain('circuit_breakers:upcoming_player_game_context');
  });

  it("2025-12-31: New Year's Eve storm seen that night (--at), workflows above 50 %", async () => {
    const found = await cli('all', '--date', '2025-12-31', '--at', '2025-12-31T23:59:00-05:00');
    expect(ownKeys(found)).toEqual([]);
    for (const wf of ['betting_lines', 'injury_discovery', 'referee_discovery', 'schedule_dependency']) {
      expect(severityOf(found, `workflow_failures:${wf}`), wf).toBe('error');
    }
    expect(keys(found)).toContain('workflow_failures:missing_error_message');
  });

  it('2026-01-18: the critical phase 3 processors never succeeded and no predictions exist by noon', async () => {
    const found = await cli('all', '--date', '2026-01-18');
    expect(ownKeys(found)).toEqual([
      'phase3_completion:upcoming_player_game_context:2026-01-18',
      'phase3_completion:upcoming_team_game_context:2026-01-18',
      'prediction_volume:2026-01-18',
    ]);
    expect(found.filter((f) => HEALTH_AND_GRADING.includes(f.check)).map((f) => f.severity)).toEqual([
      'critical',
      'critical',
      'critical',
    ]);
  });

  it('2026-01-18: at the 14:15 health run the late thin slate (192) is an error and was made from stale context', async () => {
    const found = await cli('all', '--date', '2026-01-18', '--at', '2026-01-18T14:15:00-05:00');
    expect(ownKeys(found)).toEqual([
      'data_freshness:2026-01-18',
      'phase3_completion:upcoming_player_game_context:2026-01-18',
      'phase3_completion:upcoming_team_game_context:2026-01-18',
      'prediction_volume:2026-01-18',
    ]);
    const volume = found.find((f) => f.key === 'prediction_volume:2026-01-18');
    expect([volume?.severity, volume?.facts.predictions]).toEqual(['error', 192]);
    const fresh = found.find((f) => f.key === 'data_freshness:2026-01-18');
    expect(fresh?.severity).toBe('error');
    expect(Number(fresh?.facts.hours_after_phase3)).toBeGreaterThan(DEFAULT_THRESHOLDS.freshnessErrorHours);
  });

  it("2026-01-19: the 01-18 grading collapse (9/48 = 18.75 %) for every system, today's duplicates, BDL short, proxy blocked", async () => {
    const found = await cli('all', '--date', '2026-01-19');
    // Every system dropped together: one finding for the date, each system in its facts.
    const grading = found.filter((f) => f.check === 'grading_accuracy');
    expect(grading.map((f) => [f.key, f.severity, f.subject])).toEqual([
      ['grading_accuracy:group:all-systems:2026-01-18', 'error', { date: '2026-01-18' }],
    ]);
    const systems = grading[0]?.facts.systems as string[];
    expect(systems.length).toBeGreaterThan(1);
    expect(grading[0]?.facts).toMatchObject({ lowest_accuracy_pct: 18.8, highest_accuracy_pct: 18.8 });
    for (const system of systems) expect(grading[0]?.facts[system]).toMatch(/^18\.8% \(9\/48\)/);
    expect(ownKeys(found)).toEqual(
      [
        ...grading.map((f) => f.key),
        'phase3_completion:upcoming_player_game_context:2026-01-18',
        'phase3_completion:upcoming_team_game_context:2026-01-18',
        'prediction_duplicates:2026-01-19',
      ].sort(),
    );
    expect(keys(found)).toEqual(
      expect.arrayContaining([
        'scraper_gaps:bp_player_props',
        'proxy_breakers:proxyfuel:bettingpros.com',
        'source_discrepancy:bdl_box_scores:2026-01-17',
      ]),
    );
  });

  it("2026-01-20: BDL's 4 of 9 on 2026-01-19, nothing new from health or grading", async () => {
    const found = await cli('all', '--date', '2026-01-20');
    expect(keys(found)).toContain('source_discrepancy:bdl_box_scores:2026-01-19');
    expect(ownKeys(found)).toEqual([]);
  });

  it('the same date checked twice gives the same findings (deterministic keys and facts)', async () => {
    expect(await cli('all', '--date', '2026-01-19')).toEqual(await cli('all', '--date', '2026-01-19'));
  });

  it('health and grading stay quiet on every other simulated date, at every scheduled run', async () => {
    const checks = [...jobChecks('health'), ...jobChecks('grading')].filter((c) =>
      HEALTH_AND_GRADING.includes(c.name),
    );
    const incidentKeys = new Set<string>();
    for (const [from, until] of STRETCHES) {
      // The first date of a stretch has no simulated yesterday to look back on.
      for (let date = addDays(from, 1); date <= until; date = addDays(date, 1)) {
        for (const time of ['09:00', '11:00', '14:15']) {
          const ctx = { date, now: etInstant(date, time), thresholds: DEFAULT_THRESHOLDS };
          const { findings } = await runChecks({ warehouse: db }, checks, ctx);
          for (const k of keys(findings)) incidentKeys.add(k);
        }
      }
    }
    const grading = [...incidentKeys].filter((k) => k.startsWith('grading_accuracy:'));
    expect(grading.length).toBeGreaterThan(0);
    expect(grading.every((k) => k.endsWith(':2026-01-18'))).toBe(true);
    expect([...incidentKeys].filter((k) => !grading.includes(k)).sort()).toEqual([
      'data_freshness:2026-01-18',
      'phase3_completion:upcoming_player_game_context:2026-01-18',
      'phase3_completion:upcoming_team_game_context:2026-01-18',
      'prediction_duplicates:2025-12-27',
      'prediction_duplicates:2025-12-28',
      'prediction_duplicates:2026-01-19',
      'prediction_volume:2026-01-18',
    ]);
  }, 60_000);
});
