// How a check's findings read in an alert, declared by each check next to its evaluator: one sentence in plain
// words and at most five key fields with their units; every other fact stays for the Details view. Pure: the
// views format the values (times in ET, grouped numbers) and escape every text for the surface showing it.
import type { FactValue, Finding } from './finding.js';

/** Most fields an alert shows: a person reads five in the ten seconds an alert gets (README, alerts). */
export const MAX_KEY_FIELDS = 5;

/** A field's value with its unit; the views turn it into text. */
export type FieldValue =
  | { readonly kind: 'text'; readonly text: string }
  /** An instant (an ISO string, as facts store them): shown in ET, e.g. `Mon Jan 19 15:02 ET`. */
  | { readonly kind: 'time'; readonly at: string }
  /** A pipeline date (`YYYY-MM-DD`), shown as `Mon Jan 19`. */
  | { readonly kind: 'date'; readonly date: string }
  /** `4 of 9 games`, or `4 games` without a whole. */
  | { readonly kind: 'count'; readonly n: number; readonly of?: number; readonly unit: string }
  /** `18.8 % (9 of 48)`: a percentage (0–100), with the counts behind it when known. */
  | { readonly kind: 'percent'; readonly pct: number; readonly n?: number; readonly of?: number }
  /** A quantity with a unit: `36 h`, `31 min`, `200 predictions`. */
  | { readonly kind: 'amount'; readonly n: number; readonly unit: string }
  /** Names or dates, summarised when long. */
  | { readonly kind: 'list'; readonly items: readonly string[] };

export interface KeyField {
  readonly label: string;
  readonly value: FieldValue;
}

/** What a retry that recovered the subject measured last: the final numbers of a recovered alert. */
export interface RecoveryCounts {
  readonly received: number | null;
  readonly expected: number | null;
}

export interface Presentation {
  /** One sentence in plain words: what is wrong, for whom, how much (text from data unescaped: views escape). */
  summary(finding: Finding): string;
  /** At most MAX_KEY_FIELDS, in reading order; fields whose fact is missing are left out. */
  fields(finding: Finding): readonly (KeyField | undefined)[];
  /**
   * The finding as a recovered retry leaves it: its facts with the retry's final counts in place of the last
   * check run's (a recovered alert shows the final numbers). Absent: the recovery's counts lead the fields.
   */
  recovered?(finding: Finding, counts: RecoveryCounts): Finding;
}

// Field constructors: undefined when the fact is missing (a finding stored by an older version lacks it).
export const text = (label: string, value: string | undefined | null): KeyField | undefined =>
  value === undefined || value === null || value === ''
    ? undefined
    : { label, value: { kind: 'text', text: value } };
export const time = (label: string, at: string | undefined | null): KeyField | undefined =>
  at ? { label, value: { kind: 'time', at } } : undefined;
export const date = (label: string, value: string | undefined | null): KeyField | undefined =>
  value ? { label, value: { kind: 'date', date: value } } : undefined;
export const count = (
  label: string,
  n: number | undefined,
  of: number | undefined,
  unit: string,
): KeyField | undefined =>
  n === undefined ? undefined : { label, value: { kind: 'count', n, unit, ...(of !== undefined && { of }) } };
export const percent = (
  label: string,
  pct: number | undefined,
  n?: number,
  of?: number,
): KeyField | undefined =>
  pct === undefined
    ? undefined
    : {
        label,
        value: { kind: 'percent', pct, ...(n !== undefined && { n }), ...(of !== undefined && { of }) },
      };
export const amount = (label: string, n: number | undefined, unit: string): KeyField | undefined =>
  n === undefined ? undefined : { label, value: { kind: 'amount', n, unit } };
export const list = (label: string, items: readonly string[] | undefined): KeyField | undefined =>
  items === undefined ? undefined : { label, value: { kind: 'list', items } };

// Fact readers: a fact of another type than expected reads as missing.
export const numFact = (f: Finding, name: string): number | undefined => {
  const v = f.facts[name];
  return typeof v === 'number' ? v : undefined;
};
export const strFact = (f: Finding, name: string): string | undefined => {
  const v = f.facts[name];
  return typeof v === 'string' ? v : undefined;
};
export const boolFact = (f: Finding, name: string): boolean | undefined => {
  const v = f.facts[name];
  return typeof v === 'boolean' ? v : undefined;
};
export const listFact = (f: Finding, name: string): string[] | undefined => {
  const v = f.facts[name];
  return Array.isArray(v) ? v.map(String) : undefined;
};

/** `1 game`, `3 games`: the plain-words plural of a count (the views format fields; summaries are text). */
export const counted = (n: number | undefined, one: string, many = `${one}s`): string =>
  n === undefined ? `? ${many}` : `${n} ${n === 1 ? one : many}`;

/** A fact as a field value of its own type (the generic presentation, and the Details view's order). */
export function factField(name: string, value: FactValue): KeyField {
  const label = humanize(name);
  if (Array.isArray(value)) return { label, value: { kind: 'list', items: value.map(String) } };
  if (typeof value === 'number') return { label, value: { kind: 'amount', n: value, unit: '' } };
  if (typeof value === 'boolean') return { label, value: { kind: 'text', text: value ? 'yes' : 'no' } };
  if (value === null) return { label, value: { kind: 'text', text: '–' } };
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return { label, value: { kind: 'time', at: value } };
  return { label, value: { kind: 'text', text: value } };
}

/** `expected_games` → `Expected games`. */
export function humanize(name: string): string {
  const words = name.replaceAll('_', ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * For a check that declares no presentation (or a finding its presentation cannot read): the title as the
 * summary and the first facts as fields.
 */
export const GENERIC_PRESENTATION: Presentation = {
  summary: (f) => f.title,
  fields: (f) =>
    Object.entries(f.facts)
      .slice(0, MAX_KEY_FIELDS)
      .map(([name, value]) => factField(name, value)),
};

/** A summary that read a fact the finding lacks (stored by another version, or another shape). */
const MISFIT = /\b(undefined|NaN)\b/;

/** The summary and key fields of a finding, bounded, falling back to the generic presentation on a misfit. */
export function present(
  presentation: Presentation | undefined,
  finding: Finding,
): { summary: string; fields: KeyField[] } {
  const p = presentation ?? GENERIC_PRESENTATION;
  try {
    const summary = p.summary(finding).trim();
    const fields = p.fields(finding).filter((x): x is KeyField => x !== undefined);
    if (p === GENERIC_PRESENTATION) return { summary, fields: fields.slice(0, MAX_KEY_FIELDS) };
    if (summary && !MISFIT.test(summary) && fields.length > 0)
      return { summary, fields: fields.slice(0, MAX_KEY_FIELDS) };
  } catch {
    // A finding stored by another version may not have the facts this presentation reads.
  }
  return present(GENERIC_PRESENTATION, finding);
}
