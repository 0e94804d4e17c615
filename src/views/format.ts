// Text formatting shared by every view. No clock and no host time zone: instants are formatted by a
// TimeFormatter the caller passes in (ET for the pipeline team; the time module builds it, and formats
// durations), and "now" is always an argument.
import type { Severity } from '../jobs/finding.js';

export {
  formatDuration,
  formatWhen,
  type TimeFormatter,
  zonedFormatter,
} from '../jobs/time.js';

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':rotating_light:',
  error: ':red_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
};
const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  error: 'Error',
  warning: 'Warning',
  info: 'Info',
};
/** Plain-text headers cannot render `:emoji:` codes reliably in every client: use the characters there. */
const SEVERITY_CHAR: Record<Severity, string> = {
  critical: '🚨',
  error: '🔴',
  warning: '🟡',
  info: '🔵',
};

export const severityEmoji = (s: Severity): string => SEVERITY_EMOJI[s];
export const severityLabel = (s: Severity): string => SEVERITY_LABEL[s];
export const severityChar = (s: Severity): string => SEVERITY_CHAR[s];

export type Light = 'green' | 'yellow' | 'red';
const LIGHT_EMOJI: Record<Light, string> = {
  green: ':large_green_circle:',
  yellow: ':large_yellow_circle:',
  red: ':red_circle:',
};
export const lightEmoji = (l: Light): string => LIGHT_EMOJI[l];

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** `12,345`, `0.57`; non-finite numbers as `–`. */
export function formatNumber(n: number): string {
  return Number.isFinite(n) ? numberFormat.format(n) : '–';
}

/** A ratio (0.875) as `87.5%`; `–` when undefined (0 of 0). */
export function formatPercent(ratio: number, digits = 1): string {
  if (!Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(digits).replace(/\.0+$/, '')}%`;
}

/** `6/9` and, when asked, `6/9 (66.7%)`. */
export function formatCount(got: number, expected: number, withPercent = false): string {
  const base = `${formatNumber(got)}/${formatNumber(expected)}`;
  return withPercent && expected > 0 ? `${base} (${formatPercent(got / expected)})` : base;
}

// Escaping for mrkdwn and plain_text lives in one module; views import it from here with the rest.
export { escapeEntities, escapeMrkdwn, escapePlainText } from './escape.js';

/**
 * Cut to `max` characters with an ellipsis, never splitting a surrogate pair, an `&amp;` entity or a
 * `<@U1|link>`, any of which would garble the rest of a mrkdwn text.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[a-z]{0,4}$/, '').replace(/<[^>]*$/, '');
  return `${cut}…`;
}

/**
 * Join items into at most `maxChars` characters: `a, b, c … and 497 more`. Items are taken as given (escape
 * them first for mrkdwn).
 */
export function summarizeList(items: readonly string[], maxChars: number, separator = ', '): string {
  if (items.length === 0) return '–';
  const all = items.join(separator);
  if (all.length <= maxChars) return all;
  const shown: string[] = [];
  let length = 0;
  for (let i = 0; i < items.length; i++) {
    const item = items[i] as string;
    const rest = items.length - i - 1;
    const tail = rest > 0 ? ` … and ${rest} more` : '';
    const add = (shown.length ? separator.length : 0) + item.length;
    // Reserve room for the longest possible "… and N more" suffix.
    if (length + add + ` … and ${items.length} more`.length > maxChars) break;
    shown.push(item);
    length += add;
    if (!tail) return shown.join(separator);
  }
  if (shown.length === 0) return truncate(`${items.length} items`, maxChars);
  return `${shown.join(separator)} … and ${items.length - shown.length} more`;
}

/** A user mention for mrkdwn; `system` (the bot's own actions) shows as shotclock. */
export function mention(user: string): string {
  return user === 'system' ? 'shotclock' : `<@${user}>`;
}

const SPARK = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** A text sparkline, scaled from 0 to the largest value (all zeros draw the lowest bar). */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values
    .map((v) => {
      if (max === 0 || !Number.isFinite(v) || v <= 0) return SPARK[0];
      return SPARK[Math.min(SPARK.length - 1, Math.ceil((v / max) * (SPARK.length - 1)))];
    })
    .join('');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}

/** Which retry schedule an item follows and its delays: "processor backoff 30 min / 30 min / 30 min". */
export function backoffText(
  kind: 'scraper' | 'processor',
  minutes: readonly number[],
  attempts: number,
): string {
  const delays = Array.from(
    { length: Math.max(1, attempts) },
    (_, i) => minutes[Math.min(i, minutes.length - 1)] ?? 0,
  );
  const one = (m: number) =>
    m >= 60 && m % 60 === 0 ? `${formatNumber(m / 60)} h` : `${formatNumber(m)} min`;
  return `${kind} backoff ${delays.map(one).join(' / ')}`;
}
