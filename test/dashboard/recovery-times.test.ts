// The loop a recovered retry closes in the warehouse: the pipeline's failed scrape events for it are marked
// recovered (sql/recovery/mark_scrape_events_recovered.sql), and the digest's 30-day recovery-time table
// (sql/status/recovery_times.sql) reads them back, per scraper and error type.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  quantile,
  RECOVERY_TIME_DAYS,
  readRecoveryTimes,
  recoveryTimeRows,
} from '../../src/dashboard/recovery-times.js';
import { MARK_RECOVERED_SQL } from '../../src/recovery/mark-recovered.js';
import { recoveryTimeBlocks } from '../../src/views/recovery-times.js';
import { scrapeEventRow } from '../jobs/ops-fixture.js';
import { type FixtureWarehouse, fixtureWarehouse } from '../jobs/pipeline-fixture.js';
import { allText } from '../views/fixtures.js';

const failed = (scraper: string, date: string, startedAt: string, error_type = 'api_incomplete', over = {}) =>
  scrapeEventRow(scraper, date, startedAt, { status: 'failed', error_type, is_recovered: false, ...over });

describe('marking a recovered scrape, and the recovery-time table', () => {
  let db: FixtureWarehouse;
  const NOW = new Date('2026-01-21T12:00:00Z');

  beforeAll(async () => {
    db = await fixtureWarehouse({
      'nba_monitoring.scrape_events': [
        // 2026-01-19 BDL: two failed attempts and a partial one before the retry recovered at 2026-01-20T21:10Z.
        failed('bdl_box_scores', '2026-01-19', '2026-01-20T07:00:00Z'),
        failed('bdl_box_scores', '2026-01-19', '2026-01-20T09:00:00Z'),
        failed('bdl_box_scores', '2026-01-19', '2026-01-20T13:10:00Z', 'api_incomplete', {
          status: 'partial',
        }),
        // Not it: a success, another date, another scraper, and a failure after the recovery.
        scrapeEventRow('bdl_box_scores', '2026-01-19', '2026-01-20T21:05:00Z'),
        failed('bdl_box_scores', '2026-01-18', '2026-01-19T07:00:00Z'),
        failed('nbac_injury_report', '2026-01-19', '2026-01-20T07:00:00Z', 'rate_limit'),
        failed('bdl_box_scores', '2026-01-19', '2026-01-20T22:00:00Z'),
        // Recovered by the pipeline itself, an hour later; and one 40 days back, outside the 30 days.
        failed('nbac_injury_report', '2026-01-10', '2026-01-10T12:00:00Z', 'rate_limit', {
          is_recovered: true,
          recovered_at: new Date('2026-01-10T13:00:00Z'),
        }),
        failed('nbac_injury_report', '2025-12-10', '2025-12-10T12:00:00Z', 'rate_limit'),
      ],
    });
  });
  afterAll(() => db?.close());

  const mark = () =>
    db.warehouse.execute(MARK_RECOVERED_SQL, {
      scraper_name: 'bdl_box_scores',
      target_date: '2026-01-19',
      recovered_at: new Date('2026-01-20T21:10:00Z'),
      recovery_event_id: 'shotclock:retry:bdl_box_scores_2026-01-19:x',
    });

  it('marks the failed and partial events of that scraper and date before the recovery, once', async () => {
    const before = await readRecoveryTimes(db.warehouse, '2026-01-20', NOW, 'job');
    expect(before.find((r) => r.scraper === 'bdl_box_scores')).toMatchObject({ failures: 5, recovered: 0 });
    expect(await mark()).toBe(3);
    expect(await mark()).toBe(0); // a redelivered task's mark changes nothing

    const rows = await readRecoveryTimes(db.warehouse, '2026-01-20', NOW, 'job');
    expect(rows).toEqual([
      // 3 recovered after 14 h 10 m, 12 h 10 m and 8 h: median 12 h 10 m, p90 14 h 10 m.
      {
        scraper: 'bdl_box_scores',
        errorType: 'api_incomplete',
        failures: 5,
        recovered: 3,
        medianMinutes: 730,
        p90Minutes: 850,
      },
      {
        scraper: 'nbac_injury_report',
        errorType: 'rate_limit',
        failures: 2,
        recovered: 1,
        medianMinutes: 60,
        p90Minutes: 60,
      },
    ]);
  });

  it('a recovery marked after "now" is not one yet (the table is read as of a time)', async () => {
    const early = await readRecoveryTimes(
      db.warehouse,
      '2026-01-20',
      new Date('2026-01-20T21:00:00Z'),
      'job',
    );
    expect(early.find((r) => r.scraper === 'bdl_box_scores')).toMatchObject({
      recovered: 0,
      medianMinutes: null,
    });
  });
});

describe('recovery-time rows and table', () => {
  it('takes nearest-rank quantiles and orders by failures', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(quantile([10], 0.9)).toBe(10);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    const rows = recoveryTimeRows([
      { scraper_name: 'b', error_type: 'timeout', failures: 2, recovered: 0, recovery_minutes: null },
      { scraper_name: 'a', error_type: 'rate_limit', failures: 9, recovered: 2, recovery_minutes: [300, 60] },
    ]);
    expect(rows.map((r) => [r.scraper, r.medianMinutes, r.p90Minutes])).toEqual([
      ['a', 60, 300],
      ['b', null, null],
    ]);
  });

  it('renders a monospace table, escaped, with the rows that did not fit counted', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({
      scraper: i === 0 ? 'bdl_<box>`scores' : `scraper_${i}`,
      errorType: 'timeout',
      failures: 20 - i,
      recovered: 10,
      medianMinutes: 965,
      p90Minutes: i === 1 ? null : 1_700,
    }));
    const text = allText({ blocks: recoveryTimeBlocks({ days: RECOVERY_TIME_DAYS, rows: many }) });
    expect(text).toContain('*Recovery time, last 30 days*');
    expect(text).toMatch(/bdl_&lt;box&gt;ˋscores\s+timeout\s+20\s+10\s+16 h 05 m\s+28 h 20 m/);
    expect(text).toContain('3 more rows with fewer failures');
    expect(allText({ blocks: recoveryTimeBlocks({ days: 30, rows: [] }) })).toContain('No failed scrapes.');
  });
});
