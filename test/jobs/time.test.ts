import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  etClock,
  etDate,
  etInstant,
  etStartOfDay,
  formatDuration,
  isIsoDate,
  zonedFormatter,
} from '../../src/jobs/time.js';
import { etTime } from '../../src/sim/et.js';

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

  it('handles the March 2026 switch: 02:00 EST jumps to 03:00 EDT', () => {
    expect(etInstant('2026-03-08', '01:30').toISOString()).toBe('2026-03-08T06:30:00.000Z');
    expect(etInstant('2026-03-08', '03:00').toISOString()).toBe('2026-03-08T07:00:00.000Z');
    // 02:30 does not exist that night: read with the offset before the switch, it is 03:30 EDT.
    expect(etInstant('2026-03-08', '02:30').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // The day before and after the switch are 23 h apart at midnight, and still one calendar day.
    expect(etInstant('2026-03-09', '00:00').getTime() - etInstant('2026-03-08', '00:00').getTime()).toBe(
      23 * 3600_000,
    );
    expect(daysBetween('2026-03-08', '2026-03-09')).toBe(1);
    expect(etDate(new Date('2026-03-08T06:59:00Z'))).toBe('2026-03-08');
    expect(etClock(new Date('2026-03-08T06:59:00Z'))).toBe('01:59');
    expect(etClock(new Date('2026-03-08T07:00:00Z'))).toBe('03:00');
  });

  it('handles the November 2026 switch: 01:30 ET happens twice on the fall-back night', () => {
    // The first 01:30 (EDT) is the one a wall-clock time means; the second (EST) comes an hour later.
    expect(etInstant('2026-11-01', '01:30').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(etClock(new Date('2026-11-01T05:30:00Z'))).toBe('01:30');
    expect(etClock(new Date('2026-11-01T06:30:00Z'))).toBe('01:30');
    expect(etDate(new Date('2026-11-01T06:30:00Z'))).toBe('2026-11-01');
    expect(etInstant('2026-11-01', '00:30').toISOString()).toBe('2026-11-01T04:30:00.000Z');
    expect(etInstant('2026-11-01', '02:00').toISOString()).toBe('2026-11-01T07:00:00.000Z');
    // That day is 25 h long.
    expect(etInstant('2026-11-02', '00:00').getTime() - etInstant('2026-11-01', '00:00').getTime()).toBe(
      25 * 3600_000,
    );
    const et = zonedFormatter();
    expect(et.dateTime(new Date('2026-11-01T05:30:00Z'))).toBe('Sun Nov 1 01:30 ET');
    expect(et.dateTime(new Date('2026-11-01T06:30:00Z'))).toBe('Sun Nov 1 01:30 ET');
  });

  it('keeps a 22:30 ET game on its ET date, though it is the next day in UTC', () => {
    for (const [date, utc] of [
      ['2026-01-19', '2026-01-20T03:30:00.000Z'],
      ['2026-03-07', '2026-03-08T03:30:00.000Z'], // the night before the spring switch (EST)
      ['2026-03-08', '2026-03-09T02:30:00.000Z'], // the switch day itself (EDT)
      ['2026-10-31', '2026-11-01T02:30:00.000Z'], // the night before the fall switch (EDT)
      ['2026-11-01', '2026-11-02T03:30:00.000Z'], // the switch day itself (EST)
    ] as const) {
      const tip = etInstant(date, '22:30');
      expect(tip.toISOString(), date).toBe(utc);
      expect(etDate(tip), date).toBe(date);
      expect(etClock(tip), date).toBe('22:30');
      expect(zonedFormatter().date(tip), date).toBe(date);
    }
    expect(zonedFormatter().dateTime(etInstant('2026-01-19', '22:30'))).toBe('Mon Jan 19 22:30 ET');
  });

  it("gives the simulator's cached conversion the same instants on and around both switches", () => {
    for (const date of ['2026-03-07', '2026-03-08', '2026-03-09', '2026-10-31', '2026-11-01', '2026-11-02']) {
      for (const minutes of [0, 90, 150, 180, 720, 1350, 1500]) {
        const day = Math.floor(minutes / 1440);
        const m = minutes % 1440;
        const clock = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        expect(etTime(date, minutes).getTime(), `${date} +${minutes}m`).toBe(
          etInstant(addDays(date, day), clock).getTime(),
        );
      }
    }
  });

  it('formats durations as elapsed time, a day being 24 hours', () => {
    expect(formatDuration(4 * 3600_000 + 5 * 60_000)).toBe('4 h 05 m');
    expect(formatDuration(47 * 3600_000 + 59 * 60_000)).toBe('47 h 59 m');
    expect(formatDuration(48 * 3600_000)).toBe('2 d 00 h');
  });

  it('does calendar arithmetic on dates, not hours, across the switches', () => {
    expect(addDays('2026-03-07', 1)).toBe('2026-03-08');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
    expect(addDays('2026-11-01', 1)).toBe('2026-11-02');
    expect(addDays('2026-11-02', -1)).toBe('2026-11-01');
    expect(daysBetween('2026-03-01', '2026-11-30')).toBe(274);
    expect(isIsoDate('2026-03-08')).toBe(true);
  });
});

describe('remembered zone conversions', () => {
  const intlDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' });
  it('give the ET date Intl gives for every instant around both DST switches, asked in any order', () => {
    const instants: number[] = [];
    for (const [from, to] of [
      ['2026-03-07T00:00:00Z', '2026-03-10T00:00:00Z'],
      ['2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z'],
    ] as const) {
      for (let t = Date.parse(from); t < Date.parse(to); t += 7 * 60_000 + 13_000) instants.push(t);
    }
    // Late instants of an hour first, then early ones: a remembered hour must not leak into its neighbour.
    const order = [...instants].reverse().concat(instants);
    for (const t of order) expect(etDate(new Date(t)), new Date(t).toISOString()).toBe(intlDate.format(t));
  });

  it('give ET midnight of a date, a fresh Date each time', () => {
    const a = etStartOfDay('2026-03-08');
    expect(a.toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(etStartOfDay('2026-03-09').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    a.setTime(0);
    expect(etStartOfDay('2026-03-08').toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});
