import { z } from 'zod';
import { type Finding, factValueSchema, findingSchema, severitySchema } from '../jobs/finding.js';
import { parseDoc } from './doc-schema.js';
import {
  type DocData,
  type DocumentStore,
  docId,
  NotFoundError,
  retryIfAlreadyExists,
  type Transaction,
} from './port.js';

export const INCIDENTS = 'incidents';
/** One document per dedup key: the lock that keeps at most one incident open per key, and its sequence. */
export const INCIDENT_KEYS = 'incident_keys';

export const incidentSchema = z.object({
  /** `<key>#<n>`: the n-th incident of this dedup key, so ids are stable and readable. */
  id: z.string(),
  key: z.string(),
  check: z.string(),
  severity: severitySchema,
  status: z.enum(['open', 'resolved']),
  finding: findingSchema,
  first_seen: z.date(),
  last_seen: z.date(),
  seen_count: z.number().int().min(1),
  opened_at: z.date(),
  resolved_at: z.date().nullable(),
  /** The incident this key had before it resolved and came back. */
  previous_incident_id: z.string().nullable(),
  /** The root-cause incident this one is threaded under. */
  root_incident_id: z.string().nullable(),
  ack: z.object({ user: z.string(), at: z.date() }).nullable(),
  snooze_until: z.date().nullable(),
  auto_heal_paused: z.boolean(),
  message: z.object({ channel: z.string(), ts: z.string() }).nullable(),
  /**
   * Resolved because its subject is now one of several in a grouped alert (src/alerts/fan-out.ts): that
   * alert's dedup key. Absent on incidents stored before grouping existed.
   */
  grouped_into: z.string().nullable().optional(),
});
export type Incident = z.infer<typeof incidentSchema>;

/** The fields a caller may change with `update`; lifecycle fields change only through open/recordSeen/resolve. */
export type IncidentPatch = Partial<
  Pick<
    Incident,
    'root_incident_id' | 'ack' | 'snooze_until' | 'auto_heal_paused' | 'message' | 'grouped_into'
  >
>;

const keyLockSchema = z.object({
  key: z.string(),
  open_incident_id: z.string().nullable(),
  last_incident_id: z.string().nullable(),
  seq: z.number().int().min(0),
});
type KeyLock = z.infer<typeof keyLockSchema>;

// A finding's facts are shown in insertion order, but stores keep map keys sorted: store them as a list.
const storedIncidentSchema = incidentSchema.extend({
  finding: findingSchema.extend({
    facts: z.array(z.object({ name: z.string(), value: factValueSchema })),
  }),
});

function toDoc(incident: Incident): DocData {
  const facts = Object.entries(incident.finding.facts).map(([name, value]) => ({ name, value }));
  return { ...incident, finding: { ...incident.finding, facts } };
}

function fromDoc(data: DocData, id: string): Incident {
  const stored = parseDoc(storedIncidentSchema, data, `${INCIDENTS}/${id}`);
  const facts = Object.fromEntries(stored.finding.facts.map((f) => [f.name, f.value]));
  return { ...stored, finding: { ...stored.finding, facts } };
}

async function readIncident(tx: Pick<Transaction, 'get'>, id: string): Promise<Incident | undefined> {
  const data = await tx.get(INCIDENTS, id);
  return data ? fromDoc(data, id) : undefined;
}

async function readLock(tx: Pick<Transaction, 'get'>, key: string): Promise<KeyLock | undefined> {
  const data = await tx.get(INCIDENT_KEYS, docId(key));
  return data ? parseDoc(keyLockSchema, data, `${INCIDENT_KEYS}/${docId(key)}`) : undefined;
}

export function get(store: DocumentStore, id: string): Promise<Incident | undefined> {
  return readIncident(store, id);
}

export async function findOpenByKey(store: DocumentStore, key: string): Promise<Incident | undefined> {
  const lock = await readLock(store, key);
  if (!lock?.open_incident_id) return undefined;
  const incident = await readIncident(store, lock.open_incident_id);
  return incident?.status === 'open' ? incident : undefined;
}

/** Open incidents, oldest first. */
export async function listOpen(store: DocumentStore): Promise<Incident[]> {
  const docs = await store.query(INCIDENTS, {
    where: [['status', '==', 'open']],
    orderBy: [{ field: 'opened_at' }],
  });
  return docs.map((d) => fromDoc(d.data, d.id));
}

/** Incidents resolved at or after `since`, oldest resolution first (digest: recoveries in the last 24 h). */
export async function listResolvedSince(store: DocumentStore, since: Date): Promise<Incident[]> {
  // A range on a Date matches only Dates, so open incidents (resolved_at null) drop out without a status filter.
  const docs = await store.query(INCIDENTS, {
    where: [['resolved_at', '>=', since]],
    orderBy: [{ field: 'resolved_at' }],
  });
  return docs.map((d) => fromDoc(d.data, d.id));
}

export interface OpenInput {
  readonly finding: Finding;
  readonly now: Date;
  readonly rootIncidentId?: string | null;
}

/**
 * Open an incident for the finding's key, or return the one already open: at most one open incident per key,
 * however many callers race (the key's lock document is read and written in the same transaction). A key that
 * had an incident before links it as `previous_incident_id`.
 */
export function open(
  store: DocumentStore,
  input: OpenInput,
): Promise<{ incident: Incident; created: boolean }> {
  const { finding, now } = input;
  return retryIfAlreadyExists(() =>
    store.runTransaction(async (tx) => {
      const lock = await readLock(tx, finding.key);
      if (lock?.open_incident_id) {
        const current = await readIncident(tx, lock.open_incident_id);
        if (current?.status === 'open') return { incident: current, created: false };
      }
      const seq = (lock?.seq ?? 0) + 1;
      const incident = incidentSchema.parse({
        id: `${docId(finding.key)}#${seq}`,
        key: finding.key,
        check: finding.check,
        severity: finding.severity,
        status: 'open',
        finding,
        first_seen: now,
        last_seen: now,
        seen_count: 1,
        opened_at: now,
        resolved_at: null,
        previous_incident_id: lock?.last_incident_id ?? null,
        root_incident_id: input.rootIncidentId ?? null,
        ack: null,
        snooze_until: null,
        auto_heal_paused: false,
        message: null,
      } satisfies Incident);
      tx.create(INCIDENTS, incident.id, toDoc(incident));
      tx.set(INCIDENT_KEYS, docId(finding.key), {
        key: finding.key,
        open_incident_id: incident.id,
        last_incident_id: incident.id,
        seq,
      } satisfies KeyLock);
      return { incident, created: true };
    }),
  );
}

/** A later run saw the same key again: refresh the snapshot and severity, bump the count. No-op once resolved. */
export function recordSeen(store: DocumentStore, id: string, finding: Finding, now: Date): Promise<Incident> {
  return modify(store, id, (incident) =>
    incident.status === 'open'
      ? {
          ...incident,
          finding,
          severity: finding.severity,
          last_seen: now,
          seen_count: incident.seen_count + 1,
        }
      : incident,
  );
}

/** Change ack, snooze, message, root or auto-heal pause. */
export function update(store: DocumentStore, id: string, patch: IncidentPatch): Promise<Incident> {
  return modify(store, id, (incident) => ({ ...incident, ...patch }));
}

/** Resolve an open incident and free its key; resolving twice changes nothing the second time. */
export function resolve(
  store: DocumentStore,
  id: string,
  now: Date,
): Promise<{ incident: Incident; resolved: boolean }> {
  return store.runTransaction(async (tx) => {
    const incident = await readIncident(tx, id);
    if (!incident) throw new NotFoundError(INCIDENTS, id);
    const lock = await readLock(tx, incident.key);
    if (incident.status === 'resolved') return { incident, resolved: false };
    const resolvedIncident: Incident = { ...incident, status: 'resolved', resolved_at: now };
    tx.set(INCIDENTS, id, toDoc(resolvedIncident));
    if (lock?.open_incident_id === id)
      tx.update(INCIDENT_KEYS, docId(incident.key), { open_incident_id: null });
    return { incident: resolvedIncident, resolved: true };
  });
}

function modify(
  store: DocumentStore,
  id: string,
  change: (incident: Incident) => Incident,
): Promise<Incident> {
  return store.runTransaction(async (tx) => {
    const incident = await readIncident(tx, id);
    if (!incident) throw new NotFoundError(INCIDENTS, id);
    const changed = change(incident);
    if (changed === incident) return incident;
    const next = incidentSchema.parse(changed);
    tx.set(INCIDENTS, id, toDoc(next));
    return next;
  });
}
