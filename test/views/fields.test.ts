import { describe, expect, it } from 'vitest';
import { fieldValueText } from '../../src/views/fields.js';
import { fmt } from './fixtures.js';

describe('key field values', () => {
  it('reads as people write them: counts, percents with their counts, ET times, dates, amounts, lists', () => {
    expect(fieldValueText({ kind: 'count', n: 4, of: 9, unit: 'games' }, fmt)).toBe('4 of 9 games');
    expect(fieldValueText({ kind: 'count', n: 1, unit: 'games' }, fmt)).toBe('1 game');
    expect(fieldValueText({ kind: 'count', n: 1, unit: 'entities' }, fmt)).toBe('1 entity');
    expect(fieldValueText({ kind: 'count', n: 1, of: 1, unit: 'providers' }, fmt)).toBe('1 of 1 providers');
    expect(fieldValueText({ kind: 'count', n: 1_234, unit: 'records' }, fmt)).toBe('1,234 records');
    expect(fieldValueText({ kind: 'percent', pct: 18.75, n: 9, of: 48 }, fmt)).toBe('18.75 % (9 of 48)');
    expect(fieldValueText({ kind: 'percent', pct: 70 }, fmt)).toBe('70 %');
    expect(fieldValueText({ kind: 'time', at: '2026-01-19T20:02:55.248Z' }, fmt)).toBe('Mon Jan 19 15:02 ET');
    expect(fieldValueText({ kind: 'time', at: 'soon' }, fmt)).toBe('soon');
    expect(fieldValueText({ kind: 'date', date: '2026-01-19' }, fmt)).toBe('Mon Jan 19');
    expect(fieldValueText({ kind: 'amount', n: 36, unit: 'h' }, fmt)).toBe('36 h');
    expect(fieldValueText({ kind: 'list', items: [] }, fmt)).toBe('none');
    expect(fieldValueText({ kind: 'list', items: ['a', 'b', 'c', 'd'] }, fmt)).toBe('(4) a, b, c, d');
    expect(fieldValueText({ kind: 'text', text: 'x'.repeat(400) }, fmt).length).toBeLessThanOrEqual(300);
  });
});
