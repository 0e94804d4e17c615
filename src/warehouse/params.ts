import {
  type Params,
  type ParamType,
  type ParamValue,
  type ParsedSqlFile,
  type ScalarParamType,
  WarehouseError,
} from './port.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Is `s` a real calendar date written as YYYY-MM-DD? */
export function isDateString(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function scalarOk(type: ScalarParamType, v: unknown): boolean {
  switch (type) {
    case 'STRING':
      return typeof v === 'string';
    case 'INT64':
      return typeof v === 'number' && Number.isSafeInteger(v);
    case 'FLOAT64':
      return typeof v === 'number';
    case 'BOOL':
      return typeof v === 'boolean';
    case 'DATE':
      return typeof v === 'string' && isDateString(v);
    case 'TIMESTAMP':
      return v instanceof Date && !Number.isNaN(v.getTime());
  }
}

const EXPECTED: Record<ScalarParamType, string> = {
  STRING: 'a string',
  INT64: 'a safe integer',
  FLOAT64: 'a number',
  BOOL: 'a boolean',
  DATE: "a 'YYYY-MM-DD' string",
  TIMESTAMP: 'a valid Date',
};

const describe = (v: unknown) =>
  v instanceof Date ? `Date ${String(v)}` : `${typeof v} ${JSON.stringify(v)}`;

/** Element type of `ARRAY<T>`, or undefined for a scalar type. */
export function arrayElement(type: ParamType): ScalarParamType | undefined {
  return /^ARRAY<(.+)>$/.exec(type)?.[1] as ScalarParamType | undefined;
}

function valueError(type: ParamType, v: ParamValue): string | undefined {
  if (v === null) return undefined; // a typed NULL, as BigQuery allows
  const element = arrayElement(type);
  if (element) {
    if (!Array.isArray(v)) return `must be an array of ${EXPECTED[element]}, got ${describe(v)}`;
    const bad = (v as readonly unknown[]).findIndex((x) => !scalarOk(element, x));
    return bad < 0 ? undefined : `[${bad}] must be ${EXPECTED[element]}, got ${describe(v[bad])}`;
  }
  return scalarOk(type as ScalarParamType, v)
    ? undefined
    : `must be ${EXPECTED[type as ScalarParamType]}, got ${describe(v)}`;
}

/**
 * Checks the caller's parameters against the file header's declarations, the same way for both engines:
 * a missing, undeclared or mistyped parameter is a WarehouseError naming the file and the parameter.
 */
export function checkParams(file: ParsedSqlFile, params: Params): void {
  for (const [name, type] of Object.entries(file.params)) {
    if (!(name in params) || params[name] === undefined) {
      throw new WarehouseError(`${file.name}: missing parameter @${name} (${type})`, file.name);
    }
    const problem = valueError(type, params[name] as ParamValue);
    if (problem) throw new WarehouseError(`${file.name}: parameter @${name} (${type}) ${problem}`, file.name);
  }
  for (const name of Object.keys(params)) {
    if (!(name in file.params)) {
      throw new WarehouseError(
        `${file.name}: unexpected parameter @${name} (not declared with "-- @param" in the file header)`,
        file.name,
      );
    }
  }
}
