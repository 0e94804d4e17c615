// A tiny local double of BigQuery's jobs API as the client uses it: jobs.insert (POST .../jobs), then
// jobs.getQueryResults (GET .../queries/JOB) for the rows, jobs.cancel (POST .../jobs/JOB/cancel), and
// jobs.query (POST .../queries). It records every request and answers each job with the canned result the
// test set, encoded the way BigQuery encodes rows (every value a string in {f: [{v}]}, TIMESTAMP as integer
// microseconds, REPEATED as [{v}]).
import { createServer, type ServerResponse } from 'node:http';
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
  /** The job fails: its results answer with this HTTP error (`reason` as BigQuery's errors[].reason). */
  readonly error?: { readonly status: number; readonly message: string; readonly reason?: string };
  /** The job never completes: its results are not answered until the job is cancelled. */
  readonly hang?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** A jobs.insert body as the client sends it. */
export interface InsertedJob {
  readonly jobReference: { readonly projectId: string; readonly jobId: string; readonly location?: string };
  readonly configuration: {
    readonly query: Record<string, unknown>;
    readonly labels?: Record<string, string>;
    readonly jobTimeoutMs?: string;
  };
}

export interface BigQueryDouble {
  readonly endpoint: string;
  readonly requests: RecordedRequest[];
  /** jobs.insert bodies, in order. */
  readonly jobs: InsertedJob[];
  /** IDs of the jobs cancelled, in order. */
  readonly cancelled: string[];
  /** Each job from now on takes the next result; the last one answers every job after it. */
  respond(...results: CannedResult[]): void;
  close(): Promise<void>;
}

const PREFIX = /^\/bigquery\/v2\/projects\/([^/]+)\//;

export async function startBigQueryDouble(): Promise<BigQueryDouble> {
  const requests: RecordedRequest[] = [];
  const jobs: InsertedJob[] = [];
  const cancelled: string[] = [];
  let queue: CannedResult[] = [{ fields: [], rows: [] }];
  const resultOf = new Map<string, CannedResult>();
  const held = new Map<string, ServerResponse>();
  const take = (): CannedResult =>
    queue.length > 1 ? (queue.shift() as CannedResult) : (queue[0] as CannedResult);

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, error: NonNullable<CannedResult['error']>) =>
    send(res, error.status, {
      error: {
        code: error.status,
        message: error.message,
        errors: [{ message: error.message, reason: error.reason ?? 'invalidQuery' }],
      },
    });
  const answer = (res: ServerResponse, result: CannedResult, jobReference: unknown) => {
    if (result.error) return fail(res, result.error);
    const cell = (v: string | null | readonly string[]) => ({
      v: Array.isArray(v) ? v.map((x) => ({ v: x })) : v,
    });
    send(res, 200, {
      kind: 'bigquery#queryResponse',
      jobComplete: true,
      jobReference,
      schema: { fields: result.fields.map((f) => ({ mode: 'NULLABLE', ...f })) },
      rows: result.rows.map((r) => ({ f: r.map(cell) })),
      totalRows: String(result.rows.length),
      ...(result.numDmlAffectedRows ? { numDmlAffectedRows: result.numDmlAffectedRows } : {}),
    });
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => {
      raw += d;
    });
    req.on('end', () => {
      const path = req.url ?? '';
      const method = req.method ?? 'GET';
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      const project = PREFIX.exec(path)?.[1];
      const rest = path.replace(PREFIX, '').split('?')[0] ?? '';
      if (!project)
        return send(res, 404, { error: { code: 404, message: `double has no ${method} ${path}` } });
      requests.push({ method, path, body });
      if (method === 'POST' && rest === 'jobs') {
        const job = body as unknown as InsertedJob;
        jobs.push(job);
        resultOf.set(job.jobReference.jobId, take());
        return send(res, 200, { ...job, status: { state: 'RUNNING' } });
      }
      const cancel = /^jobs\/([^/]+)\/cancel$/.exec(rest)?.[1];
      if (method === 'POST' && cancel) {
        cancelled.push(cancel);
        const waiting = held.get(cancel);
        held.delete(cancel);
        if (waiting)
          fail(waiting, { status: 400, message: 'Job execution was cancelled', reason: 'stopped' });
        return send(res, 200, {
          kind: 'bigquery#jobCancelResponse',
          job: { jobReference: { jobId: cancel } },
        });
      }
      const results = /^queries\/([^/]+)$/.exec(rest)?.[1];
      if (method === 'GET' && results) {
        const result = resultOf.get(results);
        if (!result) return send(res, 404, { error: { code: 404, message: `Not found: Job ${results}` } });
        if (result.hang) return held.set(results, res);
        return answer(res, result, { projectId: project, jobId: results });
      }
      if (method === 'POST' && rest === 'queries') {
        return answer(res, take(), { projectId: project, jobId: `query_${requests.length}` });
      }
      send(res, 404, { error: { code: 404, message: `double has no ${method} ${path}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    jobs,
    cancelled,
    respond(...results) {
      queue = results.length > 0 ? [...results] : [{ fields: [], rows: [] }];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held.values()) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
