/**
 * The Store port: a small typed document store with transactions. Firestore in the cloud, DuckDB embedded.
 * Domain repositories (incidents, retry queue, audit, leases, message ledger) are written once on top of it.
 *
 * Documents are plain JSON-like objects whose values may also be `Date` (Firestore Timestamps and the DuckDB
 * encoding both come back as `Date`). Object keys whose value is `undefined` are dropped, as Firestore's
 * `ignoreUndefinedProperties` does; arrays may not contain arrays (a Firestore rule, enforced on both adapters).
 * Object key order is NOT preserved (Firestore returns map keys sorted; the embedded adapter sorts them too):
 * keep anything whose order matters in an array.
 */
export type DocValue = string | number | boolean | null | Date | readonly DocValue[] | DocObject;
export interface DocObject {
  readonly [field: string]: DocValue | undefined;
}
export type DocData = DocObject;

export type WhereOp = '==' | '<' | '<=' | '>' | '>=' | 'in';
/** `field` may be a dotted path into nested objects (`message.channel`). */
export type Where = readonly [field: string, op: WhereOp, value: DocValue];
export interface OrderBy {
  readonly field: string;
  readonly direction?: 'asc' | 'desc';
}

/**
 * Firestore query semantics, which both adapters implement: a filter or orderBy on a field excludes documents
 * that lack it; range filters only match values of the same type as the operand (a Date bound never matches a
 * string or null); `in` takes an array of at most 30 values. Results tie-break by document id.
 */
export interface QuerySpec {
  readonly where?: readonly Where[];
  readonly orderBy?: readonly OrderBy[];
  readonly limit?: number;
}

export interface StoredDoc<T = DocData> {
  readonly id: string;
  readonly data: T;
}

export interface StoreReader {
  get(collection: string, id: string): Promise<DocData | undefined>;
  query(collection: string, spec: QuerySpec): Promise<StoredDoc[]>;
}

/**
 * A transaction's view. As in Firestore, every read must come before the first write (adapters throw
 * otherwise), and writes are buffered and applied atomically when the function returns. A write that
 * cannot be applied (create of an existing id, update of a missing one) fails the whole transaction:
 * `runTransaction` rejects with `AlreadyExistsError` / `NotFoundError` and nothing is written.
 */
export interface Transaction extends StoreReader {
  create(collection: string, id: string, data: DocData): void;
  set(collection: string, id: string, data: DocData): void;
  /** Replaces the given top-level fields of an existing document; others stay as they are. */
  update(collection: string, id: string, fields: DocData): void;
  delete(collection: string, id: string): void;
}

export interface DocumentStore extends StoreReader {
  readonly engine: 'firestore' | 'duckdb';
  /**
   * Run `fn` atomically with serializable read-then-write behaviour: concurrent transactions touching the same
   * documents never lose an update. `fn` MAY RUN MORE THAN ONCE (Firestore retries on contention), so it must
   * have no side effects besides the transaction's own reads and writes: never call Slack or enqueue a task
   * inside it — return what happened and act after it commits.
   */
  runTransaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Cheap reachability probe for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** A `create` whose id already exists (Firestore gRPC code 6 ALREADY_EXISTS). */
export class AlreadyExistsError extends StoreError {
  constructor(
    readonly collection: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${collection}/${id} already exists`, options);
    this.name = 'AlreadyExistsError';
  }
}

/** An `update` of a document that does not exist (Firestore gRPC code 5 NOT_FOUND). */
export class NotFoundError extends StoreError {
  constructor(
    readonly collection: string,
    readonly id: string,
    options?: { cause?: unknown },
  ) {
    super(`${collection}/${id} does not exist`, options);
    this.name = 'NotFoundError';
  }
}

/**
 * Run a read-then-create transaction again if its create lost a race. Under contention Firestore may report the
 * loser's create as ALREADY_EXISTS (not retried by the client) instead of aborting it; the second run reads the
 * winner's document and returns it.
 */
export async function retryIfAlreadyExists<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AlreadyExistsError) return fn();
    throw err;
  }
}

export const MAX_IN_VALUES = 30;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const COLLECTION = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A document id both backends accept, made from arbitrary text (a dedup key, a lease name): Firestore ids may
 * not contain `/`, be `.`/`..` or look like `__x__`. Reversible: `%` and `/` are percent-encoded.
 */
export function docId(text: string): string {
  if (text === '') throw new StoreError('a document id cannot be empty');
  const id = text.replaceAll('%', '%25').replaceAll('/', '%2F');
  if (id === '.' || id === '..' || /^__.*__$/.test(id)) return id.replace(/^[._]/, (c) => `%${hex(c)}`);
  return id;
}

const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase();

export function assertCollection(collection: string): void {
  if (!COLLECTION.test(collection)) throw new StoreError(`bad collection name: ${collection}`);
}

export function assertDocId(id: string): void {
  if (id === '' || id.includes('/') || id === '.' || id === '..' || /^__.*__$/.test(id)) {
    throw new StoreError(`bad document id: ${JSON.stringify(id)} (use docId() to derive one from text)`);
  }
}

/** Checks a query against the rules both backends share, so a query that works embedded works in the cloud. */
export function assertQuery(spec: QuerySpec): void {
  for (const [field, op, value] of spec.where ?? []) {
    if (!FIELD_PATH.test(field)) throw new StoreError(`bad field path in where: ${field}`);
    if (op === 'in' && (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES)) {
      throw new StoreError(`'in' on ${field} needs an array of 1-${MAX_IN_VALUES} values`);
    }
  }
  for (const { field } of spec.orderBy ?? []) {
    if (!FIELD_PATH.test(field)) throw new StoreError(`bad field path in orderBy: ${field}`);
  }
  if (spec.limit !== undefined && (!Number.isInteger(spec.limit) || spec.limit < 1)) {
    throw new StoreError(`limit must be a positive integer, got ${spec.limit}`);
  }
}

/**
 * The document as both backends will store it: `undefined` object values dropped, everything else checked.
 * Throws on values neither backend can hold the same way (NaN, nested arrays, class instances).
 */
export function normalizeDoc(data: DocData): DocData {
  const out = normalizeValue(data, '', false);
  if (out === null || typeof out !== 'object' || Array.isArray(out) || out instanceof Date) {
    throw new StoreError('a document must be a plain object');
  }
  return out as DocData;
}

function normalizeValue(value: unknown, path: string, inArray: boolean): DocValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreError(`${path || 'value'} is not a finite number`);
    return value;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new StoreError(`${path || 'value'} is an invalid Date`);
    return new Date(value.getTime());
  }
  if (Array.isArray(value)) {
    if (inArray) throw new StoreError(`${path} is an array inside an array (Firestore forbids it)`);
    return value.map((v, i) => {
      if (v === undefined) throw new StoreError(`${path}[${i}] is undefined`);
      return normalizeValue(v, `${path}[${i}]`, true);
    });
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, DocValue> = {};
    // Sorted like Firestore returns them, so code that depends on key order fails embedded too.
    for (const [k, v] of Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (k === '' || /^__.*__$/.test(k))
        throw new StoreError(`${path}: field name ${JSON.stringify(k)} is reserved`);
      if (v !== undefined) out[k] = normalizeValue(v, path ? `${path}.${k}` : k, false);
    }
    return out;
  }
  throw new StoreError(`${path || 'value'} is not storable (${typeof value})`);
}
