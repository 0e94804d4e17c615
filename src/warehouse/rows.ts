import { type QueryDef, WarehouseError } from './port.js';

/** Validates one converted result row with the query's zod schema; the error names the file, row and column. */
export function validateRow<Row>(def: QueryDef<Row>, row: Record<string, unknown>, index: number): Row {
  const parsed = def.row.safeParse(row);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const column = issue?.path.join('.') || '(row)';
  const value = issue?.path.length ? row[String(issue.path[0])] : row;
  throw new WarehouseError(
    `${def.file}: row ${index + 1}, column ${column}: ${issue?.message ?? 'invalid'} (got ${JSON.stringify(value)})`,
    def.file,
    { cause: parsed.error },
  );
}
