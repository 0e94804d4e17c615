import { describe, it } from 'vitest';
import * as incidents from '../../src/store/incidents.js';
import * as leases from '../../src/store/leases.js';
import * as ledger from '../../src/store/message-ledger.js';
import { AlreadyExistsError } from '../../src/store/port.js';
import * as retryQueue from '../../src/store/retry-queue.js';
import type { StoreRef } from './contract.js';
import { finding, HOUR, plus, retryInput, t0 } from './fixtures.js';

const times = <T>(n: number, fn: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

/**
 * Races between callers, as separate instances or concurrent task deliveries produce them. These tests run
 * concurrently with each other on distinct documents (the Firestore emulator takes seconds to settle each
 * contended transaction, so running them one after another would cost half a minute).
 */
export function registerRaceContract(ref: StoreRef): void {
  describe.concurrent('races', () => {
    it('10 concurrent read-increment-write transactions lose no update', async ({ expect }) => {
      await ref.store.runTransaction(async (tx) => tx.set('counters', 'race', { n: 0 }));
      await times(10, () =>
        ref.store.runTransaction(async (tx) => {
          const current = await tx.get('counters', 'race');
          tx.update('counters', 'race', { n: Number(current?.n) + 1 });
        }),
      );
      expect(await ref.store.get('counters', 'race')).toEqual({ n: 10 });
    });

    it('of 5 concurrent creates of one id exactly one wins', async ({ expect }) => {
      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          ref.store.runTransaction(async (tx) => tx.create('things', 'race', { i })),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      expect(lost).toHaveLength(4);
      for (const reason of lost) expect(reason).toBeInstanceOf(AlreadyExistsError);
    });

    it('keeps at most one open incident per key when 5 callers open it at once', async ({ expect }) => {
      const raced = finding('race:2026-01-19');
      const results = await times(5, () => incidents.open(ref.store, { finding: raced, now: t0 }));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.incident.id)).size).toBe(1);
      expect((await incidents.findOpenByKey(ref.store, raced.key))?.id).toBe(results[0]?.incident.id);
    });

    it('gives exactly one of 5 concurrent claimers the ledger claim', async ({ expect }) => {
      const results = await times(5, (i) => ledger.claim(ref.store, 'post:race', { by: i }, t0));
      const winners = results.filter((r) => r.created);
      expect(winners).toHaveLength(1);
      for (const r of results) expect(r.claim).toEqual(winners[0]?.claim);
    });

    it('creates one retry item when 5 callers create-or-join at once', async ({ expect }) => {
      const results = await times(5, () =>
        retryQueue.createOrJoin(ref.store, retryInput({ name: 'race_join' })),
      );
      expect(results.filter((r) => r.outcome === 'created')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'joined')).toHaveLength(4);
    });

    it('claims an attempt once: 10 duplicate deliveries → 1 claimed, 9 duplicates', async ({ expect }) => {
      const { item } = await retryQueue.createOrJoin(ref.store, retryInput({ name: 'race_claim' }));
      const results = await times(10, () =>
        retryQueue.claimAttempt(ref.store, item.doc_id, 1, 'task-1', plus(4 * HOUR)),
      );
      expect(results.filter((r) => r.result === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.result === 'duplicate')).toHaveLength(9);
      const after = await retryQueue.get(ref.store, item.doc_id);
      expect(after?.retry_history).toHaveLength(1);
      expect(after).toMatchObject({ status: 'retrying', retry_attempts: 1 });
    });

    it('gives a job slot to exactly one of 3 concurrent acquirers', async ({ expect }) => {
      const name = 'job:race:2026-01-19T04:00';
      const holders = ['i-1', 'i-2', 'i-3'];
      const got = await Promise.all(
        holders.map((holder) => leases.acquire(ref.store, { name, holder, ttlMs: 60_000, now: t0 })),
      );
      expect(got.filter(Boolean)).toHaveLength(1);
      expect((await leases.get(ref.store, name))?.holder).toBe(holders[got.indexOf(true)]);
    });
  });
}
