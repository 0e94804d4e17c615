import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../src/store/audit.js';
import {
  alreadyResetEphemeral,
  attemptOutcomeReply,
  auditReply,
  autoHealReply,
  backfillProgressReply,
  backfillSummaryReply,
  breakerAlreadyResetReply,
  breakerResetReply,
  downstreamReply,
  exhaustedReply,
  noLongerMatchesEphemeral,
  notAllowedEphemeral,
  otherVersionEphemeral,
  recoveredReply,
  resolvedReply,
  retryScheduledReply,
  unreadableActionEphemeral,
} from '../../src/views/thread.js';
import type { MessageView } from '../../src/views/types.js';
import { validateMessage } from '../../src/views/validate.js';
import { allText, ctx, fmt, HOUR, incident, now } from './fixtures.js';

const valid = (view: MessageView) => {
  expect(validateMessage(view)).toEqual([]);
  return view;
};

const audit = (extra: Partial<AuditEntry>): AuditEntry => ({
  who: 'U1',
  action: 'ack',
  target: null,
  incident_id: 'k#1',
  at: now,
  outcome: 'ok',
  details: {},
  ...extra,
});

describe('thread replies', () => {
  const subject = { name: 'bdl_box_scores', date: '2026-01-19' };

  it('retry scheduled, by a person or by a policy', () => {
    const at = new Date('2026-01-20T09:00:00Z');
    const today = new Date('2026-01-19T21:00:00Z');
    expect(
      valid(
        retryScheduledReply({ ...ctx, subject, attempt: 1, maxRetries: 3, at: today, by: { user: 'U1' } }),
      ).text,
    ).toBe(':repeat: Retry 1/3 for bdl_box_scores 2026-01-19 scheduled 16:00 ET by <@U1>');
    expect(
      valid(
        retryScheduledReply({ ...ctx, subject, attempt: 2, maxRetries: 3, at, by: { policy: 'auto-retry' } }),
      ).text,
    ).toBe(
      ':repeat: Retry 2/3 for bdl_box_scores 2026-01-19 scheduled Tue Jan 20 04:00 ET by shotclock (policy auto-retry)',
    );
  });

  it('retry scheduled says which clock the attempts follow: scrapers hours, processors minutes', () => {
    const at = new Date('2026-01-19T14:30:00Z');
    const scraper = valid(
      retryScheduledReply({
        ...ctx,
        subject,
        attempt: 1,
        maxRetries: 3,
        at,
        by: { user: 'U1' },
        backoff: { kind: 'scraper', minutes: [240, 720, 1440] },
      }),
    );
    expect(allText(scraper)).toContain('scraper backoff 4 h / 12 h / 24 h');
    const processor = valid(
      retryScheduledReply({
        ...ctx,
        subject: { name: 'upcoming_player_game_context', date: '2026-01-19' },
        attempt: 1,
        maxRetries: 3,
        at,
        by: { policy: 'retry-phase3-critical' },
        backoff: { kind: 'processor', minutes: [30] },
      }),
    );
    expect(allText(processor)).toContain('processor backoff 30 min / 30 min / 30 min');
    expect(allText(processor)).not.toContain(' h /');
  });

  it('attempt outcome, recovered and exhausted', () => {
    const next = new Date('2026-01-19T21:00:00Z');
    expect(
      valid(
        attemptOutcomeReply({ ...ctx, attempt: 1, received: 6, expected: 9, unit: 'games', nextAt: next }),
      ).text,
    ).toBe('Attempt 1: 6/9 games, next try 16:00 ET');
    expect(
      attemptOutcomeReply({
        ...ctx,
        attempt: 2,
        received: null,
        expected: 9,
        unit: 'games',
        error: 'HTTP 503',
        nextAt: null,
      }).text,
    ).toBe('Attempt 2: no count (HTTP 503)');
    expect(
      valid(
        recoveredReply({
          attempts: 2,
          durationMs: 16 * HOUR + 5 * 60_000,
          received: 9,
          expected: 9,
          unit: 'games',
        }),
      ).text,
    ).toBe(':white_check_mark: Recovered after 2 attempts (16 h 05 m): 9/9 games');
    const exhausted = valid(
      exhaustedReply({
        attempts: 3,
        received: 6,
        expected: 9,
        unit: 'games',
        operators: ['<@U1>', '<!subteam^S1>'],
        lastError: 'x',
      }),
    );
    expect(exhausted.text).toBe(
      ':sos: Exhausted after 3 attempts: 6/9 games, needs a person <@U1> <!subteam^S1>',
    );
    expect(allText(exhausted)).toContain('last error: x');
  });

  it('backfill progress and summary', () => {
    expect(valid(backfillProgressReply({ scraper: 'bdl_box_scores', done: 3, total: 7 })).text).toContain(
      'Backfill bdl_box_scores: 3/7 dates done',
    );
    const results = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-01-1${i}`,
      ok: i !== 4,
      detail: 'timeout',
    }));
    const summary = valid(
      backfillSummaryReply({
        scraper: 'bdl_box_scores',
        from: '2026-01-10',
        until: '2026-01-16',
        results,
        by: { user: 'U1' },
      }),
    );
    expect(summary.text).toContain('finished by <@U1>: 6/7 dates recovered');
    expect(allText(summary)).toContain('failed: 2026-01-14 (timeout)');
  });

  it('breaker resets list entities (cut when many) and the reason', () => {
    const entities = Array.from({ length: 500 }, (_, i) => `entity_${i}`);
    const view = valid(
      breakerResetReply({
        breaker: 'entity',
        processor: 'pdc',
        entities,
        more: 20,
        by: { user: 'U1' },
        reason: 'data <arrived>',
      }),
    );
    expect(view.text).toContain('Entity breakers of pdc reset by <@U1> (520 entities: entity_0, entity_1');
    expect(allText(view)).toContain('reason: data &lt;arrived&gt;');
    const proxy = valid(
      breakerResetReply({
        breaker: 'proxy',
        provider: 'decodo',
        target: 'bettingpros',
        by: { policy: 'p' },
        reason: 'r',
      }),
    );
    expect(proxy.text).toContain('decodo → bettingpros set to HALF_OPEN by shotclock (policy p)');
    const counted = breakerResetReply({
      breaker: 'proxy',
      provider: 'd',
      target: 't',
      by: { user: 'U1' },
      reason: 'r',
      rows: 1,
    });
    expect(allText(counted)).toContain('reason: r · 1 breaker row changed');
  });

  it('a reset that changed nothing says the breakers were already reset, by whom and when if known', () => {
    const previous = { by: { policy: 'breaker-data-arrived' }, at: new Date(now.getTime() - HOUR) };
    const view = valid(
      breakerAlreadyResetReply(
        {
          breaker: 'entity',
          processor: 'pdc',
          entities: ['a', 'b'],
          by: { user: 'U1' },
          reason: 'old alert',
          previous,
        },
        ctx,
      ),
    );
    expect(view.text).toBe(
      ':electric_plug: Entity breakers of pdc (2 entities: a, b) were already reset by shotclock (policy breaker-data-arrived) at 08:12 ET; the reset by <@U1> changed nothing',
    );
    const unknown = valid(
      breakerAlreadyResetReply(
        { breaker: 'proxy', provider: 'decodo', target: 'nba.com', by: { user: 'U1' }, reason: 'r' },
        ctx,
      ),
    );
    expect(unknown.text).toBe(
      ':electric_plug: Proxy breaker decodo → nba.com was already reset (not OPEN); the reset by <@U1> changed nothing',
    );
    expect(valid(alreadyResetEphemeral(undefined, ctx)).text).toBe(
      'Nothing to reset: these breakers were already reset. Nothing was changed.',
    );
  });

  it('resolved, downstream and auto-heal notes', () => {
    const inc = incident({ status: 'resolved', resolved_at: now });
    expect(valid(resolvedReply(inc, ctx)).text).toBe(
      ':white_check_mark: Resolved after 5 h 12 m: no longer seen at 09:12 ET.',
    );
    expect(valid(downstreamReply(incident(), ctx)).text).toContain(
      'Downstream: *BDL box scores missing 3 of 9 games',
    );
    expect(
      valid(
        autoHealReply({ policy: 'auto-backfill', what: 'Backfill bdl_box_scores 2026-01-13 → 2026-01-18' }),
      ).text,
    ).toBe(
      ':robot_face: Backfill bdl_box_scores 2026-01-13 → 2026-01-18 by shotclock (policy auto-backfill)',
    );
  });

  it('audit lines for ack, snooze, pause, denied and duplicate clicks', () => {
    expect(valid(auditReply(audit({}), ctx)).text).toBe(':eyes: Acknowledged by <@U1> at 09:12 ET');
    const until = new Date(now.getTime() + 4 * HOUR);
    expect(auditReply(audit({ action: 'snooze', details: { until } }), ctx).text).toBe(
      ':zzz: Snoozed until 13:12 ET by <@U1> at 09:12 ET',
    );
    expect(auditReply(audit({ action: 'pause_autoheal' }), ctx).text).toContain(
      'Auto-heal paused for this incident by <@U1>',
    );
    expect(auditReply(audit({ action: 'reset_breaker', who: 'U2', outcome: 'denied' }), ctx).text).toBe(
      ':no_entry: <@U2> tried Reset Breaker: not allowed, nothing changed (09:12 ET)',
    );
    expect(auditReply(audit({ action: 'retry', outcome: 'ignored' }), ctx).text).toContain('already done');
    expect(auditReply(audit({ action: 'retry', outcome: 'refused' }), ctx).text).toContain(
      'pressed Retry: it no longer matches its alert, nothing changed',
    );
    expect(
      auditReply(audit({ action: 'retry', who: 'system', target: 'bdl_box_scores_2026-01-19' }), ctx).text,
    ).toBe('Retry bdl_box_scores_2026-01-19 by shotclock at 09:12 ET');
    expect(fmt.time(now)).toBe('09:12 ET');
  });

  it('ephemeral answers: not allowed, unreadable button', () => {
    expect(valid(notAllowedEphemeral({ action: 'reset_breaker', operators: '<!subteam^S1>' })).text).toBe(
      ':no_entry: Only operators can use Reset Breaker. Nothing was changed. Ask <!subteam^S1>.',
    );
    expect(valid(unreadableActionEphemeral({ code: 'stale_version', message: 'v0' })).text).toContain(
      'older version',
    );
    expect(valid(unreadableActionEphemeral({ code: 'invalid', message: 'x' })).text).toContain(
      'could not read',
    );
    expect(valid(noLongerMatchesEphemeral({ refreshed: false })).text).toBe(
      ':warning: This button no longer matches its alert. Nothing was changed.',
    );
    expect(noLongerMatchesEphemeral({ refreshed: true }).text).toContain('now shows its current buttons');
    const old = { what: 'button', version: 0, current: 1, refreshed: true } as const;
    expect(valid(otherVersionEphemeral(old)).text).toBe(
      ':warning: This button is from an older version of the alert. Nothing was changed. The alert now shows the current buttons.',
    );
    expect(otherVersionEphemeral({ ...old, version: 2, refreshed: false }).text).toContain(
      'newer version of the alert than this shotclock runs. Nothing was changed. Use `/scrape-status`',
    );
    expect(otherVersionEphemeral({ ...old, what: 'form', version: undefined }).text).toContain(
      'shotclock does not know this form.',
    );
  });

  it('stay within limits with huge inputs', () => {
    const long = 'x<y>&'.repeat(2000);
    const results = Array.from({ length: 500 }, (_, i) => ({ date: `2025-${i}`, ok: false, detail: long }));
    valid(
      backfillSummaryReply({
        scraper: long,
        from: '2025-01-01',
        until: '2026-01-01',
        results,
        by: { policy: long },
      }),
    );
    valid(
      exhaustedReply({
        attempts: 3,
        received: 1,
        expected: 9,
        unit: long,
        operators: Array(200).fill('<@U1>'),
        lastError: long,
      }),
    );
    valid(
      attemptOutcomeReply({
        ...ctx,
        attempt: 1,
        received: 1,
        expected: 2,
        unit: 'games',
        error: long,
        nextAt: now,
      }),
    );
    valid(downstreamReply(incident({ check: long }), ctx));
    valid(autoHealReply({ policy: long, what: long }));
    valid(
      breakerResetReply({ breaker: 'proxy', provider: long, target: long, by: { user: 'U1' }, reason: long }),
    );
    valid(auditReply(audit({ action: long, target: long, outcome: 'failed' }), ctx));
    valid(notAllowedEphemeral({ action: long }));
  });
});
