import { z } from 'zod';
import { type DocData, type DocValue, StoreError } from './port.js';

/** Any value a document may hold, for free-form parts of a document (audit details, ledger payloads). */
export const docValueSchema: z.ZodType<DocValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.date(),
    z.array(docValueSchema),
    z.record(z.string(), docValueSchema),
  ]),
);
export const docObjectSchema = z.record(z.string(), docValueSchema);

/** Validate a stored document; a document that fails is named, since it means a bug or a hand edit. */
export function parseDoc<T>(schema: z.ZodType<T>, data: DocData, where: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new StoreError(`invalid document ${where}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}
