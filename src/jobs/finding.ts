import { createHash } from 'node:crypto';
import { z } from 'zod';

export const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
export const severitySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof severitySchema>;

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** What a finding is about. Only the fields that apply are set. */
export const subjectSchema = z.object({
  scraper: z.string().optional(),
  date: isoDate.optional(),
  team: z.string().optional(),
  system: z.string().optional(),
  processor: z.string().optional(),
  workflow: z.string().optional(),
  provider: z.string().optional(),
  target: z.string().optional(),
  check: z.string().optional(),
  /** A warehouse table, `dataset.table`. */
  table: z.string().optional(),
});
export type Subject = z.infer<typeof subjectSchema>;

/** The recovery actions a finding offers, with the parameters the button will carry. */
export const actionSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('retry'),
    scraper: z.string().optional(),
    processor: z.string().optional(),
    date: isoDate,
  }),
  z.object({ kind: z.literal('backfill'), scraper: z.string(), from: isoDate, until: isoDate }),
  z.object({
    kind: z.literal('reset_breaker'),
    breaker: z.enum(['entity', 'proxy']),
    processor: z.string().optional(),
    entities: z.array(z.string()).optional(),
    provider: z.string().optional(),
    target: z.string().optional(),
  }),
]);
export type Action = z.infer<typeof actionSchema>;

export const factValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);
export type FactValue = z.infer<typeof factValueSchema>;

export const findingSchema = z.object({
  check: z.string(),
  /** Deterministic dedup key: same problem → same key on every run and instance; never timestamps or counts. */
  key: z.string(),
  severity: severitySchema,
  title: z.string(),
  subject: subjectSchema,
  /** The numbers a person needs, in display order. */
  facts: z.record(z.string(), factValueSchema),
  actions: z.array(actionSchema),
});
export type Finding = z.infer<typeof findingSchema>;

/**
 * Longest subject part a key keeps as is. Names come from the warehouse (a scraper's name is whatever a row
 * says), and the key becomes a document id and a Slack block id: a longer part keeps its start and a hash
 * of the whole, so the key stays bounded and still maps the same problem to the same key.
 */
export const KEY_PART_MAX = 80;
/** Longest title; the facts still carry the full names. */
export const TITLE_MAX = 200;

function boundKeyPart(part: string): string {
  if (part.length <= KEY_PART_MAX) return part;
  const hash = createHash('sha256').update(part).digest('hex').slice(0, 16);
  return `${part.slice(0, KEY_PART_MAX - hash.length - 1)}~${hash}`;
}

/** Build a dedup key from the check and the subject's parts: `check:part1:part2`, each part bounded. */
export function findingKey(check: string, ...parts: (string | undefined)[]): string {
  return [check, ...parts.filter((p): p is string => p !== undefined && p !== '').map(boundKeyPart)].join(
    ':',
  );
}

/** The title cut to TITLE_MAX characters (with an ellipsis) when a name in it is unreasonably long. */
export function boundTitle(title: string): string {
  return title.length <= TITLE_MAX ? title : `${title.slice(0, TITLE_MAX - 1)}…`;
}
