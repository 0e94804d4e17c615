// The digest's 30-day recovery-time table by scraper and error type, as a monospace table (Slack has no
// table block): failed scrapes, recovered, median and 90th percentile time to recovery.
import type { KnownBlock } from '@slack/types';
import { context, section } from './blocks.js';
import { escapeEntities, formatDuration, formatNumber, plural, truncate } from './format.js';
import type { RecoveryTimes } from './types.js';

/** Rows the table shows; the rest are counted under it. */
export const RECOVERY_TABLE_ROWS = 12;

// Inside a code block only the entities and backticks matter (a backtick would end the block).
const pad = (text: string, width: number) =>
  escapeEntities(truncate(text, width).padEnd(width).replaceAll('`', 'ˋ'));
const minutes = (m: number | null) => (m === null ? '–' : formatDuration(m * 60_000));

/** The table's blocks: a title, the table, and how many rows did not fit; a line when nothing failed. */
export function recoveryTimeBlocks(input: RecoveryTimes): KnownBlock[] {
  const { rows, days } = input;
  const title = section(`*Recovery time, last ${plural(days, 'day')}* (by scraper and error type)`);
  if (rows.length === 0) return [title, context([':white_check_mark: No failed scrapes.'])];
  const shown = rows.slice(0, RECOVERY_TABLE_ROWS);
  const header = `${pad('scraper', 24)} ${pad('error type', 16)} ${'failed'.padStart(6)} ${'recovered'.padStart(9)} ${'median'.padStart(9)} ${'p90'.padStart(9)}`;
  const lines = shown.map(
    (r) =>
      `${pad(r.scraper, 24)} ${pad(r.errorType, 16)} ${formatNumber(r.failures).padStart(6)} ${formatNumber(r.recovered).padStart(9)} ${minutes(r.medianMinutes).padStart(9)} ${minutes(r.p90Minutes).padStart(9)}`,
  );
  const blocks: KnownBlock[] = [title, section(`\`\`\`\n${[header, ...lines].join('\n')}\n\`\`\``)];
  if (rows.length > shown.length)
    blocks.push(context([`${plural(rows.length - shown.length, 'more row')} with fewer failures`]));
  return blocks;
}
