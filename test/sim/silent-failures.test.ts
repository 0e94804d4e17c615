// The failure modes that do not fail: a scraper that stops without a trace, a phase 3 run that succeeds
// with too few records, and a source that is quiet on off-days as it should be; simulated, given their
// truth, and found (or not) by source_freshness and source_volume on the simulated warehouse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckContext } from '../../src/jobs/check.js';
import type { Finding } from '../../src/jobs/finding.js';
import { sourceFreshnessCheck } from '../../src/jobs/source_freshness.js';
import { sourceVolumeCheck } from '../../src/jobs/source_volume.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { dateRange, etInstant } from '../../src/jobs/time.js';
import { TABLES } from '../../src/sim/context.js';
import { simContext, simulateDate } from '../../src/sim/generate.js';
import { loadSimulation } from '../../src/sim/load.js';
import { loadScenario, parseScenario, type Scenario } from '../../src/sim/scenario.js';
import { scenarioTruth } from '../../src/sim/truth.js';
import { openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';
import type { Warehouse } from '../../src/warehouse/port.js';
import { type Row, rowsOf } from './helpers.js';

const scenario = loadScenario();
const without = (kind: string): Scenario => ({
  ...scenario,
  incidents: scenario.incidents.filter((i) => i.kind !== kind),
});
const dayRows = (s: Scenario, date: string) =>
  simulateDate(simContext({ from: date, until: date, scenario: s }), date);
const scraperRows = (rows: ReturnType<typeof dayRows>, scraper: string): Row[] =>
  rowsOf(rows, TABLES.scraperRuns).filter((r) => r.scraper_name === scraper);

describe('the scenario kinds', () => {
  it('refuses a thin run of a processor that is not phase 3, naming the field', () => {
    const yaml = `name: x
incidents:
  - kind: thin_phase3_run
    date: '2026-03-07'
    processor: ml_feature_store
    records: 3
`;
    expect(() => parseScenario(yaml)).toThrow(/incidents\[0\]\.processor: not a phase 3 processor/);
  });

  it('a silently stopped scraper leaves no run, no event and no workflow of its own; the rest is unchanged', () => {
    const stopped = dayRows(scenario, '2026-03-11');
    const normal = dayRows(without('silent_stop'), '2026-03-11');
    expect(scraperRows(normal, 'nbac_injury_report').length).toBeGreaterThan(10);
    expect(scraperRows(stopped, 'nbac_injury_report')).toEqual([]);
    expect(
      rowsOf(stopped, TABLES.scrapeEvents).filter((r) => r.scraper_name === 'nbac_injury_report'),
    ).toEqual([]);
    expect(rowsOf(stopped, TABLES.workflows).filter((r) => r.workflow_name === 'injury_discovery')).toEqual(
      [],
    );
    expect(
      rowsOf(stopped, TABLES.scraperFailures).filter((r) => r.scraper_name === 'nbac_injury_report'),
    ).toEqual([]);
    expect(scraperRows(stopped, 'nbac_referee_assignments')).toEqual(
      scraperRows(normal, 'nbac_referee_assignments'),
    );
    // Back the day after its last silent date.
    expect(scraperRows(dayRows(scenario, '2026-03-14'), 'nbac_injury_report').length).toBeGreaterThan(10);
  });

  it('a thin phase 3 run is a success with the scenario records', () => {
    const runs = rowsOf(dayRows(scenario, '2026-03-07'), TABLES.processorRuns).filter(
      (r) => r.processor_name === 'upcoming_player_game_context',
    );
    expect(runs.map((r) => [r.status, r.records_processed])).toEqual([['success', 20]]);
    expect(Number(runs[0]?.records_expected)).toBeGreaterThan(100);
  });
});

describe('their truth', () => {
  const truth = scenarioTruth({ scenario, from: '2026-02-01', until: '2026-03-31' });
  const of = (kind: string) => truth.find((t) => t.kind === kind);

  it('the silent stop is observable at its first missed run and ends at the first run back', () => {
    expect(of('silent_stop')).toMatchObject({
      observableAt: etInstant('2026-03-11', '08:00').toISOString(),
      endsAt: etInstant('2026-03-14', '08:00').toISOString(),
      signals: [{ check: 'source_freshness', subject: { scraper: 'nbac_injury_report' }, required: true }],
    });
  });

  it('the thin run is observable when it completed, and source_volume must name it', () => {
    const thin = of('thin_phase3_run');
    expect(thin?.signals).toEqual([
      {
        check: 'source_volume',
        subject: { processor: 'upcoming_player_game_context', date: '2026-03-07' },
        dates: ['2026-03-07'],
        required: true,
      },
    ]);
    expect(Date.parse(thin?.observableAt ?? '')).toBeGreaterThan(etInstant('2026-03-07', '06:35').getTime());
    expect(Date.parse(thin?.observableAt ?? '')).toBeLessThan(etInstant('2026-03-07', '08:00').getTime());
  });

  it('the All-Star break is expected: nothing may fire', () => {
    expect(of('game_days_only')).toMatchObject({
      expected: true,
      signals: [],
      dates: dateRange('2026-02-13', '2026-02-18'),
    });
  });
});

describe('found on the simulated warehouse', () => {
  let warehouse: Awaited<ReturnType<typeof openDuckDbWarehouse>>;
  const run = async (check: typeof sourceFreshnessCheck | typeof sourceVolumeCheck, at: Date) => {
    const ctx: CheckContext = {
      date: at.toISOString().slice(0, 10),
      now: at,
      // Two weeks of history instead of four: a shorter simulated range keeps this file fast.
      thresholds: { ...DEFAULT_THRESHOLDS, learningDays: 14 },
    };
    const c = check as unknown as {
      query: Parameters<Warehouse['query']>[0];
      params: (x: CheckContext) => never;
      evaluate: (rows: readonly unknown[], x: CheckContext) => Finding[];
    };
    return c.evaluate(await warehouse.query(c.query, c.params(ctx)), ctx);
  };
  beforeAll(async () => {
    warehouse = await openDuckDbWarehouse({ path: ':memory:' });
    await loadSimulation(
      { from: '2026-01-28', until: '2026-03-12', now: etInstant('2026-03-12', '23:00'), scenario },
      warehouse,
    );
  }, 30_000);
  afterAll(() => warehouse?.close());

  it('source_freshness names the stopped scraper within 24 h of its first missed run', async () => {
    const firstMissed = etInstant('2026-03-11', '08:00').getTime();
    let foundAt: number | undefined;
    for (const time of ['08:00', '12:00', '16:00', '20:00']) {
      const at = etInstant('2026-03-11', time);
      const keys = (await run(sourceFreshnessCheck, at)).map((f) => f.key);
      if (keys.includes('source_freshness:scraper:nbac_injury_report')) {
        foundAt = at.getTime();
        break;
      }
      expect(keys).toEqual([]);
    }
    expect(foundAt).toBeDefined();
    expect((foundAt as number) - firstMissed).toBeLessThanOrEqual(24 * 3_600_000);
  });

  it('source_freshness says nothing through the All-Star break and the day the games come back', async () => {
    for (const at of [
      '2026-02-13 16:00',
      '2026-02-16 04:00',
      '2026-02-18 20:00',
      '2026-02-19 16:00',
      '2026-02-20 07:00',
    ]) {
      const [date, time] = at.split(' ') as [string, string];
      expect(await run(sourceFreshnessCheck, etInstant(date, time)), at).toEqual([]);
    }
  });

  it('source_volume finds the thin run at the morning health run, and nothing the day before', async () => {
    const findings = await run(sourceVolumeCheck, etInstant('2026-03-07', '09:00'));
    expect(findings.map((f) => `${f.key} ${f.severity}`)).toEqual([
      'source_volume:processor:upcoming_player_game_context:2026-03-07 warning',
    ]);
    expect(await run(sourceVolumeCheck, etInstant('2026-03-06', '09:00'))).toEqual([]);
  });
});
