import type { Clock } from '../clock.js';
import type { SlotGate } from '../jobs/scheduler.js';
import * as leases from '../store/leases.js';
import type { DocumentStore } from '../store/port.js';

export const slotLeaseName = (job: string, slot: Date) => `job:${job}:${slot.toISOString()}`;

/**
 * Each (job, cron slot) runs once however many instances are up: the first instance to take the slot's
 * lease runs it and marks it finished; a holder that crashed loses the slot to whoever asks after the
 * lease expires. Graceful shutdown releases unfinished slots so another instance can take them at once.
 */
export function createSlotLeases(store: DocumentStore, holder: string, clock: Clock, ttlMs = 15 * 60_000) {
  const held = new Set<string>();
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
      await leases.finish(store, name, holder, clock.now());
    },
    async releaseAll(): Promise<void> {
      for (const name of held) await leases.release(store, name, holder);
      held.clear();
    },
  };
}
