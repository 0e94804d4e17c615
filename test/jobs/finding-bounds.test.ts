// Names come from the warehouse: a scraper called by a 10 kB string must still make a bounded title and a
// bounded, stable dedup key.
import { describe, expect, it } from 'vitest';
import { findingKey, KEY_PART_MAX, TITLE_MAX } from '../../src/jobs/finding.js';
import { type ScraperGapsRow, scraperGapsCheck } from '../../src/jobs/scraper_gaps.js';
import { DEFAULT_THRESHOLDS } from '../../src/jobs/thresholds.js';

const ctx = { date: '2026-03-20', now: new Date('2026-03-20T18:00:00Z'), thresholds: DEFAULT_THRESHOLDS };
const failing = (scraper: string): ScraperGapsRow[] =>
  ['2026-03-17', '2026-03-18', '2026-03-19'].map((date) => ({
    scraper_name: scraper,
    game_date: date,
    games: 5,
    last_tip_at: new Date(`${date}T23:00:00Z`),
    first_failed_at: new Date(`${date}T15:00:00Z`),
    last_failed_at: new Date(`${date}T15:00:00Z`),
    attempts: 1,
    error_type: 'api_error',
    error_message: 'HTTP 500',
  }));

describe('finding titles and keys stay bounded', () => {
  const huge = `odds_${'x'.repeat(10_240)}`;

  it('a 10 kB scraper name: the title and the key are bounded, the facts keep the name', () => {
    const [f] = scraperGapsCheck.evaluate(failing(huge), ctx);
    expect(f?.title.length).toBeLessThanOrEqual(TITLE_MAX);
    expect(f?.title.startsWith('odds_xxx')).toBe(true);
    expect(f?.title.endsWith('…')).toBe(true);
    expect(f?.key.length).toBeLessThanOrEqual('scraper_gaps:'.length + KEY_PART_MAX);
    expect(f?.facts.scraper).toBe(huge);
  });

  it('the key is the same on every run and differs for another long name with the same start', () => {
    const again = scraperGapsCheck.evaluate(failing(huge), ctx)[0]?.key;
    const other = scraperGapsCheck.evaluate(failing(`${huge}y`), ctx)[0]?.key;
    expect(scraperGapsCheck.evaluate(failing(huge), ctx)[0]?.key).toBe(again);
    expect(other).not.toBe(again);
  });

  it('ordinary names and titles are left as they are', () => {
    expect(findingKey('scraper_gaps', 'bdl_box_scores', '2026-03-19')).toBe(
      'scraper_gaps:bdl_box_scores:2026-03-19',
    );
    const [f] = scraperGapsCheck.evaluate(failing('bp_player_props'), ctx);
    expect(f?.title).toBe(
      'bp_player_props has unbackfilled gaps on 3 of the last 7 days: 2026-03-17, 2026-03-18, 2026-03-19',
    );
  });
});
