import type { IncomingMessage, ServerResponse } from 'node:http';
import { ensureRequestContext } from './request-context.js';

/** A route on the bot's own HTTP server beside Slack's /slack/events (health, task callbacks, demo pages). */
export interface HttpRoute {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  handler(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1_000_000;

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/**
 * Bolt hands custom routes a plain Node handler and does not await it, so an async failure would be an
 * unhandled rejection: every route goes through this wrapper, which answers errors with a status and a
 * message that says what was wrong.
 */
export function toBoltRoute(
  route: HttpRoute,
  onError: (error: unknown, path: string) => void,
  traceProject?: string,
) {
  return {
    path: route.path,
    method: route.method,
    handler: (req: IncomingMessage, res: ServerResponse) => {
      // Socket Mode's HTTP server is not wrapped by traceRequests: its routes get their context here.
      ensureRequestContext(req.headers, traceProject, () =>
        route.handler(req, res).catch((error: unknown) => {
          if (error instanceof HttpError) {
            sendJson(res, error.status, { ok: false, error: error.message });
            return;
          }
          onError(error, route.path);
          sendJson(res, 500, { ok: false, error: 'internal error (see the bot log)' });
        }),
      );
    },
  };
}
