import { describe, expect, it } from 'vitest';
import { encodeActionValue, MODALS } from '../../src/views/action-ids.js';
import {
  backfillModal,
  readBackfillSubmission,
  readResetBreakerSubmission,
  resetBreakerModal,
  type ViewStateValues,
} from '../../src/views/modals.js';
import { validateView } from '../../src/views/validate.js';
import { allText } from './fixtures.js';

const backfill = {
  v: 1 as const,
  a: 'backfill' as const,
  incidentId: 'boxscore_completeness:2026-01-19#1',
  scraper: 'bdl_box_scores',
  from: '2026-01-13',
  until: '2026-01-19',
};
const reset = {
  v: 1 as const,
  a: 'reset_breaker' as const,
  incidentId: 'breakers:pdc#1',
  breaker: 'entity' as const,
  processor: 'player_daily_cache',
  entities: ['lebron_james', 'stephen_curry'],
};

function backfillValues(from: string | null, until: string | null, confirmed: boolean): ViewStateValues {
  const ids = MODALS.backfill;
  return {
    [ids.from.blockId]: { [ids.from.actionId]: { type: 'datepicker', selected_date: from } },
    [ids.until.blockId]: { [ids.until.actionId]: { type: 'datepicker', selected_date: until } },
    [ids.confirm.blockId]: {
      [ids.confirm.actionId]: {
        type: 'checkboxes',
        selected_options: confirmed ? [{ value: 'confirmed' }] : [],
      },
    },
  };
}

describe('backfill modal', () => {
  it('prefills the dates, shows the scraper and the limit, carries the action', () => {
    const view = backfillModal({ action: backfill, maxRangeDays: 14 });
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(MODALS.backfill.callbackId);
    const text = allText(view);
    expect(text).toContain('*bdl_box_scores*');
    expect(text).toContain('2026-01-13 → 2026-01-19 (7 dates). At most 14 dates');
    expect(JSON.stringify(view.blocks).match(/"initial_date":"[^"]+"/g)).toEqual([
      '"initial_date":"2026-01-13"',
      '"initial_date":"2026-01-19"',
    ]);
    const submitted = readBackfillSubmission(
      backfillValues('2026-01-13', '2026-01-19', true),
      view.private_metadata ?? '',
      14,
    );
    expect(submitted).toEqual({
      ok: true,
      value: {
        incidentId: backfill.incidentId,
        scraper: 'bdl_box_scores',
        from: '2026-01-13',
        until: '2026-01-19',
        dates: [
          '2026-01-13',
          '2026-01-14',
          '2026-01-15',
          '2026-01-16',
          '2026-01-17',
          '2026-01-18',
          '2026-01-19',
        ],
      },
    });
  });

  it('answers bad input per field: missing, backwards, too long, unconfirmed, impossible date', () => {
    const meta = encodeActionValue(backfill).value;
    const ids = MODALS.backfill;
    const errorsOf = (values: ViewStateValues) => {
      const r = readBackfillSubmission(values, meta, 14);
      return !r.ok && 'errors' in r ? r.errors : {};
    };
    expect(errorsOf(backfillValues(null, '2026-01-19', true))).toEqual({
      [ids.from.blockId]: 'Pick a start date.',
    });
    expect(errorsOf(backfillValues('2026-01-19', '2026-01-13', true))[ids.until.blockId]).toContain(
      'before the start',
    );
    expect(errorsOf(backfillValues('2026-01-01', '2026-01-19', true))[ids.until.blockId]).toContain(
      'At most 14 dates',
    );
    expect(errorsOf(backfillValues('2026-01-13', '2026-01-19', false))).toEqual({
      [ids.confirm.blockId]: 'Tick the box to confirm.',
    });
    expect(errorsOf(backfillValues('2026-02-30', '2026-03-01', true))[ids.from.blockId]).toBe(
      'Pick a start date.',
    );
  });

  it('rejects a forged or foreign private_metadata', () => {
    const values = backfillValues('2026-01-13', '2026-01-19', true);
    const forged = readBackfillSubmission(values, '{"v":1,"a":"backfill","incidentId":"x"}', 14);
    expect(!forged.ok && 'metadataError' in forged && forged.metadataError.code).toBe('invalid');
    const foreign = readBackfillSubmission(values, encodeActionValue(reset).value, 14);
    expect(!foreign.ok && 'metadataError' in foreign && foreign.metadataError.code).toBe('mismatch');
  });
});

describe('reset breaker modal', () => {
  it('names what is reset and requires a reason', () => {
    const view = resetBreakerModal({ action: reset });
    expect(validateView(view)).toEqual([]);
    expect(allText(view)).toContain('*player_daily_cache* for 2 entities: lebron_james, stephen_curry');
    const ids = MODALS.reset_breaker;
    const values = (text: string): ViewStateValues => ({
      [ids.reason.blockId]: { [ids.reason.actionId]: { type: 'plain_text_input', value: text } },
    });
    const meta = view.private_metadata ?? '';
    expect(readResetBreakerSubmission(values('  '), meta)).toEqual({
      ok: false,
      errors: { [ids.reason.blockId]: 'Say why (a few words).' },
    });
    expect(readResetBreakerSubmission(values(' boxscores arrived '), meta)).toEqual({
      ok: true,
      value: { action: reset, reason: 'boxscores arrived' },
    });
  });

  it('describes a proxy reset, and stays within limits with 500 entities (saying only some are reset)', () => {
    const proxy = resetBreakerModal({
      action: {
        v: 1,
        a: 'reset_breaker',
        incidentId: 'p#1',
        breaker: 'proxy',
        provider: 'decodo',
        target: 'bettingpros',
      },
    });
    expect(validateView(proxy)).toEqual([]);
    expect(allText(proxy)).toContain('*decodo → bettingpros* to HALF_OPEN');
    const entities = Array.from({ length: 500 }, (_, i) => `player_with_a_long_lookup_name_${i}`);
    const { value } = encodeActionValue({ ...reset, entities });
    const parsed = JSON.parse(value);
    const big = resetBreakerModal({ action: parsed });
    expect(validateView(big)).toEqual([]);
    expect(allText(big)).toContain('500 entities');
    expect(allText(big)).toContain('the alert stays open for the rest');
  });
});
