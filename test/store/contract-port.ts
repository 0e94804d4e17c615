import { describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, StoreError } from '../../src/store/port.js';
import type { StoreRef } from './contract.js';

const at = (iso: string) => new Date(iso);

export function registerPortContract(ref: StoreRef): void {
  describe('port', () => {
    it('round-trips Dates (top level, nested, in arrays) to the millisecond and drops undefined', async () => {
      const doc = {
        when: at('2026-01-19T04:00:00.123Z'),
        nested: {
          until: at('2026-01-20T06:00:00.001Z'),
          list: [1, 'two', { x: at('2026-01-21T00:00:00Z') }],
        },
        gone: undefined,
        none: null,
        flag: false,
        n: 1.5,
      };
      await ref.store.runTransaction(async (tx) => tx.set('things', 'a', doc));
      const read = await ref.store.get('things', 'a');
      expect(read).toEqual({
        when: at('2026-01-19T04:00:00.123Z'),
        nested: {
          until: at('2026-01-20T06:00:00.001Z'),
          list: [1, 'two', { x: at('2026-01-21T00:00:00Z') }],
        },
        none: null,
        flag: false,
        n: 1.5,
      });
      expect(read?.when).toBeInstanceOf(Date);
      expect(read && 'gone' in read).toBe(false);
      expect(await ref.store.get('things', 'missing')).toBeUndefined();
    });

    it('create of an existing id fails the whole transaction with AlreadyExistsError', async () => {
      await ref.store.runTransaction(async (tx) => tx.create('things', 'a', { v: 1 }));
      const attempt = ref.store.runTransaction(async (tx) => {
        tx.set('things', 'b', { v: 2 });
        tx.create('things', 'a', { v: 3 });
      });
      await expect(attempt).rejects.toBeInstanceOf(AlreadyExistsError);
      await expect(attempt).rejects.toMatchObject({ collection: 'things', id: 'a' });
      expect(await ref.store.get('things', 'a')).toEqual({ v: 1 });
      expect(await ref.store.get('things', 'b')).toBeUndefined();
    });

    it('update replaces only the named top-level fields and fails on a missing document', async () => {
      await ref.store.runTransaction(async (tx) => tx.set('things', 'a', { keep: 1, map: { x: 1, y: 2 } }));
      await ref.store.runTransaction(async (tx) => tx.update('things', 'a', { map: { x: 9 }, added: 'z' }));
      expect(await ref.store.get('things', 'a')).toEqual({ keep: 1, map: { x: 9 }, added: 'z' });
      const missing = ref.store.runTransaction(async (tx) => tx.update('things', 'nope', { a: 1 }));
      await expect(missing).rejects.toBeInstanceOf(NotFoundError);
      expect(await ref.store.get('things', 'nope')).toBeUndefined();
    });

    it('a throwing transaction function writes nothing; delete removes', async () => {
      await ref.store.runTransaction(async (tx) => tx.set('things', 'a', { v: 1 }));
      const boom = ref.store.runTransaction(async (tx) => {
        await tx.get('things', 'a');
        tx.set('things', 'a', { v: 2 });
        tx.set('things', 'b', { v: 2 });
        throw new Error('boom');
      });
      await expect(boom).rejects.toThrow('boom');
      expect(await ref.store.get('things', 'a')).toEqual({ v: 1 });
      expect(await ref.store.get('things', 'b')).toBeUndefined();
      await ref.store.runTransaction(async (tx) => tx.delete('things', 'a'));
      expect(await ref.store.get('things', 'a')).toBeUndefined();
    });

    it('rejects a read after a write inside a transaction, as Firestore does', async () => {
      const bad = ref.store.runTransaction(async (tx) => {
        tx.set('things', 'a', { v: 1 });
        await tx.get('things', 'a');
      });
      await expect(bad).rejects.toThrow(/reads to be executed before all writes/);
      expect(await ref.store.get('things', 'a')).toBeUndefined();
    });

    it('rejects values the two backends cannot both hold', async () => {
      const nested = ref.store.runTransaction(async (tx) => tx.set('things', 'a', { v: [[1]] }));
      await expect(nested).rejects.toBeInstanceOf(StoreError);
      const nan = ref.store.runTransaction(async (tx) => tx.set('things', 'a', { v: Number.NaN }));
      await expect(nan).rejects.toBeInstanceOf(StoreError);
      await expect(ref.store.get('things', 'a/b')).rejects.toBeInstanceOf(StoreError);
    });

    it('orders strings by their UTF-8 bytes', async () => {
      await ref.store.runTransaction(async (tx) => {
        tx.set('things', 'emoji', { s: '\u{1F600}' });
        tx.set('things', 'wide', { s: '\uFF5E' });
        tx.set('things', 'ascii', { s: 'z' });
      });
      const ids = (await ref.store.query('things', { orderBy: [{ field: 's' }] })).map((d) => d.id);
      expect(ids).toEqual(['ascii', 'wide', 'emoji']);
    });

    it('queries with Firestore semantics: types, missing fields, in, nested paths, order, limit, id tie-break', async () => {
      const docs: Record<string, Record<string, unknown>> = {
        a: { status: 'open', due: at('2026-01-19T10:00:00Z'), rank: 2, m: { ch: 'C1' } },
        b: { status: 'open', due: at('2026-01-19T08:00:00Z'), rank: 1, m: { ch: 'C2' } },
        c: { status: 'done', due: at('2026-01-19T09:00:00Z'), rank: 1, m: { ch: 'C1' } },
        d: { status: 'open', due: null, rank: 1 },
        e: { status: 'open', due: '2026-01-19T07:00:00Z', rank: 3 },
        f: { status: 'open', rank: 2 },
      };
      await ref.store.runTransaction(async (tx) => {
        for (const [id, data] of Object.entries(docs)) tx.set('things', id, data as never);
      });
      const ids = async (spec: Parameters<typeof ref.store.query>[1]) =>
        (await ref.store.query('things', spec)).map((d) => d.id);

      // A Date bound matches only Dates: null, a string and a missing field are out.
      expect(await ids({ where: [['due', '<=', at('2026-01-19T12:00:00Z')]] })).toEqual(['b', 'c', 'a']);
      expect(
        await ids({
          where: [
            ['status', '==', 'open'],
            ['due', '<=', at('2026-01-19T12:00:00Z')],
          ],
          orderBy: [{ field: 'due' }],
        }),
      ).toEqual(['b', 'a']);
      expect(await ids({ where: [['status', 'in', ['done', 'nope']]] })).toEqual(['c']);
      expect(await ids({ where: [['m.ch', '==', 'C1']] })).toEqual(['a', 'c']);
      expect(await ids({ where: [['due', '==', null]] })).toEqual(['d']);
      // orderBy excludes documents without the field; ties break by id, reversed with a descending order.
      expect(await ids({ orderBy: [{ field: 'rank', direction: 'desc' }] })).toEqual([
        'e',
        'f',
        'a',
        'd',
        'c',
        'b',
      ]);
      expect(await ids({ orderBy: [{ field: 'm.ch' }] })).toEqual(['a', 'c', 'b']);
      expect(await ids({ where: [['rank', '==', 1]], limit: 2 })).toEqual(['b', 'c']);
      const [first] = await ref.store.query('things', { where: [['status', '==', 'done']] });
      expect(first?.data.due).toEqual(at('2026-01-19T09:00:00Z'));
    });
  });
}
