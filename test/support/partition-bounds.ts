// Which partitioned tables a statement reads without bounding the partition column on both sides, decided on
// ZetaSQL's resolved AST (the analyzer's output, not the SQL text): every table scan, and the filters that
// provably restrict the rows it contributes. The AST arrives as the gRPC response's JSON (proto-loader with
// `oneofs`: each `Any...Proto` names its set branch in `node`), so the walk reads it as plain data.
//
// Sound, not complete: a filter counts only where BigQuery can prune with it, and anything not understood
// counts as no bound. A filter is credited to a scan when it is a top-level conjunct (AND) of
//   - a WHERE (FilterScan) whose path down to the scan passes only through projections, ORDER BY, other
//     WHERE clauses and joins on a side the filter can be pushed to (both sides of INNER/CROSS, the
//     preserved side of LEFT/RIGHT; the ON clause to the null-supplying side too, whose rows it restricts);
//     aggregates, window functions (QUALIFY), LIMIT, set operations, UNNEST and CTE references stop it,
//     since the scan's rows are read before them;
//   - the WHERE of the UPDATE or DELETE that scans the table;
// and it compares the scan's own partition column (by ZetaSQL column id, so aliases and same-named columns
// of other tables cannot stand in) with a constant: parameters, literals and functions of them
// (`DATE_SUB(@d, INTERVAL 1 DAY)`). `=`, `BETWEEN`, `IN` bound both sides; `<`, `<=`, `>`, `>=` one. OR,
// NOT, CASE, subqueries and correlated columns are not bounds.

/** One read of a partitioned table and which sides of its partition column the statement bounds. */
export interface PartitionRead {
  /** `dataset.table` */
  readonly table: string;
  readonly column: string;
  readonly lower: boolean;
  readonly upper: boolean;
}

type Node = Readonly<Record<string, unknown>>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The innermost set branch of a oneof wrapper chain: `{ resolvedFilterScanNode: {...}, node: '...' }`. */
function leaf(value: unknown): { kind: string; body: Node } | undefined {
  let kind = '';
  let body = value;
  while (isNode(body) && typeof body.node === 'string' && isNode(body[body.node])) {
    kind = body.node;
    body = body[kind];
  }
  return kind && isNode(body) ? { kind, body } : undefined;
}

const field = (node: Node | undefined, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (isNode(v) ? v[key] : undefined), node);

/** A column id as a string: ZetaSQL ids are int64 (a Long, `{ low, high }`, from proto-loader). */
function columnKey(column: unknown): string | undefined {
  const id = field(isNode(column) ? column : undefined, 'columnId');
  if (typeof id === 'number' || typeof id === 'string') return String(id);
  return isNode(id) ? `${String(id.high ?? 0)}:${String(id.low ?? 0)}` : undefined;
}

interface Call {
  readonly name: string;
  readonly args: readonly unknown[];
}

function scalarCall(expr: unknown): Call | undefined {
  const node = leaf(expr);
  if (node?.kind !== 'resolvedFunctionCallNode') return undefined;
  const name = field(node.body, 'parent', 'function', 'name');
  const args = field(node.body, 'parent', 'argumentList');
  if (typeof name !== 'string' || !Array.isArray(args)) return undefined;
  return { name: name.replace(/^ZetaSQL:/, ''), args };
}

/** The conjuncts of a boolean expression (AND flattened); anything else is one conjunct. */
function conjuncts(expr: unknown): unknown[] {
  if (!isNode(expr)) return [];
  const call = scalarCall(expr);
  return call?.name === '$and' ? call.args.flatMap(conjuncts) : [expr];
}

/** The same value for every row of the statement: literals, parameters, casts and scalar functions of them. */
function isConstant(expr: unknown): boolean {
  const node = leaf(expr);
  if (!node) return false;
  if (node.kind === 'resolvedLiteralNode' || node.kind === 'resolvedParameterNode') return true;
  if (node.kind === 'resolvedCastNode') return isConstant(node.body.expr);
  const call = scalarCall(expr);
  return call?.args.every(isConstant) ?? false;
}

function isColumn(expr: unknown, key: string): boolean {
  const node = leaf(expr);
  return node?.kind === 'resolvedColumnRefNode' && columnKey(node.body.column) === key;
}

/** The sides of column `key` one conjunct bounds by a constant. */
function boundsOf(conjunct: unknown, key: string): { lower: boolean; upper: boolean } {
  const none = { lower: false, upper: false };
  const call = scalarCall(conjunct);
  if (!call) return none;
  const [first, ...rest] = call.args;
  const both = { lower: true, upper: true };
  switch (call.name) {
    case '$equal':
    case '$between':
    case '$in':
    case '$in_array': {
      const ok = call.name === '$equal' && isColumn(rest[0], key) ? isConstant(first) : undefined;
      if (ok !== undefined) return ok ? both : none;
      return isColumn(first, key) && rest.length > 0 && rest.every(isConstant) ? both : none;
    }
    case '$less':
    case '$less_or_equal':
    case '$greater':
    case '$greater_or_equal': {
      const below = call.name.startsWith('$less'); // column < k: an upper bound
      if (isColumn(first, key) && isConstant(rest[0])) return { lower: !below, upper: below };
      if (isColumn(rest[0], key) && isConstant(first)) return { lower: below, upper: !below };
      return none;
    }
    default:
      return none;
  }
}

/**
 * The filters that restrict each side's rows: INNER (and CROSS) both sides get the WHERE above and the ON;
 * LEFT/RIGHT the preserved side gets the WHERE (the ON does not drop its rows), the null-supplying side the ON
 * (only matching rows of it are read); FULL neither. Join types arrive as enum numbers (INNER 0 ... FULL 3).
 */
function joinSides(
  type: unknown,
  filters: readonly unknown[],
  on: readonly unknown[],
): [readonly unknown[], readonly unknown[]] {
  if (type === 0 || type === 'INNER')
    return [
      [...filters, ...on],
      [...filters, ...on],
    ];
  if (type === 1 || type === 'LEFT') return [filters, on];
  if (type === 2 || type === 'RIGHT') return [on, filters];
  return [[], []];
}

/** A ResolvedTableScanProto, wrapped in its oneof or bare (as DML statements hold their target). */
const isTableScan = (v: Node) => typeof field(v, 'table', 'fullName') === 'string' && 'columnIndexList' in v;

/** Every table scan anywhere in the tree, by table: what the walk must have accounted for. */
function countTableScans(value: unknown, counts = new Map<string, number>()): Map<string, number> {
  if (Array.isArray(value)) for (const v of value) countTableScans(v, counts);
  else if (isNode(value)) {
    if (isTableScan(value)) {
      const table = String(field(value, 'table', 'fullName'));
      counts.set(table, (counts.get(table) ?? 0) + 1);
    }
    for (const v of Object.values(value)) countTableScans(v, counts);
  }
  return counts;
}

/**
 * The inputs of a node whose rows the filters in force (and the node's own) still restrict, by property;
 * every other property (expressions, subqueries, CTE bodies, aggregate and window inputs) starts unfiltered.
 */
function filteredInputs(kind: string, body: Node, filters: readonly unknown[]) {
  const inputs = new Map<string, readonly unknown[]>();
  switch (kind) {
    case 'resolvedFilterScanNode':
      inputs.set('inputScan', [...filters, ...conjuncts(body.filterExpr)]);
      break;
    case 'resolvedProjectScanNode':
    case 'resolvedOrderByScanNode':
      inputs.set('inputScan', filters);
      break;
    case 'resolvedJoinScanNode': {
      const [left, right] = joinSides(body.joinType, filters, conjuncts(body.joinExpr));
      inputs.set('leftScan', left).set('rightScan', right);
      break;
    }
    case 'resolvedUpdateStmtNode':
    case 'resolvedDeleteStmtNode':
      inputs.set('tableScan', conjuncts(body.whereExpr));
      break;
  }
  return inputs;
}

/** Partition columns by table (`dataset.table` → column). */
export type PartitionColumns = ReadonlyMap<string, string>;

/** Every read of a partitioned table in a resolved statement, with the bounds it has. */
export function partitionReads(resolved: unknown, partitioned: PartitionColumns): PartitionRead[] {
  const reads: PartitionRead[] = [];

  const tableScan = (scan: unknown, filters: readonly unknown[]) => {
    if (!isNode(scan)) return;
    const table = field(scan, 'table', 'fullName');
    const column = typeof table === 'string' ? partitioned.get(table) : undefined;
    if (typeof table !== 'string' || !column) return;
    const columns = field(scan, 'parent', 'columnList');
    const scanned = Array.isArray(columns) ? columns.find((c) => field(c, 'name') === column) : undefined;
    const key = columnKey(scanned);
    const bounds = key ? filters.map((f) => boundsOf(f, key)) : [];
    reads.push({
      table,
      column,
      lower: bounds.some((b) => b.lower),
      upper: bounds.some((b) => b.upper),
    });
  };

  function visit(value: unknown, filters: readonly unknown[]): void {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, []);
    } else if (isNode(value)) {
      const node = leaf(value);
      // DML statements hold their target as a bare ResolvedTableScanProto (INSERT and MERGE get no filter).
      if (!node && isTableScan(value)) tableScan(value, filters);
      else if (node?.kind === 'resolvedTableScanNode') tableScan(node.body, filters);
      else {
        const body = node?.body ?? value;
        const inherited = node ? filteredInputs(node.kind, body, filters) : new Map();
        for (const [key, child] of Object.entries(body)) visit(child, inherited.get(key) ?? []);
      }
    }
  }

  visit(resolved, []);
  // A scan the walk did not reach would pass unchecked: the proof must have seen every one.
  for (const [table, count] of countTableScans(resolved)) {
    const seen = reads.filter((r) => r.table === table).length;
    if (partitioned.has(table) && seen !== count)
      throw new Error(`the walk saw ${seen} of the ${count} scans of ${table}: it does not know a node kind`);
  }
  return reads;
}

/** What is missing from a read, e.g. `nba_monitoring.scrape_events: no upper bound on target_date`. */
export function missingBounds(read: PartitionRead): string | undefined {
  const missing = [read.lower ? '' : 'lower', read.upper ? '' : 'upper'].filter(Boolean);
  if (missing.length === 0) return undefined;
  return `${read.table}: no ${missing.join(' and no ')} bound on ${read.column}`;
}
