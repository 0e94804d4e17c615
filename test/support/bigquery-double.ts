// A tiny local double of BigQuery's jobs.query endpoint (POST /bigquery/v2/projects/P/queries): it records each
// request body and answers with the canned result the test set, encoded the way BigQuery encodes rows
// (every value a string in {f: [{v}]}, TIMESTAMP as integer microseconds, REPEATED as [{v}]).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CannedField {
  readonly name: string;
  readonly type: string;
  readonly mode?: 'NULLABLE' | 'REQUIRED' | 'REPEATED';
}

export interface CannedResult {
  readonly fields: readonly CannedField[];
  /** Values in BigQuery's wire form: strings (or null); arrays for REPEATED fields. */
  readonly rows: readonly (readonly (string | null | readonly string[])[])[];
  readonly numDmlAffectedRows?: string;
  /** Answer with this HTTP error instead. */
  readonly error?: { readonly status: number; readonly message: string };
}

export interface BigQueryDouble {
  readonly endpoint: string;
  readonly requests: { readonly path: string; readonly body: Record<string, unknown> }[];
  respond(result: CannedResult): void;
  close(): Promise<void>;
}

export async function startBigQueryDouble(): Promise<BigQueryDouble> {
  const requests: { path: string; body: Record<string, unknown> }[] = [];
  let next: CannedResult = { fields: [], rows: [] };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const match = /^\/bigquery\/v2\/projects\/([^/]+)\/queries(\?|$)/.exec(path);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !match) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 404, message: `double has no ${req.method} ${path}` } }));
        return;
      }
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ path, body });
      if (next.error) {
        res.statusCode = next.error.status;
        res.end(
          JSON.stringify({
            error: {
              code: next.error.status,
              message: next.error.message,
              errors: [{ message: next.error.message, reason: 'invalidQuery' }],
            },
          }),
        );
        return;
      }
      const cell = (v: string | null | readonly string[]) => ({
        v: Array.isArray(v) ? v.map((x) => ({ v: x })) : v,
      });
      res.end(
        JSON.stringify({
          kind: 'bigquery#queryResponse',
          jobComplete: true,
          jobReference: { projectId: match[1], jobId: `job_${requests.length}`, location: body.location },
          schema: { fields: next.fields.map((f) => ({ mode: 'NULLABLE', ...f })) },
          rows: next.rows.map((r) => ({ f: r.map(cell) })),
          totalRows: String(next.rows.length),
          ...(next.numDmlAffectedRows ? { numDmlAffectedRows: next.numDmlAffectedRows } : {}),
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    respond(result) {
      next = result;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
