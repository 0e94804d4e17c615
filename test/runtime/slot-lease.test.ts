import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  createSlotLeases,
  parseSlotLeaseName,
  RESUME_WITHIN_MS,
  slotLeaseName,
} from '../../src/runtime/slot-lease.js';
import type { DocumentStore } from '../../src/store/port.js';
import { tempDuckDbStore } from '../support/duckdb-store.js';

describe('slot leases', () => {
  let store: DocumentStore;
  let cleanup: () => Promise<void>;
  const clock = new ManualClock(new Date('2026-01-19T11:00:00Z'));
  const slot = new Date('2026-01-19T11:00:00Z');
  beforeEach(async () => ({ store, cleanup } = await tempDuckDbStore()));
  afterEach(() => cleanup());

  it('gives a slot to exactly one of three instances racing, and never again once finished', async () => {
    const instances = ['a', 'b', 'c'].map((h) => createSlotLeases(store, h, clock, 60_000));
    const won = await Promise.all(instances.map((i) => i.gate('gaps', slot)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = instances[won.indexOf(true)];
    await winner?.finished('gaps', slot);
    clock.advance(10 * 60_000);
    expect(await Promise.all(instances.map((i) => i.gate('gaps', slot)))).toEqual([false, false, false]);
  });

  it('lets another instance take a crashed holder’s slot after expiry, or at once after a graceful release', async () => {
    const [a, b] = [createSlotLeases(store, 'a', clock, 60_000), createSlotLeases(store, 'b', clock, 60_000)];
    expect(await a.gate('health', slot)).toBe(true);
    expect(await b.gate('health', slot)).toBe(false);
    clock.advance(61_000);
    expect(await b.gate('health', slot)).toBe(true);

    const other = new Date('2026-01-19T15:00:00Z');
    expect(await a.gate('health', other)).toBe(true);
    await a.releaseAll();
    expect(await b.gate('health', other)).toBe(true);
  });

  it('a slot handed back is free at once and listed for resuming, until it is taken or a later slot is', async () => {
    const [a, b] = [createSlotLeases(store, 'a', clock, 60_000), createSlotLeases(store, 'b', clock, 60_000)];
    const later = new Date('2026-01-19T15:00:00Z');
    expect(await a.gate('gaps', slot)).toBe(true);
    expect(await a.gate('health', slot)).toBe(true);
    await a.handBack('gaps', slot);
    await a.handBack('health', slot);
    await a.releaseAll();
    expect(await b.resumable()).toEqual([
      { job: 'gaps', slot },
      { job: 'health', slot },
    ]);
    // health has taken a later slot meanwhile: that run did the work.
    expect(await b.gate('health', later)).toBe(true);
    expect(await b.resumable()).toEqual([{ job: 'gaps', slot }]);
    expect(await b.gate('gaps', slot)).toBe(true); // no waiting for the TTL
    await b.finished('gaps', slot);
    expect(await b.resumable()).toEqual([]);
    // Too old to resume: left to the job's next slot.
    expect(await a.gate('grading', later)).toBe(true);
    await a.handBack('grading', later);
    clock.advance(RESUME_WITHIN_MS + 60 * 60_000);
    expect(await b.resumable()).toEqual([]);
  });

  it('parses slot lease names back into job and slot', () => {
    expect(parseSlotLeaseName(slotLeaseName('retry-sweeper', slot))).toEqual({ job: 'retry-sweeper', slot });
    expect(parseSlotLeaseName('digest:2026-01-19')).toBeUndefined();
    expect(parseSlotLeaseName('job:gaps:not-a-time')).toBeUndefined();
  });
});
