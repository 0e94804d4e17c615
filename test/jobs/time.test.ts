import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, etClock, etDate, etInstant, isIsoDate } from '../../src/jobs/time.js';

describe('pipeline time helpers', () => {
  it('validates real calendar dates only', () => {
    expect(isIsoDate('2026-01-19')).toBe(true);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-1-19')).toBe(false);
    expect(isIsoDate('yesterday')).toBe(false);
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(daysBetween('2026-01-12', '2026-01-19')).toBe(7);
  });

  it('maps instants to the ET date and clock, including winter and summer time', () => {
    expect(etDate(new Date('2026-01-20T03:30:00Z'))).toBe('2026-01-19');
    expect(etClock(new Date('2026-01-20T03:30:00Z'))).toBe('22:30');
    expect(etInstant('2026-01-19', '06:00').toISOString()).toBe('2026-01-19T11:00:00.000Z');
    expect(etInstant('2026-04-10', '06:00').toISOString()).toBe('2026-04-10T10:00:00.000Z');
    // The day DST starts (2026-03-08): 06:00 is already EDT.
    expect(etInstant('2026-03-08', '06:00').toISOString()).toBe('2026-03-08T10:00:00.000Z');
  });
});
