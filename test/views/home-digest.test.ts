import { describe, expect, it } from 'vitest';
import { buildDigest, type DigestInput } from '../../src/views/digest.js';
import { buildHome, type HomeInput, recoveryByAttemptLine } from '../../src/views/home.js';
import type { BreakerRow, HealedRow, ScraperStatusRow } from '../../src/views/types.js';
import { validateMessage, validateView } from '../../src/views/validate.js';
import { allText, ctx, finding, HOUR, incident, now, retryItem } from './fixtures.js';

const scraper = (name: string, state: ScraperStatusRow['state'], gaps = 0): ScraperStatusRow => ({
  scraper: name,
  state,
  gapCount: gaps,
  lastSuccessAt: now,
  recentError: state === 'green' ? null : { at: now, message: 'HTTP 503' },
});

const healed = (title: string, extra: Partial<HealedRow> = {}): HealedRow => ({
  title,
  action: 'retry',
  at: new Date(now.getTime() - HOUR),
  durationMs: 16 * HOUR + 5 * 60_000,
  attempts: 2,
  ...extra,
});

function hugeLists() {
  const severities = ['info', 'warning', 'error', 'critical'] as const;
  const openIncidents = Array.from({ length: 40 }, (_, i) =>
    incident(
      {
        id: `k${i}#1`,
        opened_at: new Date(now.getTime() - i * HOUR),
        ...(i % 5 === 0 && { permalink: `https://slack.example/archives/C1/p${i}` }),
      },
      finding({ key: `k${i}`, severity: severities[i % 4], title: `Incident ${i} ${'t'.repeat(250)} <&>` }),
    ),
  );
  const breakers: BreakerRow[] = [
    ...Array.from(
      { length: 500 },
      (_, i): BreakerRow => ({
        kind: 'entity',
        processor: `processor_${i % 37}`,
        entity: `player_with_a_long_lookup_name_${i}`,
        attempts: 3,
        trippedUntil: now,
      }),
    ),
    ...Array.from(
      { length: 30 },
      (_, i): BreakerRow => ({
        kind: 'proxy',
        provider: `p${i}`,
        target: 't',
        state: 'OPEN',
        failures: i,
        openedAt: now,
        lastError: 'e'.repeat(400),
      }),
    ),
  ];
  const scrapers = Array.from({ length: 1000 }, (_, i) =>
    scraper(`scraper_${i}`, i % 2 ? 'red' : 'yellow', i),
  );
  const retryItems = Array.from({ length: 300 }, (_, i) =>
    retryItem({
      doc_id: `d${i}`,
      scraper_name: `s${i}`,
      status: (['pending', 'exhausted', 'retrying'] as const)[i % 3],
    }),
  );
  const healed24h = Array.from({ length: 120 }, (_, i) =>
    healed(`Healed ${i}`, { policy: i % 2 ? 'auto-retry' : undefined }),
  );
  return { openIncidents, breakers, scrapers, retryItems, healed24h };
}

describe('App Home', () => {
  const small: HomeInput = {
    ...ctx,
    openIncidents: [
      incident({ id: 'a#1' }, finding({ key: 'a', severity: 'warning', title: 'Warning one' })),
      incident(
        { id: 'b#1', ack: { user: 'U1', at: now } },
        finding({ key: 'b', severity: 'critical', title: 'Critical one' }),
      ),
    ],
    scrapers: [scraper('bdl_box_scores', 'red', 3), scraper('nbac_schedule', 'green')],
    breakers: [
      {
        kind: 'proxy',
        provider: 'decodo',
        target: 'bettingpros',
        state: 'HALF_OPEN',
        failures: 2,
        openedAt: now,
      },
    ],
    retryItems: [retryItem(), retryItem({ doc_id: 'x', status: 'recovered' })],
    healed24h: [healed('BDL box scores 2026-01-18', { policy: 'auto-retry' })],
    recoveryByAttempt: { byAttempt: [6, 2, 1], exhausted: 1 },
    lastRunAt: now,
  };

  it('puts open incidents first, most severe first, then scrapers, breakers, retry queue, healed', () => {
    const view = buildHome(small);
    expect(validateView(view)).toEqual([]);
    const text = allText(view);
    const order = [
      '*Open incidents* (2)',
      'Critical one',
      'Warning one',
      '*Scrapers* · 1/2 green',
      '*Breakers*',
      '*Retry queue* · 1 pending',
      '*Healed in the last 24 h* (1)',
    ];
    const positions = order.map((s) => text.indexOf(s));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(text).toContain('ack <@U1>');
    expect(text).toContain('by shotclock (policy auto-retry)');
    expect(text).toContain(
      'Retries recovered at attempt 1: 60% (6) · 2: 20% (2) · 3: 10% (1) · exhausted: 10% (1)',
    );
    expect(text).not.toContain('nbac_schedule'); // green scrapers are counted, not listed
  });

  it("the retry queue shows each active item's schedule: a processor's minutes beside a scraper's hours", () => {
    const text = allText(
      buildHome({
        ...small,
        retryItems: [
          retryItem({ backoff_minutes: [240, 720, 1440] }),
          retryItem({
            doc_id: 'p',
            kind: 'processor',
            scraper_name: 'upcoming_player_game_context',
            status: 'retrying',
            backoff_minutes: [30, 30, 30],
          }),
          retryItem({ doc_id: 'r', status: 'recovered', backoff_minutes: [240] }),
        ],
      }),
    );
    expect(text).toContain('*bdl_box_scores* 2026-01-18 · attempt 2/3');
    expect(text).toContain('scraper backoff 4 h / 12 h / 24 h');
    expect(text).toMatch(
      /upcoming_player_game_context\* 2026-01-18 \(processor\) · attempt 1\/3 running · 6\/9 · processor backoff 30 min \/ 30 min \/ 30 min/,
    );
    // A finished item's schedule no longer matters.
    expect(text.match(/backoff/g)).toHaveLength(2);
  });

  it('says when nothing is open', () => {
    const view = buildHome({ ...small, openIncidents: [] });
    expect(allText(view)).toContain('Nothing open.');
  });

  it('stays within 100 blocks with 40 open incidents, 500 entity breakers, 1000 scrapers, 300 retry items', () => {
    const view = buildHome({
      ...ctx,
      ...hugeLists(),
      recoveryByAttempt: { byAttempt: [1, 1, 1], exhausted: 0 },
    });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = allText(view);
    expect(text).toContain('*Open incidents* (40)');
    // All 40 incidents fit (packed lines); only the long tail of scrapers is cut.
    expect(text).not.toMatch(/more open incident/);
    for (let i = 0; i < 40; i++) expect(text).toContain(`Incident ${i} `);
    expect(text).toMatch(/more scrapers not green/);
    expect(text).toContain('*Retry queue* · 100 pending · 100 retrying · 100 exhausted · 0 recovered');
    // The most severe incidents come first.
    expect(text.indexOf('Incident 3 ')).toBeLessThan(text.indexOf('Incident 0 '));
  });
});

describe('daily digest', () => {
  const base: DigestInput = {
    ...ctx,
    date: '2026-01-18',
    games: { got: 9, expected: 9 },
    boxscores: { got: 8, expected: 9 },
    gamebooks: { got: 9, expected: 9 },
    missing: [{ date: '2026-01-18', what: 'box scores', teams: ['LAL', 'BOS'] }],
    breakers: [{ kind: 'entity', processor: 'pdc', entity: 'lebron_james', attempts: 3, trippedUntil: null }],
    openIncidents: [incident()],
    recoveries24h: [
      healed('BDL box scores 2026-01-17', { policy: 'auto-retry' }),
      healed('Gamebook 2026-01-17'),
    ],
    gapTrend: Array.from({ length: 14 }, (_, i) => ({
      date: `2026-01-${String(5 + i).padStart(2, '0')}`,
      gaps: [0, 1, 2, 4, 7][i % 5] ?? 0,
    })),
    recoveryByAttempt: { byAttempt: [3, 1, 0], exhausted: 1 },
  };

  it('shows the 30-day recovery-time table by scraper and error type when given, within the block limit', () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({
      scraper: `scraper_${i}`,
      errorType: 'rate_limit',
      failures: 30 - i,
      recovered: 20,
      medianMinutes: 245,
      p90Minutes: 1_450,
    }));
    const view = buildDigest({ ...base, recoveryTimes: { days: 30, rows } });
    expect(validateMessage(view)).toEqual([]);
    const text = allText(view);
    expect(text).toContain('*Recovery time, last 30 days*');
    expect(text).toMatch(/scraper_0\s+rate_limit\s+30\s+20\s+4 h 05 m\s+24 h 10 m/);
    expect(text.indexOf('Recovery time')).toBeLessThan(text.indexOf('*Open incidents* ('));
    expect(allText(buildDigest(base))).not.toContain('Recovery time');
  });

  it('reports collection, coverage, missing, breakers, incidents, recoveries and the gap trend', () => {
    const view = buildDigest(base);
    expect(validateMessage(view)).toEqual([]);
    const text = allText(view);
    expect(view.text).toBe(
      'Daily digest 2026-01-18: games 9/9, box scores 8/9 (88.9%), gamebooks 9/9 (100%), 1 open incident, 2 recoveries',
    );
    expect(text).toContain('*Games collected*\n9/9');
    expect(text).toContain('*Box score coverage*\n8/9 (88.9%)');
    expect(text).toContain('*Recoveries (24 h)*\n2 (1 by auto-heal)');
    expect(text).toContain('• 2026-01-18 box scores: LAL, BOS');
    expect(text).toContain('`▁▂▃▅█▁▂▃▅█▁▂▃▅` 2026-01-05 → 2026-01-18: latest 4, peak 7');
    expect(text).toContain('after 16 h 05 m (2 attempts)');
    expect(text).toContain('by shotclock (policy auto-retry)');
    expect(text).toContain('Retries recovered at attempt 1: 60% (3)');
    expect(text).toContain('*pdc*: 1 entity tripped');
    expect(text).toContain('BDL box scores missing 3 of 9 games');
  });

  it('stays within 50 blocks with huge inputs', () => {
    const lists = hugeLists();
    const view = buildDigest({
      ...base,
      ...lists,
      recoveries24h: lists.healed24h,
      openIncidents: Array.from({ length: 5 }, () => lists.openIncidents).flat(),
      missing: Array.from({ length: 300 }, (_, i) => ({
        date: `2026-01-${String((i % 28) + 1).padStart(2, '0')}`,
        what: `what ${i}`,
        teams: Array.from({ length: 30 }, (_, t) => `T${t}`),
      })),
    });
    expect(validateMessage(view)).toEqual([]);
    const text = allText(view);
    expect(text).toMatch(/more missing items/);
    expect(text).toMatch(/more open incidents: see the App Home/);
  });

  it('reads a zero-retry day plainly', () => {
    expect(recoveryByAttemptLine({ byAttempt: [0, 0, 0], exhausted: 0 })).toBe('No retries finished yet.');
  });
});
