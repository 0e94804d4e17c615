// The season replay on a scenario of its own (test/fixtures/scenarios/replay-march.yaml), a short window:
// the warehouse as the checks read it at each moment, and the scorecard of the real bot's runs.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config.js';
import { JOB_NAMES } from '../../src/jobs/registry.js';
import { runJob } from '../../src/jobs/run-job.js';
import { etInstant } from '../../src/jobs/time.js';
import { breakerContext, breakerStateKeeper, type ReplayRun, runReplay } from '../../src/replay/run.js';
import { type Scorecard, score } from '../../src/replay/scorecard.js';
import { loadSimulation } from '../../src/sim/load.js';
import { loadScenario } from '../../src/sim/scenario.js';
import { DEFAULT_SEED } from '../../src/sim/seed.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';

const FIXTURE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'scenarios',
  'replay-march.yaml',
);
const scenario = loadScenario(FIXTURE);
const FROM = '2026-03-02';
const UNTIL = '2026-03-06';

describe('the warehouse as of a run', () => {
  it('gives every job at an earlier time the findings of a warehouse simulated up to that time', async () => {
    const end = etInstant('2026-03-08', '00:00');
    const whole = await openDuckDbWarehouse({ path: ':memory:' });
    await loadSimulation(
      { from: '2026-02-10', until: '2026-03-07', now: end, scenario, seed: DEFAULT_SEED },
      whole,
    );
    const thresholds = readConfig({}).thresholds;
    const keepBreakerState = breakerStateKeeper(whole, breakerContext(scenario, DEFAULT_SEED));
    try {
      for (const at of [
        '2026-03-03 08:00',
        '2026-03-04 04:00',
        '2026-03-05 09:00',
        '2026-03-05 14:15',
        '2026-03-06 11:00',
      ]) {
        const [date, time] = at.split(' ') as [string, string];
        const now = etInstant(date, time);
        const then = await openDuckDbWarehouse({ path: ':memory:' });
        await loadSimulation(
          { from: '2026-02-10', until: '2026-03-07', now, scenario, seed: DEFAULT_SEED },
          then,
        );
        await keepBreakerState(now);
        for (const job of JOB_NAMES) {
          const seen = async (wh: typeof whole) =>
            (await runJob({ warehouse: wh, config: { thresholds } }, job, now)).findings
              .map((f) => `${f.key} ${f.severity}`)
              .sort();
          expect(await seen(whole), `${job} at ${at}`).toEqual(await seen(then));
        }
        await then.close();
      }
    } finally {
      await whole.close();
    }
  }, 60_000);
});

describe('the proxy breaker table kept as of each run', () => {
  it('is rewritten while a pair is not CLOSED and once when all close again, then left alone', async () => {
    const written: string[][] = [];
    const keep = breakerStateKeeper(
      {
        replaceRows: async (tables) => {
          written.push(Object.values(tables).flatMap((rows) => rows.map((r) => String(r.circuit_state))));
        },
      },
      breakerContext(scenario, DEFAULT_SEED),
    );
    const at = (date: string, time: string) => keep(etInstant(date, time));
    // The fixture's decodo → stats.nba.com block is OPEN from 2026-03-03 until the end of 2026-03-05.
    expect(await at('2026-03-02', '09:00')).toBe(true); // the load left the window's end in the table
    expect(await at('2026-03-02', '12:00')).toBe(false);
    expect(await at('2026-03-03', '12:00')).toBe(true);
    expect(await at('2026-03-04', '12:00')).toBe(true); // its counters and times move while it is OPEN
    expect(await at('2026-03-06', '12:00')).toBe(true);
    expect(await at('2026-03-06', '16:00')).toBe(false);
    expect(written.map((states) => states.includes('OPEN'))).toEqual([false, true, true, false]);
  });
});

describe('replay scorecard (scenario replay-march)', () => {
  let run: ReplayRun;
  let card: Scorecard;
  beforeAll(async () => {
    run = await runReplay({ from: FROM, until: UNTIL, scenario });
    card = score(run);
  }, 60_000);

  const incident = (kind: string) => {
    const found = card.incidents.find((i) => i.kind === kind);
    if (!found) throw new Error(`no ${kind} in ${card.incidents.map((i) => i.id).join(', ')}`);
    return found;
  };

  it('detects each incident of the scenario, and every alert concerns one', () => {
    expect(card.incidents.map((i) => [i.kind, i.detected])).toEqual([
      ['proxy_block', true],
      ['bdl_shortfall', true],
      ['workflow_storm', true],
      ['prediction_duplicates', true],
      ['stale_phase3', true],
    ]);
    expect(card.totals.recall).toBe(1);
    expect(card.falsePositives).toEqual([]);
    expect(card.totals.precision).toBe(1);
  });

  it('times detection from when the warehouse shows the problem, and follows recovery', () => {
    const bdl = incident('bdl_shortfall');
    // Observable at the night's post-game scrape; the 04:00 gaps run is the first to see it.
    expect(bdl.delayMinutes).toBeGreaterThan(0);
    expect(bdl.delayMinutes).toBeLessThanOrEqual(4 * 60);
    // Auto-heal retries it; the second attempt brings the last game back.
    expect(bdl.resolvedAt).not.toBeNull();
    const phase3 = incident('stale_phase3');
    expect(phase3.severity).toBe('critical');
    expect(phase3.buriedCritical).toBe(false);
    expect(card.totals.buriedCriticals).toBe(0);
  });

  it('posts nothing on the clean day and counts what each incident cost in Slack', () => {
    expect(card.totals.topLevelOnCleanDays.days).toBeGreaterThanOrEqual(1);
    expect(card.totals.topLevelOnCleanDays.total).toBe(0);
    const messages = card.incidents.reduce((n, i) => n + i.topLevel + i.replies, 0);
    expect(messages).toBeGreaterThan(0);
    // Every message counted is one the bot posted (the digest aside).
    const inSandbox = run.posts.filter((p) => !p.intentId.startsWith('digest:')).length;
    expect(messages).toBeLessThanOrEqual(inSandbox);
  });

  it('counts an alert of an incident the truth does not know as a false positive', () => {
    const blind = score({ ...run, truth: run.truth.filter((t) => t.kind !== 'workflow_storm') });
    expect(blind.falsePositives.map((f) => f.check)).toContain('workflow_failures');
    expect(blind.totals.precision).toBeLessThan(1);
  });
});
