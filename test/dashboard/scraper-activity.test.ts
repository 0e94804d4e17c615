// The scraper status reads the big scrape log only for what it shows of it (the last 24 h, the recent
// error: target dates from yesterday, ET), and the last success from the run log over the whole lookback.
// On DuckDB with the bench's scan accounting: the scrape log's partitions read, and the rows still right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionDays } from '../../bench/partition-days.js';
import { scanAccounting } from '../../bench/scan-accounting.js';
import { createDashboardData } from '../../src/dashboard/data.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';
import { createMemoryStore } from '../../src/replay/memory-store.js';
import { type ScrapeAttempt, scrapeEventRow, scraperRunRow } from '../../src/sim/scrape-rows.js';
import { type DuckDbWarehouse, openDuckDbWarehouse } from '../../src/warehouse/duckdb.js';

/** 10:00 ET on 2026-01-20: yesterday (ET) is 2026-01-19, the first target date of the scrape log read. */
const NOW = new Date('2026-01-20T15:00:00Z');
const EVENTS = 'nba_monitoring.scrape_events';

const attempt = (over: Partial<ScrapeAttempt> & Pick<ScrapeAttempt, 'id' | 'scraper' | 'date'>) => ({
  workflow: null,
  correlationId: null,
  startedAt: Date.parse(`${over.date}T14:00:00Z`),
  durationMs: 5_000,
  status: 'success' as const,
  expected: 9,
  received: 9,
  revision: 'r1',
  ...over,
});

describe('scraper status activity bound', () => {
  const accounting = scanAccounting();
  let duck: DuckDbWarehouse;
  const attempts = [
    // Last ran four days ago: only the run log, read over the lookback, still knows its last success.
    attempt({ id: 'a1', scraper: 'nbac_schedule', date: '2026-01-16' }),
    // An error three days ago, older than the bound: not read (not "recent"); today's success is.
    attempt({
      id: 'a2',
      scraper: 'bdl_box_scores',
      date: '2026-01-17',
      status: 'partial',
      received: 4,
      errorType: 'api_incomplete',
      errorMessage: 'old short day',
    }),
    attempt({
      id: 'a3',
      scraper: 'bdl_box_scores',
      date: '2026-01-20',
      startedAt: NOW.getTime() - 3_600_000,
    }),
  ];
  beforeAll(async () => {
    duck = await openDuckDbWarehouse({ path: ':memory:', probe: accounting.probe });
    await duck.insertRows({
      [EVENTS]: attempts.map(scrapeEventRow),
      'nba_orchestration.phase1_scraper_runs': attempts.map(scraperRunRow),
    });
  });
  afterAll(async () => {
    await duck.close();
    accounting.close();
  });

  it('reads three days of the scrape log, and still shows the older last success', async () => {
    const data = createDashboardData({
      warehouse: duck,
      store: createMemoryStore(),
      config: { thresholds: DEFAULT_THRESHOLDS },
    });
    const rows = (await data.scraperStatus(NOW)).value;
    const by = new Map(rows.map((r) => [r.scraper, r]));
    expect(by.get('nbac_schedule')).toMatchObject({
      lastSuccessAt: new Date(Date.parse('2026-01-16T14:00:05Z')),
      runs24h: 0,
      recentError: null,
    });
    expect(by.get('bdl_box_scores')).toMatchObject({
      lastSuccessAt: new Date(NOW.getTime() - 3_600_000 + 5_000),
      runs24h: 1,
      failures24h: 0,
      recentError: null,
      state: 'green',
    });

    const statement = accounting.statements.find((s) => s.file === 'status/scrapers.sql');
    const logScans = statement?.scans.filter((s) => s.table === EVENTS) ?? [];
    expect(logScans.length).toBeGreaterThan(0);
    const held = { from: '2026-01-10', until: '2026-01-20' };
    for (const scan of logScans)
      expect(partitionDays(scan.filters, 'target_date', held)).toEqual({ days: 2, unbounded: [] });
  });
});
