import type { QuerySpec } from './port.js';

/** One entry of `firestore.indexes.json` (the format `firebase deploy --only firestore:indexes` reads). */
export interface IndexField {
  readonly fieldPath: string;
  readonly order: 'ASCENDING' | 'DESCENDING';
}
export interface CompositeIndex {
  readonly collectionGroup: string;
  readonly queryScope: 'COLLECTION';
  readonly fields: readonly IndexField[];
}

/** What a query needs: equality fields (any order among themselves), then sorted fields in order. */
export interface IndexNeed {
  readonly collectionGroup: string;
  readonly equality: readonly string[];
  readonly sorted: readonly IndexField[];
}

const RANGE_OPS = new Set(['<', '<=', '>', '>=']);

/**
 * The composite index Firestore needs to serve a query, or undefined when its automatic single-field indexes
 * do: equality-only filters (merged by Firestore) and a single sorted field qualify. Sorted fields are the
 * explicit orderBy, then range-filtered fields not ordered on (the implicit order Firestore adds).
 */
export function requiredIndex(collection: string, spec: QuerySpec): IndexNeed | undefined {
  const explicit: IndexField[] = (spec.orderBy ?? []).map((o) => ({
    fieldPath: o.field,
    order: o.direction === 'desc' ? 'DESCENDING' : 'ASCENDING',
  }));
  const ordered = new Set(explicit.map((o) => o.fieldPath));
  const lastOrder = explicit.at(-1)?.order ?? 'ASCENDING';
  const ranges = [...new Set((spec.where ?? []).filter(([, op]) => RANGE_OPS.has(op)).map(([f]) => f))]
    .filter((f) => !ordered.has(f))
    .sort()
    .map((fieldPath) => ({ fieldPath, order: lastOrder }));
  const sorted = [...explicit, ...ranges];
  const sortedFields = new Set(sorted.map((s) => s.fieldPath));
  const equality = [...new Set((spec.where ?? []).map(([f]) => f))]
    .filter((f) => !sortedFields.has(f))
    .sort();
  if (sorted.length === 0 || (sorted.length === 1 && equality.length === 0)) return undefined;
  return { collectionGroup: collection, equality, sorted };
}

/** The `firestore.indexes.json` entry for a need (equality fields ascending). */
export function toDeclaration(need: IndexNeed): CompositeIndex {
  return {
    collectionGroup: need.collectionGroup,
    queryScope: 'COLLECTION',
    fields: [
      ...need.equality.map((fieldPath) => ({ fieldPath, order: 'ASCENDING' as const })),
      ...need.sorted,
    ],
  };
}

/** Whether a declared index serves a need: same collection, the equality fields first, then the sorted ones. */
export function serves(declared: CompositeIndex, need: IndexNeed): boolean {
  if (declared.collectionGroup !== need.collectionGroup) return false;
  const fields = declared.fields.filter((f) => f.fieldPath !== '__name__');
  if (fields.length !== need.equality.length + need.sorted.length) return false;
  const head = fields.slice(0, need.equality.length).map((f) => f.fieldPath);
  const tail = fields.slice(need.equality.length);
  return (
    [...head].sort().join() === need.equality.join() &&
    tail.every((f, i) => f.fieldPath === need.sorted[i]?.fieldPath && f.order === need.sorted[i]?.order)
  );
}
