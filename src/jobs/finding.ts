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

/** Build a dedup key from the check and the subject's parts: `check:part1:part2`. */
export function findingKey(check: string, ...parts: (string | undefined)[]): string {
  return [check, ...parts.filter((p): p is string => p !== undefined && p !== '')].join(':');
}
