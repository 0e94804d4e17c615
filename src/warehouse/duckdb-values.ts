import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  DuckDBDateValue,
  type DuckDBDecimalValue,
  type DuckDBListValue,
  type DuckDBStructValue,
  DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  LIST,
  listValue,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import { dateOfEpochDay, epochDayOf } from '../jobs/time.js';
import { arrayElement, isDateString } from './params.js';
import type { ParamType, ParamValue, ScalarParamType } from './port.js';
import type { ColumnType } from './schema.js';

export const dateValue = (ymd: string): DuckDBDateValue => new DuckDBDateValue(epochDayOf(ymd));

const TS_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch of an ISO-8601 / BigQuery export timestamp ("2026-01-02 03:04:05.123456 UTC").
 * Parsed by hand because Date drops microseconds; no zone means UTC, as in BigQuery.
 */
export function parseTimestampMicros(s: string): bigint | undefined {
  const m = TS_RE.exec(s.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone = 'Z'] = m;
  if (!isDateString(`${y}-${mo}-${d}`) || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59)
    return undefined;
  let offsetMin = 0;
  const z = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  if (z) offsetMin = (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3] ?? 0));
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec)) - offsetMin * 60_000;
  return BigInt(ms) * 1000n + BigInt(frac.padEnd(6, '0').slice(0, 6) || '0');
}

export const timestampValue = (date: Date): DuckDBTimestampTZValue =>
  new DuckDBTimestampTZValue(BigInt(date.getTime()) * 1000n);

const SCALAR_DUCK_TYPES: Record<ScalarParamType, DuckDBType> = {
  STRING: VARCHAR,
  INT64: BIGINT,
  FLOAT64: DOUBLE,
  BOOL: BOOLEAN,
  DATE,
  TIMESTAMP: TIMESTAMPTZ,
};

export function paramDuckType(type: ParamType): DuckDBType {
  const element = arrayElement(type);
  return element ? LIST(SCALAR_DUCK_TYPES[element]) : SCALAR_DUCK_TYPES[type as ScalarParamType];
}

function scalarParam(type: ScalarParamType, v: string | number | boolean | Date): DuckDBValue {
  if (type === 'DATE') return dateValue(v as string);
  if (type === 'TIMESTAMP') return timestampValue(v as Date);
  if (type === 'INT64') return BigInt(v as number);
  return v as DuckDBValue;
}

/** A checked parameter value (see checkParams) as the DuckDB value of its declared type. */
export function paramValue(type: ParamType, v: ParamValue): DuckDBValue {
  if (v === null) return null;
  const element = arrayElement(type);
  if (element && Array.isArray(v)) return listValue(v.map((x) => scalarParam(element, x)));
  return scalarParam(type as ScalarParamType, v as string | number | boolean | Date);
}

// Bulk inserts repeat a few dates millions of times; validating and converting each one was the hot spot.
const dateCache = new Map<string, DuckDBDateValue>();
function cacheDate(ymd: string): DuckDBDateValue {
  if (dateCache.size > 50_000) dateCache.clear();
  const value = dateValue(ymd);
  dateCache.set(ymd, value);
  return value;
}

const describe = (v: unknown) =>
  v instanceof Date ? `Date ${String(v)}` : `${typeof v} ${JSON.stringify(v)}`;

/**
 * A row value for a column of `type` as a DuckDB value. Accepts the port's JS types and the string forms of
 * BigQuery's JSON export (INT64 as a digit string, timestamps as "2026-01-02 03:04:05 UTC").
 * Throws a message naming what was expected; the caller adds table, row and column.
 */
export function columnValue(type: ColumnType, v: unknown): DuckDBValue {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'STRING':
      if (typeof v === 'string') return v;
      break;
    case 'INT64':
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      if (typeof v === 'bigint') return v;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      break;
    case 'FLOAT64':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      break;
    case 'BOOL':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      break;
    case 'DATE':
      if (typeof v === 'string') {
        const cached = dateCache.get(v);
        if (cached) return cached;
        if (isDateString(v)) return cacheDate(v);
      }
      if (v instanceof Date && !Number.isNaN(v.getTime())) return dateValue(v.toISOString().slice(0, 10));
      break;
    case 'TIMESTAMP': {
      if (v instanceof Date && !Number.isNaN(v.getTime())) return timestampValue(v);
      const micros = typeof v === 'string' ? parseTimestampMicros(v) : undefined;
      if (micros !== undefined) return new DuckDBTimestampTZValue(micros);
      break;
    }
    case 'JSON':
      return JSON.stringify(v);
  }
  throw new Error(`expected ${type}, got ${describe(v)}`);
}

/** A DuckDB result value as the port's JS type: DATE 'YYYY-MM-DD', TIMESTAMP Date, integers and decimals number. */
export function jsValue(value: DuckDBValue, type: DuckDBType): unknown {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return Number(value as bigint);
    case DuckDBTypeId.DECIMAL:
      return (value as DuckDBDecimalValue).toDouble();
    case DuckDBTypeId.DATE:
      return dateOfEpochDay((value as DuckDBDateValue).days);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return new Date(Number((value as DuckDBTimestampValue).micros / 1000n));
    case DuckDBTypeId.VARCHAR:
      return type.alias === 'JSON' ? JSON.parse(value as string) : value;
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return (value as DuckDBListValue).items.map((x) => jsValue(x, type.valueType));
    case DuckDBTypeId.STRUCT: {
      const entries = (value as DuckDBStructValue).entries;
      return Object.fromEntries(
        type.entryNames.map((name, i) => [
          name,
          jsValue(entries[name] ?? null, type.entryTypes[i] as DuckDBType),
        ]),
      );
    }
    default:
      return value;
  }
}
