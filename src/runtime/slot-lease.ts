import type { Clock } from '../clock.js';
import type { SlotGate } from '../jobs/scheduler.js';
import { hours } from '../jobs/time.js';
import * as leases from '../store/leases.js';
import type { DocumentStore } from '../store/port.js';

const PREFIX = 'job:';
const jobPrefix = (job: string) => `${PREFIX}${job}:`;
export const slotLeaseName = (job: string, slot: Date) => `${jobPrefix(job)}${slot.toISOString()}`;

/** A handed-back slot older than this (in the clock's time) is left to the job's next slot. */
export const RESUME_WITHIN_MS = hours(1);

/** The job and slot a lease name stands for, or undefined for a lease that is not a slot's. */
export function parseSlotLeaseName(name: string): { job: string; slot: Date } | undefined {
  if (!name.startsWith(PREFIX)) return undefined;
  const rest = name.slice(PREFIX.length);
  const colon = rest.indexOf(':');
  const slot = new Date(rest.slice(colon + 1));
  if (colon <= 0 || Number.isNaN(slot.getTime())) return undefined;
  return { job: rest.slice(0, colon), slot };
}

/**
 * Each (job, cron slot) runs once however many instances are up: the first instance to take the slot's
 * lease runs it and marks it finished; a holder that crashed loses the slot to whoever asks after the
 * lease expires. A run a graceful shutdown cut short hands its slot back (`handBack`): any instance takes
 * it at once (`resumable` lists it for the scheduler), so the work it left is done now, not at the job's
 * next slot. Shutdown also releases slots taken but not run, and waits for these writes (`releaseAll`).
 */
export function createSlotLeases(store: DocumentStore, holder: string, clock: Clock, ttlMs = 15 * 60_000) {
  const held = new Set<string>();
  /** Lease writes under way (onResult does not wait for them; shutdown does). */
  const writing = new Set<Promise<unknown>>();
  const track = <T>(write: Promise<T>): Promise<T> => {
    writing.add(write);
    void write.finally(() => writing.delete(write)).catch(() => undefined);
    return write;
  };
  const gate: SlotGate = async (job, slot) => {
    const name = slotLeaseName(job, slot);
    const ok = await leases.acquire(store, { name, holder, ttlMs, now: clock.now() });
    if (ok) held.add(name);
    return ok;
  };
  return {
    gate,
    async finished(job: string, slot: Date): Promise<void> {
      const name = slotLeaseName(job, slot);
      held.delete(name);
      await track(leases.finish(store, name, holder, clock.now()));
    },
    /** The run stopped with work left: anyone may run the slot again now. */
    async handBack(job: string, slot: Date): Promise<void> {
      const name = slotLeaseName(job, slot);
      held.delete(name);
      await track(leases.handBack(store, name, holder, clock.now()));
    },
    /**
     * Slots handed back within RESUME_WITHIN_MS and not taken since, oldest first; a slot whose job has
     * taken a later slot meanwhile is left out (that run did the work).
     */
    async resumable(): Promise<{ job: string; slot: Date }[]> {
      const since = new Date(clock.now().getTime() - RESUME_WITHIN_MS);
      const out: { job: string; slot: Date }[] = [];
      for (const lease of await leases.listHandedBack(store, since)) {
        const parsed = parseSlotLeaseName(lease.name);
        if (!parsed || held.has(lease.name)) continue;
        if (await leases.anyAfter(store, lease.name, jobPrefix(parsed.job))) continue;
        out.push(parsed);
      }
      return out;
    },
    async releaseAll(): Promise<void> {
      await Promise.allSettled([...writing]);
      for (const name of held) await leases.release(store, name, holder);
      held.clear();
    },
  };
}
