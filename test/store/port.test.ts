import { describe, expect, it } from 'vitest';
import { decodeDoc, encodeDoc } from '../../src/store/json-codec.js';
import {
  AlreadyExistsError,
  assertDocId,
  docId,
  normalizeDoc,
  retryIfAlreadyExists,
  StoreError,
} from '../../src/store/port.js';
import { compareStrings, evaluateQuery } from '../../src/store/query-eval.js';

describe('docId', () => {
  it('makes any text a valid, distinct document id', () => {
    const texts = ['a/b', 'a%2Fb', '.', '..', '__x__', 'source_discrepancy:bdl:2026-01-19'];
    const ids = texts.map(docId);
    for (const id of ids) expect(() => assertDocId(id)).not.toThrow();
    expect(new Set(ids).size).toBe(texts.length);
    expect(docId('source_discrepancy:bdl:2026-01-19')).toBe('source_discrepancy:bdl:2026-01-19');
  });
});

describe('normalizeDoc', () => {
  it('drops undefined, sorts keys, copies Dates, and rejects what Firestore cannot store', () => {
    const when = new Date('2026-01-19T00:00:00Z');
    const out = normalizeDoc({ b: 1, a: undefined, c: { z: when, y: [1, { x: undefined }] } });
    expect(out).toEqual({ b: 1, c: { y: [1, {}], z: when } });
    expect(Object.keys(out)).toEqual(['b', 'c']);
    expect(Object.keys(out.c as object)).toEqual(['y', 'z']);
    expect(() => normalizeDoc({ a: [[1]] })).toThrow(StoreError);
    expect(() => normalizeDoc({ a: Number.POSITIVE_INFINITY })).toThrow(StoreError);
    expect(() => normalizeDoc({ a: new Map() as never })).toThrow(StoreError);
    expect(() => normalizeDoc({ __name__: 1 })).toThrow(StoreError);
  });
});

describe('JSON codec', () => {
  it('round-trips Dates and user keys that look like the Date marker', () => {
    const doc = { at: new Date('2026-01-19T04:00:00.123Z'), fake: { $date: 'not a date' }, $$x: [{ $y: 1 }] };
    const back = decodeDoc(encodeDoc(doc));
    expect(back).toEqual(doc);
    expect(back.at).toBeInstanceOf(Date);
    expect(typeof (back.fake as Record<string, unknown>).$date).toBe('string');
  });
});

describe('retryIfAlreadyExists', () => {
  it('runs once more after a lost create race, and only for that error', async () => {
    let calls = 0;
    const result = await retryIfAlreadyExists(async () => {
      calls += 1;
      if (calls === 1) throw new AlreadyExistsError('c', 'x');
      return 'existing';
    });
    expect([result, calls]).toEqual(['existing', 2]);
    await expect(retryIfAlreadyExists(() => Promise.reject(new Error('other')))).rejects.toThrow('other');
  });
});

describe('evaluateQuery', () => {
  it('orders strings by UTF-8 bytes like Firestore, not by UTF-16 units', () => {
    // U+FF5E (BMP, above the surrogates) sorts before U+1F600 in UTF-8, after it in UTF-16.
    expect(compareStrings('\uFF5E', '\u{1F600}')).toBeLessThan(0);
    const docs = [
      { id: 'emoji', data: { s: '\u{1F600}' } },
      { id: 'wide', data: { s: '\uFF5E' } },
    ];
    expect(evaluateQuery(docs, { orderBy: [{ field: 's' }] }).map((d) => d.id)).toEqual(['wide', 'emoji']);
  });
});
