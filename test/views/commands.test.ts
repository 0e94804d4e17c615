import { describe, expect, it } from 'vitest';
import {
  breakersView,
  COMMANDS,
  commandErrorView,
  helpView,
  parseCommand,
  pipelineHealthView,
  retryQueueView,
  scrapeStatusView,
} from '../../src/views/commands.js';
import type { BreakerRow, MessageView, RetryQueueRow, ScraperStatusRow } from '../../src/views/types.js';
import { validateMessage } from '../../src/views/validate.js';
import { allText, ctx, HOUR, now, retryItem } from './fixtures.js';

const valid = (view: MessageView) => {
  expect(validateMessage(view)).toEqual([]);
  return view;
};

const scraper = (name: string, extra: Partial<ScraperStatusRow> = {}): ScraperStatusRow => ({
  scraper: name,
  state: 'green',
  gapCount: 0,
  lastSuccessAt: new Date(now.getTime() - HOUR),
  recentError: null,
  ...extra,
});

describe('parseCommand', () => {
  it('reads arguments, help and bad input', () => {
    const today = '2026-01-19';
    expect(parseCommand('/scrape-status', '', today)).toEqual({ kind: 'scrape-status' });
    expect(parseCommand('/scrape-status', ' bdl_box_scores ', today)).toEqual({
      kind: 'scrape-status',
      scraper: 'bdl_box_scores',
    });
    expect(parseCommand('/scrape-status', 'help', today)).toEqual({ kind: 'help' });
    expect(parseCommand('/scrape-status', 'a b', today).kind).toBe('error');
    expect(parseCommand('/scrape-status', '<!channel>', today).kind).toBe('error');
    expect(parseCommand('/pipeline-health', '', today)).toEqual({
      kind: 'pipeline-health',
      date: '2026-01-18',
    });
    expect(parseCommand('/pipeline-health', 'today', today)).toEqual({
      kind: 'pipeline-health',
      date: today,
    });
    expect(parseCommand('/pipeline-health', '2026-01-05', today)).toEqual({
      kind: 'pipeline-health',
      date: '2026-01-05',
    });
    expect(parseCommand('/pipeline-health', '2026-02-30', today).kind).toBe('error');
    expect(parseCommand('/pipeline-health', '2026-03-01', today)).toEqual({
      kind: 'error',
      message: '2026-03-01 is in the future.',
    });
    expect(parseCommand('/breakers', '', today)).toEqual({ kind: 'breakers' });
    expect(parseCommand('/breakers', 'x', today).kind).toBe('error');
    expect(parseCommand('/retry-queue', 'Exhausted', today)).toEqual({
      kind: 'retry-queue',
      status: 'exhausted',
    });
    expect(parseCommand('/retry-queue', 'done', today).kind).toBe('error');
  });

  it('has help with usage and examples, and an error view that repeats it', () => {
    for (const command of COMMANDS) {
      const help = valid(helpView(command));
      expect(allText(help)).toContain(`*Usage:* \`${command}`);
      expect(allText(help)).toContain('Examples:');
      const error = valid(commandErrorView(command, 'Bad input.'));
      expect(error.text.startsWith('Bad input.')).toBe(true);
      expect(allText(error)).toContain('*Usage:*');
    }
  });
});

describe('/scrape-status', () => {
  const rows = [
    scraper('nbac_schedule'),
    scraper('bdl_box_scores', {
      state: 'red',
      gapCount: 3,
      recentError: { at: now, message: 'HTTP 429 <too many>' },
    }),
    scraper('bp_props', { state: 'yellow', gapCount: 1, lastSuccessAt: null }),
  ];

  it('lists every scraper worst first with gaps, last success and the recent error', () => {
    const view = valid(scrapeStatusView(rows, ctx));
    expect(view.text).toBe('Scrapers: 1 red · 1 yellow · 1 green');
    const text = allText(view);
    expect(text.indexOf('bdl_box_scores')).toBeLessThan(text.indexOf('bp_props'));
    expect(text.indexOf('bp_props')).toBeLessThan(text.indexOf('nbac_schedule'));
    expect(text).toContain(
      ':red_circle: *bdl_box_scores* · 3 gaps · last success 08:12 ET · last error 09:12 ET: HTTP 429 &lt;too many&gt;',
    );
    expect(text).toContain('*bp_props* · 1 gap · last success never');
  });

  it('shows one scraper in detail, and an error view naming the known ones for an unknown name', () => {
    const detail = valid(scrapeStatusView(rows, ctx, 'bdl_box_scores'));
    expect(allText(detail)).toContain('*Most recent error*');
    const unknown = valid(scrapeStatusView(rows, ctx, 'nope'));
    expect(unknown.text).toContain('No scraper named');
    expect(allText(unknown)).toContain('`nbac_schedule`');
  });

  it('a known scraper without a row in the window says so; unknown names list the known ones', () => {
    const known = ['bdl_box_scores', 'bdb_pbp'];
    const quiet = valid(scrapeStatusView(rows, ctx, 'bdb_pbp', known));
    expect(quiet.text).toBe(
      '`bdb_pbp` is a scraper of the pipeline with no runs or gap days in the window /scrape-status reads.',
    );
    const unknown = valid(scrapeStatusView([], ctx, 'nope', known));
    expect(allText(unknown)).toContain('Known: `bdb_pbp`, `bdl_box_scores`');
  });

  it('stays within limits with 2000 scrapers, saying how many were left out', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      scraper(`scraper_${i}`, {
        state: i % 3 ? 'green' : 'red',
        recentError: { at: now, message: 'e'.repeat(500) },
      }),
    );
    const view = valid(scrapeStatusView(many, ctx));
    const more = /([\d,]+) more scrapers/.exec(allText(view));
    const shown = (allText(view).match(/\* · /g) ?? []).length;
    expect(shown).toBeGreaterThan(100);
    expect(Number(more?.[1]?.replaceAll(',', ''))).toBe(2000 - shown);
  });
});

describe('/pipeline-health', () => {
  it('shows phases 2-5 with metrics against expectations', () => {
    const view = valid(
      pipelineHealthView({
        date: '2026-01-18',
        gamesScheduled: 9,
        phases: [
          {
            phase: 3,
            name: 'analytics',
            state: 'red',
            metrics: [{ label: 'players', value: 31, expected: 480 }],
            note: 'upcoming_player_game_context: 31/480 players',
          },
          {
            phase: 2,
            name: 'raw',
            state: 'green',
            metrics: [{ label: 'box scores', value: 9, expected: 9 }],
          },
          { phase: 4, name: 'precompute', state: 'yellow', metrics: [{ label: 'breakers', value: 12 }] },
          { phase: 5, name: 'predictions', state: 'green', metrics: [{ label: 'status', value: 'graded' }] },
        ],
      }),
    );
    const text = allText(view);
    expect(view.text).toBe(
      'Pipeline health 2026-01-18: phase 2 green, phase 3 red, phase 4 yellow, phase 5 green',
    );
    expect(text).toContain('*Phase 2 · raw*');
    expect(text).toContain('*players*\n31/480 (6.5%)');
    expect(text).toContain(':red_circle: 9 games');
    expect(text.indexOf('Phase 2')).toBeLessThan(text.indexOf('Phase 3'));
  });

  it('stays within limits with many long metrics and notes', () => {
    const long = 'n<&>'.repeat(1000);
    const phases = ([2, 3, 4, 5] as const).map((phase) => ({
      phase,
      name: long,
      state: 'red' as const,
      metrics: Array.from({ length: 30 }, (_, i) => ({ label: `${long}${i}`, value: long })),
      note: long,
    }));
    valid(pipelineHealthView({ date: '2026-01-18', gamesScheduled: 9, phases }));
  });

  it('says an off-day is expected to be empty', () => {
    const view = valid(pipelineHealthView({ date: '2026-02-13', gamesScheduled: 0, phases: [] }));
    expect(allText(view)).toContain('off-day');
  });
});

describe('/breakers', () => {
  it('groups entity breakers by processor and lists proxy breakers; none → a clear line', () => {
    const rows: BreakerRow[] = [
      {
        kind: 'entity',
        processor: 'pdc',
        entity: 'lebron_james',
        attempts: 3,
        trippedUntil: new Date(now.getTime() + HOUR),
      },
      {
        kind: 'entity',
        processor: 'pdc',
        entity: 'stephen_curry',
        attempts: 3,
        trippedUntil: null,
        dataArrived: true,
      },
      {
        kind: 'proxy',
        provider: 'decodo',
        target: 'bettingpros',
        state: 'OPEN',
        failures: 12,
        openedAt: now,
      },
      { kind: 'proxy', provider: 'x', target: 'y', state: 'CLOSED', failures: 0, openedAt: null },
    ];
    const view = valid(breakersView(rows, ctx));
    const text = allText(view);
    expect(view.text).toBe('Breakers: 2 entity breakers, 1 proxy breaker');
    expect(text).toContain(
      '*pdc*: 2 entities tripped until 10:12 ET, 1 with data arrived (auto-reset candidates)',
    );
    expect(text).toContain('lebron_james, stephen_curry');
    expect(text).toContain('*decodo → bettingpros* OPEN since 09:12 ET · 12 failures');
    expect(text).not.toContain('*x → y*');
    expect(valid(breakersView([], ctx)).text).toBe('No active breakers.');
  });

  it('stays within limits with 500 entities over 60 processors', () => {
    const rows: BreakerRow[] = Array.from({ length: 500 }, (_, i) => ({
      kind: 'entity',
      processor: `processor_${i % 60}`,
      entity: `player_with_a_long_lookup_name_${i}`,
      attempts: 3,
      trippedUntil: null,
    }));
    const view = valid(breakersView(rows, ctx));
    expect(allText(view)).toContain('*Entity breakers* (500)');
  });
});

describe('/retry-queue', () => {
  it('groups items by status with attempts, times and counts', () => {
    const rows: RetryQueueRow[] = [
      retryItem(),
      retryItem({
        doc_id: 'b',
        scraper_name: 'nbac_gamebook',
        status: 'exhausted',
        retry_attempts: 3,
        exhausted_at: now,
      }),
      retryItem({
        doc_id: 'c',
        scraper_name: 'pgs',
        kind: 'processor',
        status: 'recovered',
        retry_attempts: 2,
        recovered_at: now,
      }),
    ];
    const view = valid(retryQueueView(rows, ctx));
    const text = allText(view);
    expect(view.text).toBe('Retry queue: 1 pending · 0 retrying · 1 recovered · 1 exhausted');
    expect(text).toContain(
      '*bdl_box_scores* 2026-01-18 · attempt 2/3 at 11:12 ET · 6/9 · source_discrepancy',
    );
    expect(text).toContain('*pgs* 2026-01-18 (processor) · recovered at attempt 2 (09:12 ET)');
    expect(text).toContain(
      '*nbac_gamebook* 2026-01-18 · exhausted after 3 attempts (09:12 ET) · 6/9 · needs a person',
    );
    expect(allText(valid(retryQueueView(rows, ctx, 'retrying')))).toContain('No retrying items.');
    expect(allText(valid(retryQueueView([], ctx)))).toContain('The retry queue is empty.');
  });

  it('stays within limits with 2000 items and shows every status group', () => {
    const statuses = ['pending', 'retrying', 'recovered', 'exhausted'] as const;
    const rows = Array.from({ length: 2000 }, (_, i) =>
      retryItem({
        doc_id: `d${i}`,
        scraper_name: `scraper_${i}`,
        status: statuses[i % 4],
        reason: 'r'.repeat(300),
      }),
    );
    const view = valid(retryQueueView(rows, ctx));
    const text = allText(view);
    for (const s of statuses) expect(text).toMatch(new RegExp(`\\d+ more ${s} items`));
  });
});
