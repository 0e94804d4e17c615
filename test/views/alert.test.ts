import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/jobs/finding.js';
import { parseAction } from '../../src/views/action-ids.js';
import { alertState, buildAlert } from '../../src/views/alert.js';
import { factText } from '../../src/views/fields.js';
import { validateMessage } from '../../src/views/validate.js';
import { allText, controls, ctx, finding, HOUR, incident, now, retryItem } from './fixtures.js';

function alert(...args: Parameters<typeof incident>) {
  return buildAlert({ ...ctx, incident: incident(...args) });
}

describe('alert message', () => {
  it('shows severity, title, facts, context and the open buttons, within limits', () => {
    const view = alert();
    expect(validateMessage(view)).toEqual([]);
    const text = allText(view);
    expect(view.blocks[0]).toMatchObject({ type: 'header' });
    expect(text).toContain('🔴 Error · BDL box scores missing 3 of 9 games on 2026-01-18');
    expect(text).toContain('*Expected games*\n9');
    expect(text).toContain('LAL, BOS, NYK');
    expect(text).toContain('*Open* for 5 h 12 m, since 04:00 ET');
    expect(text).toContain('check `source_discrepancy`');
    expect(text).toContain('seen 4×');
    expect(text).toContain('key `source_discrepancy:bdl_box_scores:2026-01-18`');
    expect(view.text).toBe(
      '[Error] BDL box scores missing 3 of 9 games on 2026-01-18 (source_discrepancy, open 5 h 12 m)',
    );
    const { actionIds, labels } = controls(view.blocks);
    expect(labels).toEqual(['Retry', 'Acknowledge', 'Details']);
    expect(actionIds).toEqual(['v1.retry', 'v1.ack', 'v1.snooze', 'v1.details']);
  });

  it('carries parseable values on every control', () => {
    const view = alert();
    const elements = view.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    const parsed = elements.flatMap((e) => {
      if (e.type === 'button') return [parseAction(e.action_id ?? '', e.value)];
      if (e.type === 'overflow') return e.options.map((o) => parseAction(e.action_id ?? '', o.value));
      return [];
    });
    expect(parsed).toHaveLength(6);
    for (const p of parsed) expect(p.ok).toBe(true);
    expect(parsed[0]).toEqual({
      ok: true,
      value: {
        v: 1,
        a: 'retry',
        incidentId: 'source_discrepancy:bdl_box_scores:2026-01-18#1',
        scraper: 'bdl_box_scores',
        date: '2026-01-18',
      },
    });
    expect(parsed.at(-1)).toMatchObject({ ok: true, value: { a: 'details' } });
    expect(parsed.slice(2, 5).map((p) => p.ok && p.value.a === 'snooze' && p.value.duration)).toEqual([
      '1h',
      '4h',
      'tomorrow',
    ]);
  });

  it('offers Backfill, and Reset Breaker in danger style with a confirm dialog', () => {
    const actions: Action[] = [
      { kind: 'backfill', scraper: 'bdl_box_scores', from: '2026-01-13', until: '2026-01-18' },
      { kind: 'reset_breaker', breaker: 'entity', processor: 'player_daily_cache', entities: ['a', 'b'] },
    ];
    const view = buildAlert({
      ...ctx,
      incident: incident({}, finding({ actions })),
      autoHealPolicy: 'auto-backfill',
    });
    expect(validateMessage(view)).toEqual([]);
    const buttons = view.blocks
      .flatMap((b) => (b.type === 'actions' ? b.elements : []))
      .filter((e) => e.type === 'button');
    expect(buttons.map((b) => b.text.text)).toEqual([
      'Backfill',
      'Reset Breaker',
      'Acknowledge',
      'Pause auto-heal',
      'Details',
    ]);
    const reset = buttons[1];
    expect(reset?.style).toBe('danger');
    expect(reset?.confirm?.text.text).toContain('player_daily_cache for 2 entities');
    expect(buttons[0]?.style).toBeUndefined();
  });

  it('names the subject on buttons when a finding offers several of a kind', () => {
    const actions: Action[] = [
      { kind: 'retry', scraper: 'bdl_box_scores', date: '2026-01-18' },
      { kind: 'retry', processor: 'player_game_summary', date: '2026-01-18' },
    ];
    const view = buildAlert({ ...ctx, incident: incident({}, finding({ actions })) });
    expect(validateMessage(view)).toEqual([]);
    const { actionIds, labels } = controls(view.blocks);
    expect(labels.slice(0, 2)).toEqual([
      'Retry bdl_box_scores 2026-01-18',
      'Retry player_game_summary 2026-01-18',
    ]);
    expect(actionIds.slice(0, 2)).toEqual(['v1.retry', 'v1.retry.1']);
  });

  it('acknowledged: says who and when, no Acknowledge button', () => {
    const view = alert({ ack: { user: 'U1', at: new Date(now.getTime() - HOUR) } });
    expect(alertState(incident({ ack: { user: 'U1', at: now } }), now)).toBe('acknowledged');
    expect(allText(view)).toContain('Acknowledged by <@U1> at 08:12 ET');
    expect(controls(view.blocks).labels).toEqual(['Retry', 'Details']);
    expect(validateMessage(view)).toEqual([]);
  });

  it('snoozed: says until when; an expired snooze shows as open again', () => {
    const until = new Date(now.getTime() + 4 * HOUR);
    const view = alert({ snooze_until: until });
    expect(alertState(incident({ snooze_until: until }), now)).toBe('snoozed');
    expect(allText(view)).toContain('Snoozed until 13:12 ET');
    expect(alertState(incident({ snooze_until: new Date(now.getTime() - 1) }), now)).toBe('open');
    expect(validateMessage(view)).toEqual([]);
  });

  it('resolved: "resolved after", only Details left', () => {
    const view = alert({ status: 'resolved', resolved_at: now });
    expect(allText(view)).toContain('Resolved after 5 h 12 m');
    expect(view.text).toBe('Resolved after 5 h 12 m: BDL box scores missing 3 of 9 games on 2026-01-18');
    expect(controls(view.blocks).actionIds).toEqual(['v1.details']);
    expect(validateMessage(view)).toEqual([]);
  });

  it('recovered: attempts, time and counts, only Details left', () => {
    const retry = retryItem({
      status: 'recovered',
      retry_attempts: 2,
      retry_history: [
        { attempt: 1, records_received: 6, result: 'partial', error: null },
        { attempt: 2, records_received: 9, result: 'recovered', error: null },
      ],
    });
    const inc = incident({ status: 'resolved', resolved_at: now });
    const view = buildAlert({ ...ctx, incident: inc, retry, unit: 'games' });
    expect(alertState(inc, now, retry)).toBe('recovered');
    expect(allText(view)).toContain('Recovered after 2 attempts (5 h 12 m)*: 9/9 games');
    expect(controls(view.blocks).actionIds).toEqual(['v1.details']);
    expect(validateMessage(view)).toEqual([]);
  });

  it('exhausted: needs a person, buttons kept', () => {
    const retry = retryItem({ status: 'exhausted', retry_attempts: 3, next_retry_at: null });
    const view = buildAlert({ ...ctx, incident: incident(), retry, unit: 'games' });
    expect(allText(view)).toContain('Exhausted after 3 attempts*: 6/9 games, needs a person');
    expect(view.text).toContain('needs a person');
    expect(controls(view.blocks).labels).toEqual(['Retry', 'Acknowledge', 'Details']);
    expect(validateMessage(view)).toEqual([]);
  });

  it('hides Retry while a retry is pending and shows when the next attempt runs', () => {
    const view = buildAlert({ ...ctx, incident: incident(), retry: retryItem(), unit: 'games' });
    expect(allText(view)).toContain('Retry attempt 2/3 at 11:12 ET (last: 6/9 games)');
    expect(controls(view.blocks).labels).toEqual(['Acknowledge', 'Details']);
  });

  it('links the previous incident and the root cause; shows a paused auto-heal without its button', () => {
    const view = buildAlert({
      ...ctx,
      incident: incident({ previous_incident_id: 'k#1', auto_heal_paused: true }),
      previousPermalink: 'https://slack.example/archives/C1/p1',
      root: { title: 'Box scores missing' },
      autoHealPolicy: 'auto-retry',
    });
    const text = allText(view);
    expect(text).toContain('previous: <https://slack.example/archives/C1/p1|k#1>');
    expect(text).toContain('root cause: Box scores missing');
    expect(text).toContain('Auto-heal paused');
    expect(controls(view.blocks).labels).not.toContain('Pause auto-heal');
    expect(validateMessage(view)).toEqual([]);
  });

  it('escapes mrkdwn in titles, facts and keys', () => {
    const f = finding({ title: 'a <b> & c', key: 'x:<!channel>', facts: { note: '<!here> & <b>' } });
    const view = buildAlert({ ...ctx, incident: incident({}, f) });
    expect(validateMessage(view)).toEqual([]);
    expect(allText(view)).toContain('&lt;!here&gt; &amp; &lt;b&gt;');
  });

  it('stays within limits with huge inputs: 500 entities, 40 facts, 30 actions, long texts and ids', () => {
    const entities = Array.from({ length: 500 }, (_, i) => `player_with_a_long_lookup_name_${i}`);
    const facts = Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [
        `fact_${i}_${'x'.repeat(100)}`,
        i % 2 ? entities : 'y'.repeat(5000),
      ]),
    );
    const actions: Action[] = [
      { kind: 'reset_breaker', breaker: 'entity', processor: 'player_daily_cache', entities },
      ...Array.from(
        { length: 29 },
        (_, i): Action => ({ kind: 'retry', scraper: `s${i}`, date: '2026-01-18' }),
      ),
    ];
    const longKey = `k:${'z'.repeat(300)}`;
    const f = finding({ title: 'T'.repeat(400), key: longKey, facts, actions });
    for (const extra of [
      {},
      { status: 'resolved' as const, resolved_at: now },
      { ack: { user: 'U1', at: now } },
    ]) {
      const view = buildAlert({
        ...ctx,
        incident: incident(
          { ...extra, id: `${'i'.repeat(200)}#1`, previous_incident_id: 'p'.repeat(300) },
          f,
        ),
        autoHealPolicy: 'p',
      });
      expect(validateMessage(view)).toEqual([]);
    }
    const view = buildAlert({ ...ctx, incident: incident({}, f) });
    // An incident id too long for a 150-char option value gets Snooze as buttons instead of a menu.
    expect(controls(view.blocks).labels.filter((l) => l.startsWith('Snooze'))).toHaveLength(3);
    expect(controls(alert().blocks).labels.filter((l) => l.startsWith('Snooze'))).toHaveLength(0);
    const text = allText(view);
    // No presentation: the title as the summary and the first five facts; the rest wait for Details.
    expect(view.blocks.flatMap((b) => (b.type === 'section' ? (b.fields ?? []) : []))).toHaveLength(5);
    expect(text).toContain('15 more actions not shown');
    expect(text).toMatch(/Reset Breaker carries \d+ of 500 entities/);
  });

  it('leaves out an action that cannot be encoded instead of failing the whole alert', () => {
    const actions: Action[] = [
      { kind: 'retry', date: '2026-01-18' },
      { kind: 'retry', scraper: 's', date: '2026-01-18' },
    ];
    const view = buildAlert({ ...ctx, incident: incident({}, finding({ actions })) });
    expect(validateMessage(view)).toEqual([]);
    expect(controls(view.blocks).labels).toEqual(['Retry s 2026-01-18', 'Acknowledge', 'Details']);
    expect(allText(view)).toContain('A retry action of this finding could not be offered');
  });

  it('summarises long arrays as a count and a cut list', () => {
    const list = Array.from({ length: 100 }, (_, i) => `team_${i}`);
    const fact = (value: Parameters<typeof factText>[1]) => factText('x', value, ctx.fmt);
    const text = fact(list);
    expect(text.startsWith('(100) team_0, team_1')).toBe(true);
    expect(text).toMatch(/and \d+ more$/);
    expect(fact([])).toBe('none');
    expect(fact(null)).toBe('–');
    expect(fact(true)).toBe('yes');
    expect(fact(1234.5)).toBe('1,234.5');
    expect(fact('2026-01-19T20:02:55.248Z')).toBe('Mon Jan 19 15:02 ET');
  });
});
