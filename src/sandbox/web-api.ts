/**
 * The sandbox's Slack Web API endpoint (`/api/<method>`): token check, Slack's per-channel
 * chat.postMessage rate limit (HTTP 429 + Retry-After), and fault injection so tests can show what the
 * bot does when Slack fails, hangs, or succeeds without the answer reaching it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseArgs, readBody, readBytes, sendJson, sendText, str } from './http-util.js';
import { createRateLimiter, type RateLimit, SLACK_POST_LIMIT } from './rate-limit.js';
import type { Workspace } from './state.js';
import { findChannel, receiveFileBytes } from './state.js';
import { MAX_UPLOAD_BYTES, METHODS } from './web-api-methods.js';

export type Fault =
  /** Answer with this HTTP status (default 500) and do nothing. */
  | { readonly kind: 'error'; readonly status?: number }
  /** Never answer (the client's timeout fires); nothing is done. */
  | { readonly kind: 'timeout' }
  /** Do the work, then cut the connection before answering (a post whose response was lost). */
  | { readonly kind: 'drop' };

export interface WebApiOptions {
  /** Accepted bot token; any token is accepted when undefined. */
  readonly botToken?: string;
  /** chat.postMessage per-channel limit; false turns it off. */
  readonly rateLimit?: RateLimit | false;
  readonly baseUrl: () => string;
  /** Told of every call, for the terminal's one line per Slack call. */
  readonly onCall?: (method: string, result: { ok: boolean; error?: string; status: number }) => void;
}

export interface WebApiStats {
  calls: number;
  /** 429 answers served (the bench reads this). */
  rateLimited: number;
  readonly byMethod: Map<string, number>;
}

export interface WebApi {
  readonly handle: (req: IncomingMessage, res: ServerResponse, method: string) => Promise<void>;
  /** The upload URL files.getUploadURLExternal hands out: takes the reserved file's bytes. */
  readonly handleUpload: (req: IncomingMessage, res: ServerResponse, fileId: string) => Promise<void>;
  /** The next `times` (default 1) calls of `method` meet `fault`. */
  readonly injectFault: (method: string, fault: Fault, times?: number) => void;
  readonly clearFaults: () => void;
  readonly stats: WebApiStats;
  /** Requests held open by 'timeout' faults; released (destroyed) on close. */
  readonly releaseHeld: () => void;
}

/** The uploaded file's bytes: the body itself, or the first file part of a multipart form. */
async function uploadedBytes(contentType: string | undefined, body: Buffer): Promise<Buffer | undefined> {
  if (!(contentType ?? '').startsWith('multipart/form-data')) return body;
  // Node's fetch Response parses multipart bodies: no form parser of our own.
  const form = await new Response(body, { headers: { 'content-type': contentType ?? '' } }).formData();
  for (const value of form.values()) {
    if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  }
  return undefined;
}

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

export function createWebApi(ws: Workspace, options: WebApiOptions): WebApi {
  const limiter =
    options.rateLimit === false
      ? undefined
      : createRateLimiter(options.rateLimit ?? SLACK_POST_LIMIT, ws.now);
  const faults = new Map<string, Fault[]>();
  const held = new Set<ServerResponse>();
  const stats: WebApiStats = { calls: 0, rateLimited: 0, byMethod: new Map() };

  const answer = (
    res: ServerResponse,
    method: string,
    status: number,
    body: Record<string, unknown>,
    headers = {},
  ) => {
    sendJson(res, status, body, headers);
    const error = typeof body.error === 'string' ? body.error : undefined;
    options.onCall?.(method, { ok: body.ok === true, ...(error ? { error } : {}), status });
  };

  async function handle(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    stats.calls += 1;
    stats.byMethod.set(method, (stats.byMethod.get(method) ?? 0) + 1);
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const args = parseArgs(req.headers['content-type'], body, url.searchParams);
    if (args === 'invalid_json') return answer(res, method, 200, { ok: false, error: 'invalid_json' });

    const token = bearer(req) ?? str(args.token);
    if (!token) return answer(res, method, 200, { ok: false, error: 'not_authed' });
    if (options.botToken !== undefined && token !== options.botToken) {
      return answer(res, method, 200, { ok: false, error: 'invalid_auth' });
    }

    const impl = METHODS[method];
    if (!impl) return answer(res, method, 200, { ok: false, error: 'unknown_method' });

    const fault = faults.get(method)?.shift();
    if (fault?.kind === 'error') {
      return answer(res, method, fault.status ?? 500, { ok: false, error: 'internal_error' });
    }
    if (fault?.kind === 'timeout') {
      held.add(res);
      res.on('close', () => held.delete(res));
      options.onCall?.(method, { ok: false, error: 'held (timeout fault)', status: 0 });
      return;
    }

    if (method === 'chat.postMessage' && limiter) {
      const channel = findChannel(ws, str(args.channel) ?? '');
      const verdict = limiter.take(channel?.id ?? str(args.channel) ?? '');
      if (!verdict.ok) {
        stats.rateLimited += 1;
        return answer(
          res,
          method,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(verdict.retryAfterSec) },
        );
      }
    }

    const result = impl({ ws, baseUrl: options.baseUrl() }, args);
    if (fault?.kind === 'drop') {
      options.onCall?.(method, { ok: result.ok, error: 'response dropped (fault)', status: 0 });
      res.socket?.destroy();
      return;
    }
    answer(res, method, 200, result);
  }

  /**
   * Slack's upload URL takes the bytes raw or multipart form encoded (the Node client sends a form whose one
   * file part is the data); it answers 200 "OK - <length>". The URL itself is the credential: no token.
   */
  async function handleUpload(req: IncomingMessage, res: ServerResponse, fileId: string): Promise<void> {
    const method = 'upload';
    stats.calls += 1;
    stats.byMethod.set(method, (stats.byMethod.get(method) ?? 0) + 1);
    const fault = faults.get(method)?.shift();
    if (fault) {
      sendText(
        res,
        fault.kind === 'error' ? (fault.status ?? 500) : 500,
        'text/plain',
        'upload failed (fault)',
      );
      options.onCall?.(method, { ok: false, error: 'fault', status: 500 });
      return;
    }
    const body = await readBytes(req, MAX_UPLOAD_BYTES + 64_000);
    const bytes = await uploadedBytes(req.headers['content-type'], body);
    const stored = bytes ? receiveFileBytes(ws, fileId, bytes) : 'no file data';
    const ok = typeof stored !== 'string';
    const status = ok ? 200 : stored === 'file_not_found' ? 404 : 400;
    sendText(res, status, 'text/plain', ok ? `OK - ${stored.length}` : stored);
    options.onCall?.(method, { ok, ...(ok ? {} : { error: stored }), status });
  }

  return {
    handle,
    handleUpload,
    injectFault(method, fault, times = 1) {
      const list = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(fault);
      faults.set(method, list);
    },
    clearFaults: () => faults.clear(),
    stats,
    releaseHeld() {
      for (const res of held) res.socket?.destroy();
      held.clear();
    },
  };
}
