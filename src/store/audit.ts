import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { docObjectSchema, parseDoc } from './doc-schema.js';
import { type DocumentStore, docId, retryIfAlreadyExists } from './port.js';

export const AUDIT_LOG = 'audit_log';

export const auditEntrySchema = z.object({
  /** Slack user id, or `system` for the bot's own actions (auto-heal, sweeper). */
  who: z.string().min(1),
  /** e.g. `retry`, `backfill`, `reset_breaker`, `ack`, `snooze`. */
  action: z.string().min(1),
  /** What it acted on: `bdl_box_scores_2026-01-19`, a breaker, a date range. */
  target: z.string().nullable(),
  incident_id: z.string().nullable(),
  at: z.date(),
  /**
   * `denied`: not authorized, nothing changed; `ignored`: a duplicate or stale click; `refused`: a click that
   * asked for something its incident does not offer (a made-up incident, another target), nothing changed.
   */
  outcome: z.enum(['ok', 'denied', 'failed', 'ignored', 'refused']),
  details: docObjectSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type StoredAuditEntry = AuditEntry & { readonly id: string };

/**
 * Append an entry. Pass `id` (e.g. derived from Slack's action payload) to make a retried append land once;
 * without it every call adds an entry.
 */
export async function append(
  store: DocumentStore,
  entry: AuditEntry,
  id?: string,
): Promise<StoredAuditEntry> {
  const valid = auditEntrySchema.parse(entry);
  // Time first so ids sort by time in consoles; the random part keeps same-millisecond entries apart.
  const entryId = id ? docId(id) : `${valid.at.toISOString()}_${randomUUID()}`;
  return retryIfAlreadyExists(() =>
    store.runTransaction(async (tx) => {
      const existing = await tx.get(AUDIT_LOG, entryId);
      if (existing)
        return { id: entryId, ...parseDoc(auditEntrySchema, existing, `${AUDIT_LOG}/${entryId}`) };
      tx.create(AUDIT_LOG, entryId, valid);
      return { id: entryId, ...valid };
    }),
  );
}

/** An incident's audit trail, oldest first (shown in its thread and on request). */
export async function listByIncident(store: DocumentStore, incidentId: string): Promise<StoredAuditEntry[]> {
  const docs = await store.query(AUDIT_LOG, {
    where: [['incident_id', '==', incidentId]],
    orderBy: [{ field: 'at' }],
  });
  return docs.map((d) => ({ id: d.id, ...parseDoc(auditEntrySchema, d.data, `${AUDIT_LOG}/${d.id}`) }));
}
