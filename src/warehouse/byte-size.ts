// Byte sizes as people write them (`5GB`, `500 MiB`, `1073741824`), for BigQuery's maximumBytesBilled: the
// configured default (BIGQUERY_MAX_BYTES_BILLED) and a query file's `-- @max_bytes_billed` override.

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/**
 * BigQuery bills at least 10 MB for every table a query reads, so a smaller cap would fail every query
 * (README, "BigQuery guardrails").
 */
export const MIN_MAX_BYTES_BILLED = 10 * 2 ** 20;

const SIZE = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/** Bytes of `text`, or an error message saying what to write instead. */
export function parseByteSize(raw: string): number | { readonly error: string } {
  const text = raw.trim();
  const match = SIZE.exec(text);
  const unit = UNITS[(match?.[2] || 'b').toLowerCase()];
  if (!match?.[1] || unit === undefined)
    return { error: `"${text}" is not a byte size (write e.g. 500MB, 5GB, 1TiB or a number of bytes)` };
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < MIN_MAX_BYTES_BILLED)
    return {
      error: `"${text}" is below 10 MiB, the least BigQuery bills for a table a query reads: every query would fail`,
    };
  if (!Number.isSafeInteger(bytes)) return { error: `"${text}" is too large` };
  return bytes;
}

/** `5 GiB`, `500 MiB`, `12345 bytes`: for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['TiB', 2 ** 40],
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} bytes`;
}
