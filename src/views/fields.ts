// A check's key fields and facts as mrkdwn: units and ET times from the presentation's field values, every text
// from data escaped (src/views/format.ts's escapeMrkdwn), long lists counted and cut.
import type { FactValue } from '../jobs/finding.js';
import { type FieldValue, factField, type KeyField } from '../jobs/presentation.js';
import { dayLabel } from '../jobs/time.js';
import { escapeMrkdwn, formatNumber, summarizeList, truncate } from './format.js';
import type { TimeFormatter } from './types.js';

/** Per-field budget for a value: compact, far under Slack's 2000. */
export const FIELD_VALUE_CHARS = 300;

/** `4 of 9 games`, `18.8 % (9 of 48)`, `Mon Jan 19 15:02 ET`: a field value as escaped mrkdwn. */
export function fieldValueText(value: FieldValue, fmt: TimeFormatter, maxChars = FIELD_VALUE_CHARS): string {
  switch (value.kind) {
    case 'text':
      return escapeMrkdwn(truncate(value.text, maxChars));
    case 'time': {
      const at = new Date(value.at);
      return Number.isNaN(at.getTime()) ? escapeMrkdwn(truncate(value.at, maxChars)) : fmt.dateTime(at);
    }
    case 'date':
      return escapeMrkdwn(dayLabel(value.date));
    case 'count': {
      const unit = value.n === 1 && value.of === undefined ? singular(value.unit) : value.unit;
      return `${formatNumber(value.n)}${value.of === undefined ? '' : ` of ${formatNumber(value.of)}`} ${escapeMrkdwn(unit)}`.trim();
    }
    case 'percent': {
      const pct = `${formatNumber(value.pct)} %`;
      if (value.n !== undefined && value.of !== undefined)
        return `${pct} (${formatNumber(value.n)} of ${formatNumber(value.of)})`;
      return value.of !== undefined ? `${pct} of ${formatNumber(value.of)}` : pct;
    }
    case 'amount':
      return `${formatNumber(value.n)} ${escapeMrkdwn(value.unit)}`.trim();
    case 'list': {
      if (value.items.length === 0) return 'none';
      const list = summarizeList(value.items.map(escapeMrkdwn), maxChars);
      return value.items.length > 3 ? `(${formatNumber(value.items.length)}) ${list}` : list;
    }
  }
}

/** `games` → `game`, `entities` → `entity`: a count's unit for one (units are plural English nouns). */
const singular = (unit: string) =>
  /^[a-z]+$/.test(unit) ? unit.replace(/ies$/, 'y').replace(/([^s])s$/, '$1') : unit;

/** `*Label*\nvalue`, one section field. */
export const fieldText = (field: KeyField, fmt: TimeFormatter): string =>
  `*${escapeMrkdwn(field.label)}*\n${fieldValueText(field.value, fmt)}`;

/** A raw fact as the Details view shows it: name and value, in the fact's own type. */
export const factText = (name: string, value: FactValue, fmt: TimeFormatter, maxChars?: number): string =>
  fieldValueText(factField(name, value).value, fmt, maxChars);
