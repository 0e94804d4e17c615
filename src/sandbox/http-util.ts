import type { IncomingMessage, ServerResponse } from 'node:http';

/** Requests larger than this are refused: nothing Slack sends or the bot posts comes near it. */
const MAX_BODY_BYTES = 2_000_000;

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readBytes(req, MAX_BODY_BYTES)).toString('utf8');
}

/** The request's body as bytes (a file upload), refused past `maxBytes`. */
export async function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > maxBytes) throw new Error('request body too large');
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

export type Args = Record<string, unknown>;

/**
 * Web API arguments from a JSON or form-encoded body plus the query string, as Slack accepts both.
 * Form values stay strings; readers parse JSON-valued ones (blocks, view) themselves.
 */
export function parseArgs(
  contentType: string | undefined,
  body: string,
  query: URLSearchParams,
): Args | 'invalid_json' {
  const args: Args = Object.fromEntries(query);
  if (body.trim() === '') return args;
  if ((contentType ?? '').includes('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return 'invalid_json';
      return { ...args, ...(parsed as Args) };
    } catch {
      return 'invalid_json';
    }
  }
  return { ...args, ...Object.fromEntries(new URLSearchParams(body)) };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string) {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A string argument, or undefined (numbers from JSON bodies are accepted as their string form). */
export function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

export const INVALID_JSON: unique symbol = Symbol('invalid_json');

/** A JSON-valued argument: already an object in a JSON body, a JSON string in a form body. */
export function jsonArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return INVALID_JSON;
  }
}

export function bool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}
