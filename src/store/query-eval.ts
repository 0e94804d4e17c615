import type { DocData, DocValue, OrderBy, QuerySpec, StoredDoc, Where } from './port.js';

/**
 * Firestore's query semantics as a pure function, for adapters that cannot push a query down (the embedded
 * store filters a collection in memory). The contract suite runs the same queries against the Firestore
 * emulator, which keeps the two honest.
 */
export function evaluateQuery(docs: readonly StoredDoc[], spec: QuerySpec): StoredDoc[] {
  const where = spec.where ?? [];
  const order = effectiveOrder(spec);
  const matching = docs.filter(
    (doc) =>
      where.every((w) => matches(doc.data, w)) &&
      order.every((o) => fieldValue(doc.data, o.field) !== undefined),
  );
  matching.sort((a, b) => {
    for (const o of order) {
      const c = compareValues(fieldValue(a.data, o.field) ?? null, fieldValue(b.data, o.field) ?? null);
      if (c !== 0) return o.direction === 'desc' ? -c : c;
    }
    const byId = compareStrings(a.id, b.id);
    // Firestore's implicit __name__ ordering follows the direction of the last explicit ordering.
    return order.at(-1)?.direction === 'desc' ? -byId : byId;
  });
  return spec.limit === undefined ? matching : matching.slice(0, spec.limit);
}

const RANGE_OPS = new Set(['<', '<=', '>', '>=']);

/** Explicit orderings, then any range-filtered field not yet ordered on (sorted by path), as Firestore does. */
function effectiveOrder(spec: QuerySpec): OrderBy[] {
  const explicit = [...(spec.orderBy ?? [])];
  const ordered = new Set(explicit.map((o) => o.field));
  const implicit = [...new Set((spec.where ?? []).filter(([, op]) => RANGE_OPS.has(op)).map(([f]) => f))]
    .filter((f) => !ordered.has(f))
    .sort(compareStrings);
  const direction = explicit.at(-1)?.direction ?? 'asc';
  return [...explicit, ...implicit.map((field) => ({ field, direction }))];
}

export function fieldValue(data: DocData, path: string): DocValue | undefined {
  let current: DocValue | undefined = data;
  for (const part of path.split('.')) {
    if (
      current === null ||
      typeof current !== 'object' ||
      Array.isArray(current) ||
      current instanceof Date
    ) {
      return undefined;
    }
    current = (current as DocData)[part];
  }
  return current;
}

function matches(data: DocData, [field, op, operand]: Where): boolean {
  const value = fieldValue(data, field);
  if (value === undefined) return false;
  if (op === '==') return compareValues(value, operand) === 0;
  if (op === 'in') return (operand as readonly DocValue[]).some((o) => compareValues(value, o) === 0);
  // Range filters only match values of the operand's type.
  if (typeRank(value) !== typeRank(operand)) return false;
  const c = compareValues(value, operand);
  if (op === '<') return c < 0;
  if (op === '<=') return c <= 0;
  if (op === '>') return c > 0;
  return c >= 0;
}

/** Firestore's cross-type order: null < boolean < number < timestamp < string < array < map. */
function typeRank(v: DocValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (v instanceof Date) return 3;
  if (typeof v === 'string') return 4;
  if (Array.isArray(v)) return 5;
  return 6;
}

/** Firestore compares strings by their UTF-8 bytes, which differs from JS's UTF-16 order above the BMP. */
export function compareStrings(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

export function compareValues(a: DocValue, b: DocValue): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'boolean') return Number(a) - Number(b as boolean);
  if (typeof a === 'number') return Math.sign(a - (b as number));
  if (a instanceof Date) return Math.sign(a.getTime() - (b as Date).getTime());
  if (typeof a === 'string') return compareStrings(a, b as string);
  if (Array.isArray(a)) {
    const bb = b as readonly DocValue[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareValues(a[i] as DocValue, bb[i] as DocValue);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  if (a === null) return 0;
  return compareMaps(a as DocData, b as DocData);
}

function compareMaps(a: DocData, b: DocData): number {
  const ka = Object.keys(a).sort(compareStrings);
  const kb = Object.keys(b).sort(compareStrings);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const c = compareStrings(ka[i] as string, kb[i] as string);
    if (c !== 0) return c;
    const v = compareValues(a[ka[i] as string] ?? null, b[kb[i] as string] ?? null);
    if (v !== 0) return v;
  }
  return ka.length - kb.length;
}
