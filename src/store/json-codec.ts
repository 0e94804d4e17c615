import type { DocData, DocValue } from './port.js';

/**
 * JSON text for the embedded store that keeps Dates: a Date becomes `{"$date": "<ISO>"}`, and an object key
 * that starts with `$` gets one more `$`, so no user object can be mistaken for a Date.
 */
export function encodeDoc(doc: DocData): string {
  return JSON.stringify(encodeValue(doc));
}

export function decodeDoc(text: string): DocData {
  return decodeValue(JSON.parse(text)) as DocData;
}

function encodeValue(v: DocValue | undefined): unknown {
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      if (child !== undefined) out[k.startsWith('$') ? `$${k}` : k] = encodeValue(child);
    }
    return out;
  }
  return v;
}

function decodeValue(v: unknown): DocValue {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    const [only] = entries;
    if (entries.length === 1 && only?.[0] === '$date' && typeof only[1] === 'string')
      return new Date(only[1]);
    const out: Record<string, DocValue> = {};
    for (const [k, child] of entries) out[k.startsWith('$') ? k.slice(1) : k] = decodeValue(child);
    return out;
  }
  return v as DocValue;
}
