import { describe, expect, it } from 'vitest';
import {
  escapeMrkdwn,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatWhen,
  severityEmoji,
  severityLabel,
  sparkline,
  summarizeList,
  truncate,
  zonedFormatter,
} from '../../src/views/format.js';

const et = zonedFormatter();
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('format', () => {
  it('formats durations compactly, padding minutes under hours', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * MIN)).toBe('12 m');
    expect(formatDuration(5 * HOUR + 12 * MIN)).toBe('5 h 12 m');
    expect(formatDuration(16 * HOUR + 5 * MIN)).toBe('16 h 05 m');
    expect(formatDuration(3 * 24 * HOUR + 4 * HOUR + 30 * MIN)).toBe('3 d 04 h');
    expect(formatDuration(-5)).toBe('0 s');
  });

  it('formats instants in ET across DST, whatever the host zone', () => {
    // 09:00 UTC in January is 04:00 EST; in July 08:00 UTC is 04:00 EDT.
    expect(et.time(new Date('2026-01-19T09:00:00Z'))).toBe('04:00 ET');
    expect(et.dateTime(new Date('2026-01-19T09:00:00Z'))).toBe('Mon Jan 19 04:00 ET');
    expect(et.time(new Date('2026-07-01T08:00:00Z'))).toBe('04:00 ET');
    // 02:00 UTC on the 20th is still the 19th in ET.
    expect(et.date(new Date('2026-01-20T02:00:00Z'))).toBe('2026-01-19');
  });

  it('shows only the time for the same ET day, the full date otherwise', () => {
    const now = new Date('2026-01-19T14:00:00Z');
    expect(formatWhen(et, new Date('2026-01-19T21:00:00Z'), now)).toBe('16:00 ET');
    expect(formatWhen(et, new Date('2026-01-20T09:00:00Z'), now)).toBe('Tue Jan 20 04:00 ET');
  });

  it('labels severities and formats numbers', () => {
    expect(severityLabel('critical')).toBe('Critical');
    expect(severityEmoji('warning')).toMatch(/^:.+:$/);
    expect(formatNumber(12345)).toBe('12,345');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatPercent(0.875)).toBe('87.5%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(0 / 0)).toBe('–');
    expect(formatCount(6, 9)).toBe('6/9');
    expect(formatCount(6, 9, true)).toBe('6/9 (66.7%)');
  });

  it('escapes mrkdwn control characters', () => {
    expect(escapeMrkdwn('a < b && c > d')).toBe('a &lt; b &amp;&amp; c &gt; d');
    expect(escapeMrkdwn('<!channel>')).toBe('&lt;!channel&gt;');
  });

  it('truncates without breaking entities, links or surrogate pairs', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('ab&amp;cd', 5)).toBe('ab…');
    expect(truncate('hi <@U12345> there', 8)).toBe('hi …');
    expect(truncate('ab🚨cd', 4)).toBe('ab…');
  });

  it('summarizes long lists within a budget, saying how many were left out', () => {
    expect(summarizeList(['a', 'b'], 100)).toBe('a, b');
    expect(summarizeList([], 100)).toBe('–');
    const items = Array.from({ length: 500 }, (_, i) => `entity_${i}`);
    const s = summarizeList(items, 200);
    expect(s.length).toBeLessThanOrEqual(200);
    const shown = s.split(' … ')[0]?.split(', ').length ?? 0;
    expect(s).toContain(`and ${500 - shown} more`);
  });

  it('draws a sparkline scaled to the largest value', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('▁▂▃▅█');
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect([...sparkline(Array(14).fill(3))]).toHaveLength(14);
  });
});
